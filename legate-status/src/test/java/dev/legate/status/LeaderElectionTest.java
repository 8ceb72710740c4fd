package dev.legate.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.legate.compiler.CompileResult;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas, each with its own client, election and writer, against one mock API server: only the one holding
 * the Lease writes status (the API server sees status writes from that client only), and when it stops, the other
 * takes over and writes what changed since.
 */
@EnableKubernetesMockClient(crud = true)
final class LeaderElectionTest {

    static KubernetesClient client;
    static KubernetesMockServer server;

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final StatusSettings SETTINGS = new StatusSettings(StatusReport.KINDS, Optional.empty(),
            new GatewayService.Labelled("legate", Optional.empty()), 1000, Duration.ofSeconds(1));

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    /** A client of its own, which the API server can tell apart by its User-Agent. */
    private KubernetesClient replicaClient(String name) {
        Config config = new ConfigBuilder(client.getConfiguration()).withUserAgent(name).build();
        KubernetesClient replica = server.createClient(builder -> builder.withConfig(config));
        closing.add(replica);
        return replica;
    }

    private LeaderElection election(KubernetesClient replica, String identity) {
        // Short times so that the test is quick; the defaults are 15 s / 10 s / 2 s.
        LeaderElection election = LeaderElection.start(replica, new LeaseSettings("legate", "legate-status",
                identity, Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(200)));
        closing.add(election);
        return election;
    }

    private StatusWriter writer(KubernetesClient replica, Leadership leadership) {
        StatusWriter writer = StatusWriter.start(replica, SETTINGS, leadership, CLOCK);
        closing.add(writer);
        return writer;
    }

    /** Status writes seen by the API server since the last call, counted by the User-Agent that sent them. */
    private static Map<String, Integer> statusWritesByClient() throws InterruptedException {
        Map<String, Integer> counts = new TreeMap<>();
        RecordedRequest request;
        while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            boolean write = List.of("PATCH", "PUT").contains(request.getMethod());
            if (write && request.getPath().contains("/status")) {
                counts.merge(request.getHeader("User-Agent"), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static String holder() {
        var lease = client.leases().inNamespace("legate").withName("legate-status").get();
        return lease == null || lease.getSpec().getHolderIdentity() == null ? ""
                : lease.getSpec().getHolderIdentity();
    }

    @Test
    void onlyTheLeaderWritesAndTheOtherTakesOverWhenItStops() throws Exception {
        TestCluster.installCrds(client);
        TestCluster.create(client, TestCluster.resourcesYaml());
        CompileResult result = TestCluster.compile(TestCluster.resourcesYaml());

        KubernetesClient a = replicaClient("replica-a");
        KubernetesClient b = replicaClient("replica-b");
        LeaderElection electionA = election(a, "replica-a");
        await().atMost(WAIT).until(electionA::leading);
        LeaderElection electionB = election(b, "replica-b");
        StatusWriter writerA = writer(a, electionA);
        StatusWriter writerB = writer(b, electionB);
        statusWritesByClient(); // forget the set-up

        writerA.publish(result);
        writerB.publish(result);
        await().atMost(WAIT).until(() -> writerA.stats().writes() == 7);
        await().atMost(WAIT).until(() -> writerB.stats().passes() > 0);
        assertThat(TestCluster.status(client, "Mapping", "default", "good").path("state").asText())
                .isEqualTo("Running");
        assertThat(electionB.leading()).isFalse();
        assertThat(writerB.stats().writes()).isZero();
        assertThat(holder()).isEqualTo("replica-a");
        assertThat(statusWritesByClient()).containsOnlyKeys("replica-a");

        // The leader stops (a rollout, say): it releases the Lease and the other replica takes over at once.
        writerA.close();
        electionA.close();
        await().atMost(WAIT).until(electionB::leading);
        assertThat(holder()).isEqualTo("replica-b");

        // The new leader compares with the cluster and writes only what changed since.
        String fixed = TestCluster.resourcesYaml().replace("\"/bad/(\"", "\"/bad/(.*)\"");
        writerB.publish(TestCluster.compile(fixed));
        await().atMost(WAIT).until(() -> TestCluster.status(client, "Mapping", "default", "bad-regex")
                .path("state").asText().equals("Running"));
        await().atMost(WAIT).until(() -> writerB.stats().writes() == 1);
        assertThat(statusWritesByClient()).containsOnlyKeys("replica-b").containsEntry("replica-b", 1);
    }

    @Test
    void leaseNamesFollowTheAmbassadorId() {
        assertThat(LeaseSettings.fromEnvironment(Map.of()).name()).isEqualTo("legate-status");
        assertThat(LeaseSettings.fromEnvironment(Map.of("AMBASSADOR_ID", "Edge_Stack.1")).name())
                .isEqualTo("legate-status-edge-stack-1");
        LeaseSettings fromPod = LeaseSettings.fromEnvironment(Map.of("AMBASSADOR_NAMESPACE", "gw",
                "POD_NAME", "legate-7d9f-abcde", "HOSTNAME", "ignored"));
        assertThat(fromPod.namespace()).isEqualTo("gw");
        assertThat(fromPod.identity()).isEqualTo("legate-7d9f-abcde");
    }

    /** The assembled form legate serve uses: configured from the environment, writes once leading, releases on close. */
    @Test
    void kubernetesStatusFromTheEnvironment() throws Exception {
        TestCluster.installCrds(client);
        client.genericKubernetesResources(StatusTargets.of("Listener")).inAnyNamespace().delete();
        TestCluster.create(client, """
                apiVersion: getambassador.io/v3alpha1
                kind: Listener
                metadata: {name: env-listener, namespace: default}
                spec: {port: 8080, protocol: HTTP, securityModel: XFP, hostBinding: {namespace: {from: ALL}}}
                """);
        KubernetesStatus status = KubernetesStatus.start(replicaClient("replica-env"), Map.of(
                "AMBASSADOR_NAMESPACE", "legate", "AMBASSADOR_ID", "env-test", "POD_NAME", "legate-0"), CLOCK);
        closing.add(status);
        status.publish(TestCluster.compile("""
                apiVersion: getambassador.io/v3alpha1
                kind: Listener
                metadata: {name: env-listener, namespace: default}
                spec: {port: 8080, protocol: HTTP, securityModel: XFP, hostBinding: {namespace: {from: ALL}}}
                """));
        await().atMost(WAIT).until(status::leading);
        await().atMost(WAIT).until(() -> TestCluster.status(client, "Listener", "default", "env-listener") != null);
        var lease = client.leases().inNamespace("legate").withName("legate-status-env-test").get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("legate-0");
        status.close();
        // Released: fabric8 (like client-go) shortens the Lease to one second from now, so that another replica
        // takes over at once instead of after the 15 s a crashed leader's Lease runs.
        var released = client.leases().inNamespace("legate").withName("legate-status-env-test").get().getSpec();
        assertThat(released.getLeaseDurationSeconds()).as(released.toString()).isEqualTo(1);
    }
}
