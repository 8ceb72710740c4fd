package dev.legate.app.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.Compiler;
import dev.legate.compiler.config.ConfigDirectory;
import dev.legate.compiler.envoy.EnvoyConfig;
import dev.legate.sources.kubernetes.Crds;
import dev.legate.sources.kubernetes.KubernetesSettings;
import dev.legate.sources.kubernetes.KubernetesSource;
import dev.legate.sources.kubernetes.MockApiServer;
import dev.legate.sources.kubernetes.WatchedKinds;
import dev.legate.xds.AdsTestClient;
import dev.legate.xds.XdsType;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults {@code legate serve} recovers from, each ending with what the gateway serves compared with what it must
 * serve (nothing lost): the supervised Envoy dies; the snapshot directory cannot be written; a burst of 1,000 changes
 * in about a second, from a directory and from the Kubernetes API. (The Kubernetes source's own faults, dropped
 * watches, 410 Gone and API server restarts, are tested in legate-sources; a client dropping its xDS stream in
 * legate-xds.)
 */
@Timeout(120)
final class ServeFaultsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Gateway.Settings settings(Path config, Path state, Optional<Path> envoy, int adminPort) {
        return new Gateway.Settings(config, CompileOptions.DEFAULTS, new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0), state, 3, Duration.ofMillis(50), Duration.ofMillis(500),
                envoy, Duration.ofSeconds(1), adminPort, "test-node");
    }

    private static Path quickstart(Path dir) throws IOException {
        Path config = Files.createDirectories(dir.resolve("config"));
        for (Path f : Files.list(Path.of("../examples/quickstart")).toList()) {
            Files.copy(f, config.resolve(f.getFileName()));
        }
        return config;
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(temp, content);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String mappingYaml(String name, String prefix, String service) {
        return "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: " + name
                + ", namespace: default}\nspec: {hostname: \"*\", prefix: " + prefix + ", service: " + service + "}\n";
    }

    /**
     * Waits until the client holds exactly what compiling {@code config} now gives: the same listener, cluster and
     * route configuration names, and each route configuration equal.
     */
    private static void awaitServes(AdsTestClient client, Path config) throws Exception {
        EnvoyConfig expected = new Compiler(CompileOptions.DEFAULTS).compile(ConfigDirectory.read(config)).envoy();
        Map<String, RouteConfiguration> routes = expected.routeConfigurations().stream()
                .collect(Collectors.toMap(RouteConfiguration::getName, r -> r));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            assertThat(client.held(XdsType.LISTENER).keySet()).containsExactlyInAnyOrderElementsOf(
                    expected.listeners().stream().map(l -> l.getName()).toList());
            assertThat(client.held(XdsType.CLUSTER).keySet()).containsExactlyInAnyOrderElementsOf(
                    expected.clusters().stream().map(c -> c.getName()).toList());
            assertThat(client.held(XdsType.ROUTE).keySet()).containsExactlyInAnyOrderElementsOf(routes.keySet());
            for (var held : client.held(XdsType.ROUTE).entrySet()) {
                assertThat(held.getValue().unpack(RouteConfiguration.class)).isEqualTo(routes.get(held.getKey()));
            }
        });
    }

    private static int status(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A stand-in for Envoy: a Java program (run by this JVM's {@code java}) that records each start, answers its
     * admin {@code /ready} with 200, and dies (exit status 1) when asked on {@code /quitquitquit}.
     */
    private static Path fakeEnvoy(Path dir, int adminPort, Path starts) throws IOException {
        Path source = dir.resolve("FakeEnvoy.java");
        Files.writeString(source, """
                import com.sun.net.httpserver.HttpServer;
                import java.net.InetSocketAddress;
                import java.nio.file.*;

                public class FakeEnvoy {
                    public static void main(String[] args) throws Exception {
                        HttpServer admin = HttpServer.create(new InetSocketAddress("127.0.0.1", %d), 0);
                        admin.createContext("/quitquitquit", x -> {
                            x.sendResponseHeaders(200, -1);
                            x.close();
                            Runtime.getRuntime().halt(1);
                        });
                        admin.createContext("/", x -> {
                            x.sendResponseHeaders(200, -1);
                            x.close();
                        });
                        admin.start();
                        Files.writeString(Path.of("%s"), "started\\n", StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND);
                    }
                }
                """.formatted(adminPort, starts));
        String java = ProcessHandle.current().info().command().orElse("java");
        Path script = dir.resolve("envoy");
        Files.writeString(script, "#!/bin/sh\nexec '" + java + "' '" + source + "' \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static long lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    @Test
    void aDyingEnvoyIsRestartedAndServeStaysReadyAndServing(@TempDir Path dir) throws Exception {
        Path config = quickstart(dir);
        int adminPort = freePort();
        Path starts = dir.resolve("starts");
        Path envoy = fakeEnvoy(dir, adminPort, starts);
        try (Gateway gateway = Gateway.start(settings(config, dir.resolve("state"), Optional.of(envoy), adminPort));
                AdsTestClient client = new AdsTestClient(gateway.adsPort(), "test-node").reconnecting().start()) {
            assertThat(gateway.supervisesEnvoy()).isTrue();
            String ready = "http://127.0.0.1:" + gateway.probePort() + "/ambassador/v0/check_ready";
            await().atMost(WAIT).until(() -> status(ready) == 200 && lines(starts) == 1);
            awaitServes(client, config);

            // Envoy dies: Legate is not ready while it is down, restarts it, and is ready again.
            status("http://127.0.0.1:" + adminPort + "/quitquitquit");
            await().atMost(WAIT).until(() -> status(ready) == 503);
            await().atMost(WAIT).until(() -> lines(starts) == 2 && status(ready) == 200);

            // And Legate still reconfigures and serves: an edit reaches the client.
            writeAtomically(config.resolve("quote.yaml"), Files.readString(config.resolve("quote.yaml"))
                    .replace("service: quote-v2", "service: quote-v7"));
            awaitServes(client, config);
            assertThat(status("http://127.0.0.1:" + gateway.probePort() + "/ambassador/v0/check_alive"))
                    .isEqualTo(200);
        }
    }

    /** Records the warnings of one logger (serve logs through java.util.logging in the tests). */
    private static final class Warnings extends Handler implements AutoCloseable {
        private final Logger logger;
        final List<String> messages = java.util.Collections.synchronizedList(new ArrayList<>());

        Warnings(Class<?> source) {
            logger = Logger.getLogger(source.getName());
            logger.addHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                messages.add(new java.util.logging.SimpleFormatter().formatMessage(record));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }

    @Test
    void anUnwritableSnapshotDirectoryStopsNeitherServingNorPublishing(@TempDir Path dir) throws Exception {
        Path config = quickstart(dir);
        try (Warnings warnings = new Warnings(SnapshotStore.class);
                Gateway gateway = Gateway.start(settings(config, dir.resolve("state"), Optional.empty(), 18001));
                AdsTestClient client = new AdsTestClient(gateway.adsPort(), "test-node").start()) {
            awaitServes(client, config);
            SnapshotStore store = gateway.snapshots();
            store.flush();
            Path root = store.root();
            assertThat(root.resolve("latest/snapshot.yaml")).isNotEmptyFile();

            // The directory becomes unwritable. (Tests may run as root, who may write anywhere: the directory is
            // replaced by a file, which fails every write whoever writes.)
            Path saved = dir.resolve("saved-snapshots");
            Files.move(root, saved);
            Files.writeString(root, "not a directory");
            writeAtomically(config.resolve("quote.yaml"), Files.readString(config.resolve("quote.yaml"))
                    .replace("service: quote-v2", "service: quote-v5"));
            awaitServes(client, config);
            String served = gateway.reconfigurer().lastGood().orElseThrow().version();
            store.flush();
            assertThat(warnings.messages).anyMatch(m -> m.contains("cannot write the snapshot of version " + served));
            assertThat(root).isRegularFile();

            // Writable again: the next configuration is written, and latest is the one served.
            Files.delete(root);
            writeAtomically(config.resolve("extra.yaml"), mappingYaml("extra", "/extra/", "extra"));
            awaitServes(client, config);
            store.flush();
            String latest = gateway.reconfigurer().lastGood().orElseThrow().version();
            assertThat(root.resolve("latest").toRealPath().getFileName().toString()).endsWith("-" + latest);
            assertThat(Files.readString(root.resolve("latest/snapshot.yaml"))).contains("quote-v5")
                    .contains("name: extra");
        }
    }

    @Test
    void aBurstOfAThousandFileChangesIsCoalescedAndTheLastStateServed(@TempDir Path dir) throws Exception {
        Path config = quickstart(dir);
        try (Gateway gateway = Gateway.start(settings(config, dir.resolve("state"), Optional.empty(), 18001));
                AdsTestClient client = new AdsTestClient(gateway.adsPort(), "test-node").start()) {
            awaitServes(client, config);
            AtomicInteger reconfigurations = new AtomicInteger();
            gateway.reconfigurer().addListener(r -> reconfigurations.incrementAndGet());
            int before = reconfigurations.get();

            // 1,000 changes spread over about a second: one file rewritten 900 times, and 100 new files.
            long start = System.nanoTime();
            for (int i = 1; i <= 1000; i++) {
                if (i % 10 == 0) {
                    writeAtomically(config.resolve("burst-" + i + ".yaml"), mappingYaml("burst-" + i,
                            "/burst-" + i + "/", "burst-" + i));
                } else {
                    writeAtomically(config.resolve("moving.yaml"), mappingYaml("moving", "/moving/", "moving-" + i));
                }
                long due = start + i * 1_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            awaitServes(client, config);
            String routes = client.held(XdsType.ROUTE).values().stream().map(a -> a.toString())
                    .collect(Collectors.joining());
            assertThat(client.held(XdsType.CLUSTER)).containsKey("cluster_moving_999_default")
                    .containsKey("cluster_burst_1000_default").doesNotContainKey("cluster_moving_998_default");
            int published = reconfigurations.get() - before;
            System.out.printf("burst of 1,000 file changes in %d ms: %d reconfigurations published%n",
                    took.toMillis(), published);
            // Coalesced: a reconfiguration at most every 50 ms of quiet or 500 ms of changes, far fewer than 1,000.
            assertThat(published).isBetween(1, 100);
            assertThat(routes).isNotEmpty();
        }
    }

    private static GenericKubernetesResource mapping(String name, String prefix, String service) {
        return new GenericKubernetesResourceBuilder().withApiVersion("getambassador.io/v3alpha1").withKind("Mapping")
                .withNewMetadata().withNamespace("default").withName(name).endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("hostname", "*", "prefix", prefix,
                        "service", service)))
                .build();
    }

    @Test
    void aBurstOfAThousandApiChangesIsCoalescedAndTheLastStateServed(@TempDir Path dir) throws Exception {
        Path config = quickstart(dir);
        try (MockApiServer api = new MockApiServer(); KubernetesClient kube = api.client()) {
            Crds.installAll(kube);
            var mappings = kube.genericKubernetesResources(WatchedKinds.ambassador("Mapping").context());
            String resources = Files.readString(config.resolve("listeners.yaml")) + "\n---\n"
                    + Files.readString(config.resolve("host.yaml"));
            for (String doc : resources.split("(?m)^---\\s*$")) {
                if (doc.contains("kind:")) {
                    var r = kube.getKubernetesSerialization().unmarshal(doc, GenericKubernetesResource.class);
                    kube.genericKubernetesResources(WatchedKinds.ambassador(r.getKind()).context()).resource(r)
                            .create();
                }
            }
            KubernetesSource source = KubernetesSource.create(kube, KubernetesSettings.allNamespaces("default")
                    .withInitialSyncTimeout(Duration.ofSeconds(20)), KubernetesSource.ClientOwnership.SHARED);
            try (Gateway gateway = Gateway.start(settings(null, dir.resolve("state"), Optional.empty(), 18001),
                    source);
                    AdsTestClient client = new AdsTestClient(gateway.adsPort(), "test-node").start()) {
                await().atMost(WAIT).until(() -> gateway.reconfigurer().lastGood().isPresent());
                AtomicInteger reconfigurations = new AtomicInteger();
                gateway.reconfigurer().addListener(r -> reconfigurations.incrementAndGet());
                int before = reconfigurations.get();

                // 1,000 changes from 10 writers: 100 Mappings created, then each updated 9 times.
                long start = System.nanoTime();
                ExecutorService writers = Executors.newFixedThreadPool(10);
                try {
                    List<Future<?>> done = new ArrayList<>();
                    for (int w = 0; w < 10; w++) {
                        int writer = w;
                        done.add(writers.submit(() -> {
                            for (int m = writer; m < 100; m += 10) {
                                String name = "api-" + m;
                                mappings.resource(mapping(name, "/api-" + m + "/", name + "-v0")).create();
                                for (int v = 1; v <= 9; v++) {
                                    mappings.resource(mapping(name, "/api-" + m + "/", name + "-v" + v)).update();
                                }
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : done) {
                        f.get();
                    }
                } finally {
                    writers.shutdown();
                }
                Duration took = Duration.ofNanos(System.nanoTime() - start);

                // Nothing lost: every Mapping at its last version, and nothing older.
                await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                    var clusters = client.held(XdsType.CLUSTER).keySet();
                    for (int m = 0; m < 100; m++) {
                        assertThat(clusters).contains("cluster_api_" + m + "_v9_default");
                    }
                    assertThat(clusters).noneMatch(c -> c.matches("cluster_api_\\d+_v[0-8]_default"));
                });
                int published = reconfigurations.get() - before;
                System.out.printf("burst of 1,000 API changes in %d ms: %d reconfigurations published%n",
                        took.toMillis(), published);
                assertThat(published).isBetween(1, 100);
            }
        }
    }
}
