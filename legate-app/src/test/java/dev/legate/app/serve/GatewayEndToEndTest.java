package dev.legate.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.compiler.CompileOptions;
import dev.legate.xds.AdsTestClient;
import dev.legate.xds.XdsType;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code legate serve} end to end: a directory, the gateway, and a raw ADS client behaving like Envoy on the wire.
 */
final class GatewayEndToEndTest {

    private static Gateway.Settings settings(Path config, Path state) {
        return new Gateway.Settings(config, CompileOptions.DEFAULTS, new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0), state, 3, Duration.ofMillis(50), Duration.ofMillis(500),
                Optional.empty(), Duration.ofSeconds(1), 18001, "test-node");
    }

    private static void copyQuickstart(Path config) throws Exception {
        for (Path f : Files.list(Path.of("../examples/quickstart")).toList()) {
            Files.copy(f, config.resolve(f.getFileName()));
        }
    }

    @Test
    void fileChangesReachTheClientAndNoOpChangesDoNot(@TempDir Path dir) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        copyQuickstart(config);
        try (Gateway gateway = Gateway.start(settings(config, dir.resolve("state")));
                AdsTestClient client = new AdsTestClient(gateway.adsPort(), "test-node").start()) {
            String routes = awaitRoutes(client, "cluster_quote_default", "cluster_quote_v2_default");
            assertThat(client.acked()).containsKeys(XdsType.LISTENER, XdsType.CLUSTER, XdsType.ROUTE);
            assertThat(routeText(client)).contains("cluster_quote_default").contains("cluster_quote_v2_default");

            // An edit that changes the routes: the new route configuration arrives.
            writeAtomically(config.resolve("quote.yaml"), Files.readString(config.resolve("quote.yaml"))
                    .replace("prefix: /backend/\n  service: quote-v2", "prefix: /backend/\n  service: quote-v3"));
            String changed = awaitRoutes(client, "cluster_quote_v3_default");
            assertThat(routeText(client)).contains("cluster_quote_v3_default").doesNotContain("quote_v2");
            // The publish ends with the clean-up step (the unused cluster goes): wait for it before listening for
            // silence.
            long cleanup = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (client.held(XdsType.CLUSTER).containsKey("cluster_quote_v2_default")
                    || !gateway.xds().versions().clusters().equals(client.acked().get(XdsType.CLUSTER))) {
                assertThat(System.nanoTime()).as("the clean-up step within 20 s").isLessThan(cleanup);
                Thread.sleep(20);
            }

            // A change that changes nothing (a comment): recompiled, nothing pushed.
            client.drain();
            writeAtomically(config.resolve("host.yaml"), Files.readString(config.resolve("host.yaml"))
                    + "# a comment\n");
            Thread.sleep(1500);
            assertThat(client.poll(Duration.ofMillis(300))).isNull();
            assertThat(client.acked().get(XdsType.ROUTE)).isEqualTo(changed);

            // A broken edit: the Mapping becomes invalid; the rest of the configuration is still served.
            writeAtomically(config.resolve("quote.yaml"), "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\n"
                    + "metadata: {name: quote-backend, namespace: default}\nspec: {prefix: /backend/}\n");
            awaitAcked(client, XdsType.ROUTE, changed);
            // The edit may be seen half-written first (an empty file): wait for the reconfiguration of the whole.
            awaitDiagnostic(gateway, "Mapping/quote-backend.default");
        }
    }

    @Test
    void anUnreadableDirectoryKeepsTheLastGoodConfiguration(@TempDir Path dir) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        copyQuickstart(config);
        try (Gateway gateway = Gateway.start(settings(config, dir.resolve("state")));
                AdsTestClient client = new AdsTestClient(gateway.adsPort(), "test-node").start()) {
            String routes = awaitRoutes(client, "cluster_quote_default");
            Path subdir = Files.createDirectories(config.resolve("more"));
            Files.writeString(subdir.resolve("broken.yaml"), "\u0000not yaml: [");
            // The document is reported; everything else is unchanged, so nothing new is pushed.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            // lastGood is set once the publish has returned, which may be just after the client received the routes.
            while (gateway.reconfigurer().lastGood().stream().flatMap(r -> r.result().diagnostics().stream())
                    .noneMatch(d -> d.source().startsWith("file:more/broken.yaml"))) {
                assertThat(System.nanoTime()).as("the broken file reported within 20 s").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(client.acked().get(XdsType.ROUTE)).isEqualTo(routes);
        }
    }

    /**
     * Waits (bounded) until the routes the client holds name every one of {@code needles} and it has acked the
     * version it holds; returns that version. (Publishing is make-before-break in steps, so the first new route
     * version after a change can be an intermediate one: wait for content, not for a new version.)
     */
    private static String awaitRoutes(AdsTestClient client, String... needles) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            String text = routeText(client);
            String acked = client.acked().get(XdsType.ROUTE);
            String received = client.events().stream().filter(e -> e.type() == XdsType.ROUTE)
                    .reduce((a, b) -> b).map(AdsTestClient.Received::version).orElse(null);
            if (acked != null && acked.equals(received) && java.util.Arrays.stream(needles).allMatch(text::contains)) {
                return acked;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the routes did not name " + java.util.Arrays.toString(needles) + " within 20 s");
    }

    /** Replaces {@code file} in one step, as editors and ConfigMap updates do, so no reader sees it half-written. */
    private static void writeAtomically(Path file, String content) throws java.io.IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(temp, content);
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Waits (bounded) until the configuration being served has a diagnostic on {@code source}. */
    private static void awaitDiagnostic(Gateway gateway, String source) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (gateway.reconfigurer().lastGood().orElseThrow().result().diagnostics().stream()
                    .anyMatch(d -> d.source().equals(source))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no diagnostic on " + source + " within 20 s");
    }

    @Test
    void endpointChangesArriveOverEdsWithoutNewRoutes(@TempDir Path dir) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        copyQuickstart(config);
        Files.writeString(config.resolve("cart.yaml"), """
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: cart, namespace: default}
                spec: {hostname: "*", prefix: /cart/, service: cart, resolver: endpoint}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: cart, namespace: default}
                spec: {ports: [{port: 80, targetPort: 8080}]}
                """);
        Path endpoints = config.resolve("cart-endpoints.yaml");
        Files.writeString(endpoints, cartEndpoints("10.0.0.1"));
        try (Gateway gateway = Gateway.start(settings(config, dir.resolve("state")));
                AdsTestClient client = new AdsTestClient(gateway.adsPort(), "test-node").start()) {
            String eds = awaitAcked(client, XdsType.ENDPOINT, null);
            String routes = awaitAcked(client, XdsType.ROUTE, null);
            String clusters = client.acked().get(XdsType.CLUSTER);
            assertThat(endpointText(client)).contains("k8s/default/cart/80").contains("10.0.0.1");

            // Replaced in one step: a half-written file would be a parse error, which no fast path can take.
            writeAtomically(endpoints, cartEndpoints("10.0.0.2"));
            awaitAcked(client, XdsType.ENDPOINT, eds);
            assertThat(endpointText(client)).contains("10.0.0.2").doesNotContain("10.0.0.1");
            // The client can acknowledge before the reconfiguration that sent it records its outcome: wait for it.
            long recorded = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (gateway.reconfigurer().lastGood().get().path() != Reconfigurer.CompilePath.ENDPOINTS) {
                assertThat(System.nanoTime()).as("an endpoints-only reconfiguration within 20 s").isLessThan(recorded);
                Thread.sleep(20);
            }
            assertThat(client.acked().get(XdsType.ROUTE)).isEqualTo(routes);
            assertThat(client.acked().get(XdsType.CLUSTER)).isEqualTo(clusters);
        }
    }

    private static String cartEndpoints(String ip) {
        return """
                apiVersion: v1
                kind: Endpoints
                metadata: {name: cart, namespace: default}
                subsets: [{addresses: [{ip: %s}], ports: [{port: 8080}]}]
                """.formatted(ip);
    }

    private static String endpointText(AdsTestClient client) throws Exception {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, com.google.protobuf.Any> e : client.held(XdsType.ENDPOINT).entrySet()) {
            out.append(e.getValue().unpack(io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment.class));
        }
        return out.toString();
    }

    /** Waits (bounded) until the client has acked a version of {@code type} other than {@code previous}. */
    private static String awaitAcked(AdsTestClient client, XdsType type, String previous) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            String acked = client.acked().get(type);
            if (acked != null && !acked.equals(previous)) {
                return acked;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no new " + type + " version acked within 20 s (still " + previous + ")");
    }

    private static String routeText(AdsTestClient client) throws Exception {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, com.google.protobuf.Any> e : client.held(XdsType.ROUTE).entrySet()) {
            out.append(e.getValue().unpack(RouteConfiguration.class));
        }
        return out.toString();
    }
}
