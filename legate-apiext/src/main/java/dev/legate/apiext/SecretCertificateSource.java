package dev.legate.apiext;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificates kept in a Secret, so that restarts and replicas share one CA (and the CRDs' CA bundle stays right).
 *
 * <p>The first replica to find no Secret creates it; a replica that loses that race (409) reads the winner's.
 * Renewal writes with the Secret's resourceVersion, so of several replicas renewing at once exactly one succeeds
 * and the others adopt its result. Every replica watches the Secret and serves whatever it holds, and checks it
 * every {@code checkInterval} (renewing when due, recreating it when deleted).
 */
final class SecretCertificateSource implements CertificateSource {

    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String MANAGER = "legate-apiext";
    private static final int ATTEMPTS = 5;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(SecretCertificateSource.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final CertificatePolicy policy;
    private final Clock clock;
    private final Duration checkInterval;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Threads.daemon("legate-apiext-certs"));
    private volatile @Nullable CertificateBundle current;
    private @Nullable Consumer<CertificateBundle> listener;
    private volatile @Nullable SharedIndexInformer<Secret> informer;
    private Duration retry = FIRST_RETRY;

    SecretCertificateSource(KubernetesClient client, String namespace, String name, CertificatePolicy policy,
            Clock clock, Duration checkInterval) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.name = Objects.requireNonNull(name, "name");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.checkInterval = Objects.requireNonNull(checkInterval, "checkInterval");
    }

    @Override
    public void start(Consumer<CertificateBundle> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        scheduler.execute(this::check);
        long every = Math.max(1, checkInterval.toMillis());
        scheduler.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
        watch();
    }

    /** Watches the Secret (the other replicas' renewals, deletions); retries while the API server is unreachable. */
    private void watch() {
        SharedIndexInformer<Secret> i = client.secrets().inNamespace(namespace).withName(name).runnableInformer(0);
        i.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Secret secret) {
                scheduler.execute(() -> observed(secret));
            }

            @Override
            public void onUpdate(Secret before, Secret secret) {
                scheduler.execute(() -> observed(secret));
            }

            @Override
            public void onDelete(Secret secret, boolean finalStateUnknown) {
                LOG.warn("Secret {}/{} was deleted; making a new one", namespace, name);
                scheduler.execute(SecretCertificateSource.this::check);
            }
        });
        informer = i;
        i.start().whenComplete((ok, error) -> {
            if (error != null && !scheduler.isShutdown()) {
                LOG.warn("cannot watch Secret {}/{}: {}; trying again in {} s", namespace, name,
                        message(error), checkInterval.toSeconds());
                i.close();
                scheduler.schedule(this::watch, checkInterval.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Makes sure the Secret holds valid certificates, and uses them. Runs on the scheduler thread. */
    void check() {
        try {
            adopt(ensure());
            retry = FIRST_RETRY;
        } catch (KubernetesClientException | IllegalStateException e) {
            Duration wait = current == null ? retry : checkInterval;
            LOG.warn("cannot read or write Secret {}/{}: {}; trying again in {} s", namespace, name,
                    message(e), wait.toSeconds());
            if (current == null) {
                scheduler.schedule(this::check, wait.toMillis(), TimeUnit.MILLISECONDS);
                retry = retry.multipliedBy(2).compareTo(checkInterval) > 0 ? checkInterval : retry.multipliedBy(2);
            }
        } catch (RuntimeException e) {
            LOG.error("checking Secret {}/{} failed", namespace, name, e);
        }
    }

    /**
     * Reads the Secret and returns valid certificates, creating or renewing them (and writing them back) when
     * needed.
     *
     * @throws KubernetesClientException when the API server cannot be used
     * @throws IllegalStateException when other writers kept winning
     */
    CertificateBundle ensure() {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Optional<CertificateBundle> settled = settle(client.secrets().inNamespace(namespace).withName(name).get());
            if (settled.isPresent()) {
                return settled.get();
            }
        }
        throw new IllegalStateException("Secret " + namespace + "/" + name + " kept changing during " + ATTEMPTS
                + " attempts to update it");
    }

    /**
     * One attempt, given the Secret as just read (null when there is none): its certificates if they are valid,
     * else new ones written back. Empty when another writer changed the Secret in between (409): read it again.
     */
    Optional<CertificateBundle> settle(@Nullable Secret secret) {
        if (secret == null) {
            CertificateBundle created = policy.create(clock.instant());
            try {
                client.secrets().inNamespace(namespace).resource(newSecret(created)).create();
                LOG.info("created Secret {}/{}: {}", namespace, name, created.describe());
                return Optional.of(created);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                LOG.info("Secret {}/{} was created meanwhile (another replica); reading it", namespace, name);
                return Optional.empty();
            }
        }
        CertificateBundle stored;
        CertificatePolicy.Assessment assessment;
        try {
            stored = CertificateBundle.fromSecretData(data(secret));
            assessment = policy.assess(stored, clock.instant());
        } catch (IllegalArgumentException e) {
            stored = null;
            assessment = null;
            LOG.warn("Secret {}/{} does not hold usable certificates ({}); replacing them with a new CA",
                    namespace, name, e.getMessage());
        }
        if (stored != null && assessment.verdict() == CertificatePolicy.Verdict.KEEP) {
            return Optional.of(stored);
        }
        CertificateBundle replacement = stored == null ? policy.create(clock.instant())
                : policy.renew(stored, assessment, clock.instant());
        try {
            // The resourceVersion in `secret` makes this a compare-and-swap.
            client.secrets().inNamespace(namespace).resource(new SecretBuilder(secret)
                    .withData(replacement.toSecretData()).build()).update();
            LOG.info("renewed the certificates in Secret {}/{}{}: {}", namespace, name,
                    assessment == null ? "" : " (" + assessment.reason() + ")", replacement.describe());
            return Optional.of(replacement);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            LOG.info("Secret {}/{} changed meanwhile (another replica); reading it again", namespace, name);
            return Optional.empty();
        }
    }

    /** A Secret seen by the watch: use it if it holds valid certificates, else fix it. */
    private void observed(Secret secret) {
        try {
            CertificateBundle bundle = CertificateBundle.fromSecretData(data(secret));
            if (policy.assess(bundle, clock.instant()).verdict() == CertificatePolicy.Verdict.KEEP) {
                adopt(bundle);
                return;
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("Secret {}/{} changed and does not hold usable certificates: {}", namespace, name,
                    e.getMessage());
        }
        check();
    }

    private void adopt(CertificateBundle bundle) {
        if (CertificateSource.sameCertificates(current, bundle)) {
            return;
        }
        current = bundle;
        LOG.info("serving with the certificates of Secret {}/{}: {}", namespace, name, bundle.describe());
        Objects.requireNonNull(listener).accept(bundle);
    }

    private Secret newSecret(CertificateBundle bundle) {
        return new SecretBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .addToLabels(MANAGED_BY, MANAGER)
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(bundle.toSecretData())
                .build();
    }

    private static Map<String, String> data(Secret secret) {
        return secret.getData() == null ? Map.of() : secret.getData();
    }

    private static String message(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }

    @Override
    public @Nullable CertificateBundle current() {
        return current;
    }

    @Override
    public void close() {
        SharedIndexInformer<Secret> i = informer;
        if (i != null) {
            i.close();
        }
        scheduler.shutdownNow();
    }
}
