package dev.legate.apiext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Certificates in a Secret, against fabric8's mock API server (CRUD mode): created once, reused by restarts and
 * replicas, renewed before expiry by exactly one writer, watched, and recreated when deleted.
 */
@EnableKubernetesMockClient(crud = true)
final class SecretCertificateSourceTest {

    static KubernetesClient client;

    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final CertificatePolicy POLICY = new CertificatePolicy(Duration.ofDays(3650),
            Duration.ofDays(365), Duration.ofDays(30), CertificatePolicy.serviceDnsNames("legate-apiext", "legate"),
            List.of());
    private static final String NAME = "legate-apiext-certs";

    private final String namespace = "ns" + NAMESPACES.incrementAndGet();
    private final List<SecretCertificateSource> sources = new ArrayList<>();

    private SecretCertificateSource source(MutableClock clock) {
        SecretCertificateSource source = new SecretCertificateSource(client, namespace, NAME, POLICY, clock,
                Duration.ofMinutes(10));
        sources.add(source);
        return source;
    }

    private Secret stored() {
        return client.secrets().inNamespace(namespace).withName(NAME).get();
    }

    @AfterEach
    void close() {
        sources.forEach(SecretCertificateSource::close);
    }

    @Test
    void createsTheSecretWhenMissing() {
        CertificateBundle bundle = source(new MutableClock(Instant.now())).ensure();
        Secret secret = stored();
        assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(secret.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "legate-apiext");
        assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt", "ca.key");
        assertThat(CertificateSource.sameCertificates(CertificateBundle.fromSecretData(secret.getData()), bundle))
                .isTrue();
    }

    @Test
    void aRestartOrAnotherReplicaReusesTheStoredCertificates() {
        CertificateBundle first = source(new MutableClock(Instant.now())).ensure();
        String version = stored().getMetadata().getResourceVersion();
        CertificateBundle second = source(new MutableClock(Instant.now().plusSeconds(3600))).ensure();
        assertThat(CertificateSource.sameCertificates(first, second)).isTrue();
        assertThat(stored().getMetadata().getResourceVersion()).as("nothing written").isEqualTo(version);
    }

    @Test
    void renewsBeforeExpiryOnceAndTheOtherReplicaAdoptsTheResult() {
        Instant start = Instant.now();
        MutableClock clockA = new MutableClock(start);
        MutableClock clockB = new MutableClock(start);
        SecretCertificateSource a = source(clockA);
        SecretCertificateSource b = source(clockB);
        CertificateBundle original = a.ensure();

        Instant due = start.plus(Duration.ofDays(340)); // the serving certificate has 25 days left
        clockA.set(due);
        clockB.set(due);
        CertificateBundle renewed = a.ensure();
        assertThat(renewed.serving()).isNotEqualTo(original.serving());
        assertThat(renewed.ca()).as("same CA: the CRDs' bundle stays right").isEqualTo(original.ca());
        String version = stored().getMetadata().getResourceVersion();

        CertificateBundle seenByB = b.ensure();
        assertThat(CertificateSource.sameCertificates(seenByB, renewed)).isTrue();
        assertThat(stored().getMetadata().getResourceVersion()).isEqualTo(version);
    }

    @Test
    void replicasStartingTogetherAgreeOnOneCa() throws Exception {
        int replicas = 4;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        try {
            List<Future<CertificateBundle>> results = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                SecretCertificateSource s = source(new MutableClock(Instant.now()));
                results.add(pool.submit(() -> {
                    go.await();
                    return s.ensure();
                }));
            }
            go.countDown();
            CertificateBundle stored = CertificateBundle.fromSecretData(
                    awaitSecret().getData());
            for (Future<CertificateBundle> f : results) {
                assertThat(CertificateSource.sameCertificates(f.get(20, TimeUnit.SECONDS), stored)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReplicaThatLosesTheRaceToCreateReadsTheWinnersSecret() {
        CertificateBundle winner = source(new MutableClock(Instant.now())).ensure();
        SecretCertificateSource loser = source(new MutableClock(Instant.now()));
        // It read "no Secret" just before the winner created it: its create gets 409.
        assertThat(loser.settle(null)).isEmpty();
        assertThat(CertificateSource.sameCertificates(loser.ensure(), winner)).isTrue();
    }

    @Test
    void aReplicaThatLosesTheRaceToRenewAdoptsTheWinnersRenewal() {
        Instant due = Instant.now().plus(Duration.ofDays(340));
        CertificateBundle original = source(new MutableClock(Instant.now())).ensure();
        Secret readByBoth = stored();
        CertificateBundle winner = source(new MutableClock(due)).ensure();
        assertThat(winner.serving()).isNotEqualTo(original.serving());
        SecretCertificateSource loser = source(new MutableClock(due));
        // Its update carries the resourceVersion it read, now stale: 409, nothing overwritten.
        assertThat(loser.settle(readByBoth)).isEmpty();
        assertThat(CertificateSource.sameCertificates(CertificateBundle.fromSecretData(stored().getData()), winner))
                .isTrue();
        assertThat(CertificateSource.sameCertificates(loser.ensure(), winner)).isTrue();
    }

    private Secret awaitSecret() {
        return await().atMost(Duration.ofSeconds(20)).until(this::stored, s -> s != null);
    }

    @Test
    void anUnusableSecretIsReplacedKeepingItsType() {
        client.secrets().inNamespace(namespace).resource(new SecretBuilder()
                .withNewMetadata().withName(NAME).withNamespace(namespace).endMetadata()
                .withType("Opaque")
                .withData(Map.of("tls.crt", "bm90IGEgY2VydA==")).build()).create();
        CertificateBundle bundle = source(new MutableClock(Instant.now())).ensure();
        Secret secret = stored();
        assertThat(secret.getType()).isEqualTo("Opaque");
        assertThat(CertificateSource.sameCertificates(CertificateBundle.fromSecretData(secret.getData()), bundle))
                .isTrue();
    }

    @Test
    void aRunningReplicaFollowsTheSecretAndRecreatesItWhenDeleted() {
        Instant start = Instant.now();
        MutableClock clock = new MutableClock(start);
        SecretCertificateSource running = source(clock);
        List<CertificateBundle> seen = new CopyOnWriteArrayList<>();
        running.start(seen::add);
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 1);
        CertificateBundle first = seen.getFirst();

        // 340 days later another replica renews first: the running one picks that up by watching.
        clock.set(start.plus(Duration.ofDays(340)));
        CertificateBundle renewed = source(new MutableClock(clock.instant())).ensure();
        await().atMost(Duration.ofSeconds(20)).until(() -> CertificateSource.sameCertificates(
                running.current(), renewed));
        assertThat(seen).hasSize(2);
        assertThat(renewed.ca()).isEqualTo(first.ca());

        // Deleted: recreated (with a new CA, since the old key is gone).
        client.secrets().inNamespace(namespace).withName(NAME).delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Secret s = stored();
            return s != null && CertificateSource.sameCertificates(
                    CertificateBundle.fromSecretData(s.getData()), running.current())
                    && !running.current().ca().equals(first.ca());
        });
    }
}
