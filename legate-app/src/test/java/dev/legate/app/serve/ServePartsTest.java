package dev.legate.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.Compiler;
import dev.legate.compiler.envoy.EnvoyConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of {@code legate serve} that do not need an ADS server. */
final class ServePartsTest {

    private static final String QUICKSTART = "../examples/quickstart";

    /** Records what it is asked to publish; refuses when told to. */
    private static final class RecordingPublisher implements ConfigPublisher {
        final List<EnvoyConfig> published = new ArrayList<>();
        volatile boolean refuse;

        @Override
        public Outcome publish(EnvoyConfig config) {
            if (refuse) {
                return new Outcome.Refused("refused for the test");
            }
            published.add(config);
            return new Outcome.Published("v" + published.size(), true);
        }
    }

    /** The store streams each file; what it writes is exactly the reports made in memory, on a first and a later write. */
    @Test
    void theSnapshotFilesAreTheReportsByteForByte(@TempDir Path dir) throws Exception {
        dev.legate.compiler.config.ResourceSnapshot snapshot = dev.legate.compiler.config.ConfigDirectory
                .read(Path.of(QUICKSTART));
        dev.legate.compiler.CompileResult result = new Compiler(CompileOptions.DEFAULTS).compile(snapshot);
        try (SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), 2)) {
            for (String version : List.of("a", "b")) {
                Path written = store.write(result, version);
                assertThat(Files.readString(written.resolve("snapshot.yaml")))
                        .isEqualTo(dev.legate.compiler.output.Reports.snapshotYaml(result.resources()));
                assertThat(Files.readString(written.resolve("ir.json")))
                        .isEqualTo(dev.legate.compiler.output.Reports.irJson(result.ir()));
                assertThat(Files.readString(written.resolve("diagnostics.json")))
                        .isEqualTo(dev.legate.compiler.output.Reports.diagnosticsJson(result.diagnostics()));
                java.io.StringWriter envoy = new java.io.StringWriter();
                dev.legate.compiler.output.EnvoyJson.writeBootstrap(result.envoy(), envoy);
                assertThat(Files.readString(written.resolve("envoy.json"))).isEqualTo(envoy.toString());
            }
        }
    }

    /**
     * The store copies what a configuration shares with the last one written from its files (envoy.json, ir.json,
     * snapshot.yaml); with one directory kept, the last one is removed after each write. Every file still equals a
     * fresh rendering after configurations that differ.
     */
    @Test
    void filesCopiedFromTheLastWriteEqualAFreshRendering(@TempDir Path dir) throws Exception {
        dev.legate.compiler.config.ResourceSnapshot full = dev.legate.compiler.config.ConfigDirectory
                .read(Path.of(QUICKSTART));
        List<dev.legate.compiler.config.RawDocument> fewer = new java.util.ArrayList<>(full.documents());
        fewer.remove(fewer.size() - 1);
        Compiler compiler = new Compiler(CompileOptions.DEFAULTS);
        try (SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), 1)) {
            for (int i = 0; i < 4; i++) {
                dev.legate.compiler.CompileResult result = compiler.compile(i % 2 == 0 ? full
                        : new dev.legate.compiler.config.ResourceSnapshot(fewer, full.loadDiagnostics()));
                Path written = store.write(result, "v" + i);
                assertThat(store.existing()).containsExactly(written);
                assertThat(Files.readString(written.resolve("snapshot.yaml")))
                        .isEqualTo(dev.legate.compiler.output.Reports.snapshotYaml(result.resources()));
                assertThat(Files.readString(written.resolve("ir.json")))
                        .isEqualTo(dev.legate.compiler.output.Reports.irJson(result.ir()));
                java.io.StringWriter envoy = new java.io.StringWriter();
                dev.legate.compiler.output.EnvoyJson.writeBootstrap(result.envoy(), envoy);
                assertThat(Files.readString(written.resolve("envoy.json"))).isEqualTo(envoy.toString());
            }
        }
    }

    @Test
    void aFailedReconfigurationKeepsTheLastGoodOne(@TempDir Path dir) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        for (Path f : Files.list(Path.of(QUICKSTART)).toList()) {
            Files.copy(f, config.resolve(f.getFileName()));
        }
        RecordingPublisher publisher = new RecordingPublisher();
        SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), 2);
        Reconfigurer r = new Reconfigurer(config, new Compiler(CompileOptions.DEFAULTS), publisher, store,
                Clock.systemUTC());
        r.run();
        assertThat(r.lastGood()).isPresent();
        assertThat(r.lastGood().get().version()).isEqualTo("v1");
        store.flush();
        assertThat(Files.readString(store.root().resolve("latest/snapshot.yaml"))).contains("kind: Mapping");

        publisher.refuse = true;
        r.run();
        assertThat(r.lastGood().get().version()).isEqualTo("v1");
        assertThat(r.lastFailure()).hasValueSatisfying(f -> assertThat(f.reason()).contains("refused for the test"));

        publisher.refuse = false;
        Files.delete(config.resolve("quote.yaml"));
        Files.delete(config.resolve("host.yaml"));
        r.run();
        assertThat(r.lastGood().get().version()).isEqualTo("v2");

        Files.delete(config.resolve("listeners.yaml"));
        Files.delete(config);
        r.run();
        assertThat(r.lastGood().get().version()).as("an unreadable directory changes nothing").isEqualTo("v2");
        assertThat(r.lastFailure().get().reason()).contains("cannot read");
    }

    /**
     * After a reconfiguration the getambassador.io documents no longer hold their parsed trees (the compiler keeps
     * what it decoded from them); the others keep theirs. The next reconfiguration, after an edit, publishes exactly
     * what a fresh compiler makes of the directory.
     */
    @Test
    void compiledDocumentsLetTheirTreesGoAndTheNextEditEqualsAFreshCompile(@TempDir Path dir) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        for (Path f : Files.list(Path.of(QUICKSTART)).toList()) {
            Files.copy(f, config.resolve(f.getFileName()));
        }
        RecordingPublisher publisher = new RecordingPublisher();
        dev.legate.sources.DirectorySource source = new dev.legate.sources.DirectorySource(config);
        Reconfigurer r = new Reconfigurer(source, new Compiler(CompileOptions.DEFAULTS), publisher, null,
                Clock.systemUTC());
        r.run();
        var documents = source.read().snapshot().documents();
        assertThat(documents).filteredOn(d -> d.apiVersion().startsWith("getambassador.io/")).isNotEmpty()
                .allSatisfy(d -> assertThat(d.holdsTree()).as(d.location().toString()).isFalse());
        assertThat(documents).filteredOn(d -> d.kind().equals("Service")).singleElement()
                .satisfies(d -> assertThat(d.holdsTree()).isTrue());

        Path mapping = Files.list(config).filter(f -> {
            try {
                return Files.readString(f).contains("kind: Mapping");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).findFirst().orElseThrow();
        Files.writeString(mapping, Files.readString(mapping).replaceFirst("prefix: /", "prefix: /edited/"));
        r.run();
        assertThat(publisher.published).hasSize(2);
        EnvoyConfig fresh = new Compiler(CompileOptions.DEFAULTS).compile(
                dev.legate.compiler.config.ConfigDirectory.read(config)).envoy();
        assertThat(publisher.published.get(1).routeConfigurations().toString()).contains("/edited/");
        assertThat(publisher.published.get(1)).isEqualTo(fresh);
    }

    @Test
    void anEndpointOnlyChangeTakesTheFastPathAndEqualsAFullCompile(@TempDir Path dir) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve("routes.yaml"), """
                apiVersion: getambassador.io/v3alpha1
                kind: Listener
                metadata: {name: http}
                spec: {port: 8080, protocol: HTTP, securityModel: XFP, hostBinding: {namespace: {from: ALL}}}
                ---
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: cart}
                spec: {hostname: "*", prefix: /cart/, service: cart, resolver: endpoint}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: cart}
                spec: {ports: [{port: 80, targetPort: 8080}]}
                """);
        Path endpoints = config.resolve("endpoints.yaml");
        Files.writeString(endpoints, endpointsYaml("10.0.0.1"));
        RecordingPublisher publisher = new RecordingPublisher();
        Compiler compiler = new Compiler(CompileOptions.DEFAULTS);
        Reconfigurer r = new Reconfigurer(config, compiler, publisher, null, Clock.systemUTC());
        r.run();
        assertThat(r.lastGood().get().path()).isEqualTo(Reconfigurer.CompilePath.FULL);
        assertThat(publisher.published.get(0).endpoints()).hasSize(1);

        Files.writeString(endpoints, endpointsYaml("10.0.0.2"));
        r.run();
        assertThat(r.lastGood().get().path()).isEqualTo(Reconfigurer.CompilePath.ENDPOINTS);
        EnvoyConfig fast = publisher.published.get(1);
        EnvoyConfig full = compiler.compile(dev.legate.compiler.config.ConfigDirectory.read(config)).envoy();
        assertThat(fast).isEqualTo(full);
        assertThat(fast.endpoints().get(0).toString()).contains("10.0.0.2");

        Files.writeString(config.resolve("more.yaml"), """
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: more}
                spec: {hostname: "*", prefix: /more/, service: more}
                """);
        r.run();
        assertThat(r.lastGood().get().path()).isEqualTo(Reconfigurer.CompilePath.FULL);
    }

    private static String endpointsYaml(String ip) {
        return """
                apiVersion: v1
                kind: Endpoints
                metadata: {name: cart}
                subsets: [{addresses: [{ip: %s}], ports: [{port: 8080}]}]
                """.formatted(ip);
    }

    @Test
    void snapshotsRotateAndLatestPointsAtTheNewest(@TempDir Path dir) throws Exception {
        RecordingPublisher publisher = new RecordingPublisher();
        SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), 3);
        Reconfigurer r = new Reconfigurer(Path.of(QUICKSTART), new Compiler(CompileOptions.DEFAULTS), publisher,
                store, Clock.systemUTC());
        for (int i = 0; i < 5; i++) {
            r.run();
            store.flush(); // one write per reconfiguration (without it, writes that fall behind are coalesced)
        }
        List<Path> kept = store.existing();
        assertThat(kept).hasSize(3);
        assertThat(kept.get(2).getFileName().toString()).startsWith("000005-v5");
        assertThat(store.root().resolve("latest").toRealPath()).isEqualTo(kept.get(2).toRealPath());
        for (String file : List.of("envoy.json", "ir.json", "snapshot.yaml", "diagnostics.json")) {
            assertThat(kept.get(2).resolve(file)).isNotEmptyFile();
        }
        assertThat(new SnapshotStore(store.root(), 3).existing()).hasSize(3);
    }

    @Test
    void probesAnswerAliveAlwaysAndReadyWhenReady() throws Exception {
        AtomicBoolean ready = new AtomicBoolean();
        try (ProbeServer probes = ProbeServer.start(new InetSocketAddress("127.0.0.1", 0), ready::get)) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + probes.port() + "/ambassador/v0/";
            assertThat(get(http, base + "check_alive")).isEqualTo(200);
            assertThat(get(http, base + "check_ready")).isEqualTo(503);
            ready.set(true);
            assertThat(get(http, base + "check_ready")).isEqualTo(200);
        }
    }

    private static int get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aDyingEnvoyIsRestartedWithBackoff(@TempDir Path dir) throws Exception {
        // A stand-in for Envoy that prints its arguments and exits at once.
        Path fake = dir.resolve("envoy");
        Files.writeString(fake, "#!/bin/sh\necho \"fake envoy $*\"\nexit 3\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        EnvoySupervisor supervisor = EnvoySupervisor.start(fake, dir.resolve("bootstrap.json"), 1,
                Duration.ofSeconds(1), List.of());
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (supervisor.starts() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(supervisor.starts()).isGreaterThanOrEqualTo(3);
            assertThat(supervisor.ready()).isFalse();
        } finally {
            supervisor.close();
        }
    }

    @Test
    void envoyIsFoundFromEnvoyBinOrPath(@TempDir Path dir) throws Exception {
        Path fake = dir.resolve("envoy");
        Files.writeString(fake, "#!/bin/sh\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(EnvoySupervisor.findEnvoy(java.util.Map.of("ENVOY_BIN", fake.toString()))).contains(fake);
        assertThat(EnvoySupervisor.findEnvoy(java.util.Map.of("PATH", "/nonexistent:" + dir))).contains(fake);
        assertThat(EnvoySupervisor.findEnvoy(java.util.Map.of("PATH", "/nonexistent"))).isEmpty();
        assertThat(EnvoySupervisor.findEnvoy(java.util.Map.of("ENVOY_BIN", dir.resolve("missing").toString())))
                .isEmpty();
    }
}
