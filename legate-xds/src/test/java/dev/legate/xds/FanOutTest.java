package dev.legate.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.legate.xds.PublishResult.Step;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A hundred Envoys on one server: how long from a publish to the last of them holding the new route table. */
@Timeout(120)
final class FanOutTest {

    private static final int CLIENTS = 100;
    private static final int ROUTES = 1000;
    private static final int CLUSTERS = 50;
    private static final int WARMUP = 3;
    private static final int ROUNDS = 10;

    @Test
    void aHundredClientsAllReceiveAnUpdate() throws Exception {
        List<String> clusterNames = new ArrayList<>();
        List<Cluster> clusters = new ArrayList<>();
        List<ClusterLoadAssignment> endpoints = new ArrayList<>();
        for (int i = 0; i < CLUSTERS; i++) {
            String name = "cluster_svc" + i + "_default";
            clusterNames.add(name);
            clusters.add(Fixtures.edsCluster(name));
            endpoints.add(Fixtures.endpoints(name, "10.1.0." + i, 8080));
        }
        List<AdsTestClient> clients = new ArrayList<>();
        try (XdsServer server = XdsServer.start(new InetSocketAddress("127.0.0.1", 0))) {
            server.publish(config(clusterNames, clusters, endpoints, "r0"));
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(new AdsTestClient(server.port(), "envoy-" + i).start());
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> clients.stream()
                    .allMatch(c -> server.versions().routes().equals(c.acked().get(XdsType.ROUTE))));
            int size = server.resources().routes().get(0).getSerializedSize();

            long[] fanOutMicros = new long[WARMUP + ROUNDS];
            long[] publishMicros = new long[WARMUP + ROUNDS];
            for (int round = 1; round <= WARMUP + ROUNDS; round++) {
                XdsResources next = config(clusterNames, clusters, endpoints, "r" + round);
                long start = System.nanoTime();
                PublishResult result = server.publish(next);
                long published = System.nanoTime();
                assertThat(result.steps()).containsExactly(Step.ROUTES);
                String version = result.versions().routes();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> clients.stream()
                        .allMatch(c -> received(c, version) > 0));
                long last = clients.stream().mapToLong(c -> received(c, version)).max().orElseThrow();
                fanOutMicros[round - 1] = (last - start) / 1000;
                publishMicros[round - 1] = (published - start) / 1000;
                await().atMost(Duration.ofSeconds(30)).until(() -> clients.stream()
                        .allMatch(c -> version.equals(c.acked().get(XdsType.ROUTE))));
            }
            // The first rounds run before the JIT has compiled the hot paths; they are not counted.
            fanOutMicros = Arrays.copyOfRange(fanOutMicros, WARMUP, WARMUP + ROUNDS);
            publishMicros = Arrays.copyOfRange(publishMicros, WARMUP, WARMUP + ROUNDS);
            Arrays.sort(fanOutMicros);
            Arrays.sort(publishMicros);
            String report = String.format(Locale.ROOT, "fan-out: %d SotW clients, %d routes (RouteConfiguration of "
                    + "%d bytes), publish to last client's receipt over %d rounds after %d warm-up rounds: min %.1f "
                    + "ms, median %.1f ms, max %.1f ms; publish() call itself: median %.1f ms",
                    CLIENTS, ROUTES, size, ROUNDS, WARMUP, fanOutMicros[0] / 1000.0, fanOutMicros[ROUNDS / 2] / 1000.0,
                    fanOutMicros[ROUNDS - 1] / 1000.0, publishMicros[ROUNDS / 2] / 1000.0);
            System.out.println(report);
            assertThat(server.clients()).hasSize(CLIENTS);
            assertThat(fanOutMicros[ROUNDS / 2]).isLessThan(5_000_000);
        } finally {
            for (AdsTestClient c : clients) {
                c.close();
            }
        }
    }

    private static long received(AdsTestClient client, String version) {
        return client.firstSeen(XdsType.ROUTE, version);
    }

    private static XdsResources config(List<String> clusterNames, List<Cluster> clusters,
            List<ClusterLoadAssignment> endpoints, String salt) {
        return new XdsResources(
                List.of(Fixtures.listener("http", 8080, "http-routes")),
                List.of(Fixtures.manyRoutes("http-routes", ROUTES, clusterNames, salt)),
                clusters, endpoints, List.of());
    }
}
