package dev.legate.app.serve;

import static java.util.Objects.requireNonNull;

import com.google.common.io.Closer;
import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.Compiler;
import dev.legate.diag.DiagHttp;
import dev.legate.diag.DiagOptions;
import dev.legate.diag.Diagnostics;
import dev.legate.diag.SnapshotServer;
import dev.legate.sources.Debouncer;
import dev.legate.sources.DirectorySource;
import dev.legate.sources.SnapshotSource;
import dev.legate.xds.XdsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code legate serve} assembled: source (a directory or a cluster) → debouncer → reconfigurer (compile, publish,
 * snapshot) → ADS server; probes; the bootstrap; the supervised Envoy. {@link #close()} takes it apart in the reverse order, draining
 * Envoy first.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    /**
     * Everything {@code legate serve} can be told. {@code configDir} is the directory watched by
     * {@link #start(Settings)}; it is not read when a source is given ({@link #start(Settings, SnapshotSource)}).
     */
    public record Settings(@Nullable Path configDir, CompileOptions compileOptions, InetSocketAddress adsAddress,
            InetSocketAddress probeAddress, Path stateDir, int snapshotKeep, Duration holdoff, Duration maxDelay,
            Optional<Path> envoy, Duration drainTime, int adminPort, String nodeId) {

        public Settings {
            requireNonNull(compileOptions, "compileOptions");
            requireNonNull(adsAddress, "adsAddress");
            requireNonNull(probeAddress, "probeAddress");
            requireNonNull(stateDir, "stateDir");
            requireNonNull(envoy, "envoy");
            requireNonNull(nodeId, "nodeId");
        }
    }

    /**
     * The diagnostics' own settings (the UI and /metrics always share the probes' port).
     *
     * @param snapshotAddress where the snapshot server listens (127.0.0.1:8005 for {@code legate serve}); empty: none
     */
    public record DiagSettings(Optional<InetSocketAddress> snapshotAddress) {

        public static final DiagSettings WITHOUT_SNAPSHOT_SERVER = new DiagSettings(Optional.empty());

        public DiagSettings {
            requireNonNull(snapshotAddress, "snapshotAddress");
        }
    }

    private final XdsServer xds;
    private final SnapshotStore snapshots;
    private final Reconfigurer reconfigurer;
    private final Debouncer debouncer;
    private final SnapshotSource source;
    private final ProbeServer probes;
    private final @Nullable EnvoySupervisor supervisor;
    private final Path bootstrap;
    private final Diagnostics diagnostics;
    private final @Nullable SnapshotServer snapshotServer;

    private Gateway(XdsServer xds, SnapshotStore snapshots, Reconfigurer reconfigurer, Debouncer debouncer,
            SnapshotSource source, ProbeServer probes, @Nullable EnvoySupervisor supervisor, Path bootstrap,
            Diagnostics diagnostics, @Nullable SnapshotServer snapshotServer) {
        this.xds = xds;
        this.snapshots = snapshots;
        this.reconfigurer = reconfigurer;
        this.debouncer = debouncer;
        this.source = source;
        this.probes = probes;
        this.supervisor = supervisor;
        this.bootstrap = bootstrap;
        this.diagnostics = diagnostics;
        this.snapshotServer = snapshotServer;
    }

    /** Serves the directory {@code s.configDir()}, without a snapshot server. */
    public static Gateway start(Settings s) throws IOException {
        return start(s, DiagSettings.WITHOUT_SNAPSHOT_SERVER);
    }

    /** Serves the directory {@code s.configDir()}. */
    public static Gateway start(Settings s, DiagSettings diag) throws IOException {
        if (s.configDir() == null || !Files.isDirectory(s.configDir())) {
            throw new IOException(s.configDir() + " is not a directory");
        }
        return start(s, diag, new DirectorySource(s.configDir()));
    }

    /** Serves what {@code source} reads, without a snapshot server. */
    public static Gateway start(Settings s, SnapshotSource source) throws IOException {
        return start(s, DiagSettings.WITHOUT_SNAPSHOT_SERVER, source);
    }

    /** Serves what {@code source} reads; the gateway starts it, and closes it on {@link #close()}. */
    public static Gateway start(Settings s, DiagSettings diag, SnapshotSource source) throws IOException {
        return start(s, diag, XdsPublisher.ApiListeners.NONE, source);
    }

    /**
     * Serves what {@code source} reads, with or without API-listener views for proxyless xDS clients; the gateway
     * starts the source, and closes it on {@link #close()}. When a part cannot start (a port in use, say), the parts
     * already started are closed again before the exception is thrown: a failed start leaves no thread or port
     * behind.
     */
    public static Gateway start(Settings s, DiagSettings diag, XdsPublisher.ApiListeners apiListeners,
            SnapshotSource source) throws IOException {
        requireNonNull(diag, "diag");
        requireNonNull(apiListeners, "apiListeners");
        requireNonNull(source, "source");
        Closer started = Closer.create();
        started.register(source::close);
        try {
            return startParts(s, diag, apiListeners, source, started);
        } catch (IOException | RuntimeException | Error e) {
            try {
                started.close();
            } catch (IOException | RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private static Gateway startParts(Settings s, DiagSettings diag, XdsPublisher.ApiListeners apiListeners,
            SnapshotSource source, Closer started) throws IOException {
        Files.createDirectories(s.stateDir());
        SnapshotStore snapshots = new SnapshotStore(s.stateDir().resolve("snapshots"), s.snapshotKeep());
        started.register(snapshots::close);
        // The first read and compile need neither the ADS server nor the probes, and they are most of a cold start:
        // they begin first, on the reconfiguration thread, while this thread starts the servers (two cores). The first
        // publish waits for the ADS server. Watch first, then compile: a change made while the first compile reads the
        // directory is not lost.
        CompletableFuture<XdsServer> adsServer = new CompletableFuture<>();
        Reconfigurer reconfigurer = new Reconfigurer(source, new Compiler(s.compileOptions()),
                new StartingPublisher(adsServer.thenApply(server -> new XdsPublisher(server, apiListeners))),
                snapshots, Clock.systemUTC());
        DiagnosticsFeed feed = new DiagnosticsFeed(reconfigurer, adsServer);
        Debouncer debouncer = new Debouncer(s.holdoff(), s.maxDelay(), feed);
        snapshots.whenQuietAfterWrite(new IdleCollector(
                () -> reconfigurer.running() || !debouncer.nothingPending()));
        started.register(debouncer::close);
        source.start(debouncer::changed);
        debouncer.now();
        XdsServer xds;
        try {
            xds = PortUnavailableException.listen("ADS server", "--ads-address", s.adsAddress(),
                    () -> XdsServer.start(s.adsAddress()));
        } catch (IOException | RuntimeException | Error e) {
            adsServer.completeExceptionally(e); // the first reconfiguration, if it waits, fails at once
            throw e;
        }
        started.register(xds::close);
        adsServer.complete(xds);

        Path bootstrap = s.stateDir().resolve("bootstrap-ads.json");
        InetSocketAddress adsForEnvoy = new InetSocketAddress(s.adsAddress().getAddress() != null
                && s.adsAddress().getAddress().isAnyLocalAddress() ? "127.0.0.1" : s.adsAddress().getHostString(),
                xds.port());
        // The supervised Envoy starts once the first good configuration's bootstrap (with the Module's
        // runtime_flags) is written, as Emissary starts it after its first configuration.
        EnvoySupervisor supervisor = s.envoy().map(bin -> EnvoySupervisor.create(bin, bootstrap, s.adminPort(),
                s.drainTime(), List.of())).orElse(null);
        if (supervisor != null) {
            started.register(supervisor::close);
        }
        BootstrapFile bootstrapFile = new BootstrapFile(bootstrap, () -> AdsBootstrap.bootstrap(s.nodeId(),
                s.compileOptions().ambassadorId(), adsForEnvoy, s.adminPort()), AdsBootstrap.initialJson(s.nodeId(),
                s.compileOptions().ambassadorId(), adsForEnvoy, s.adminPort()),
                supervisor == null ? BootstrapFile.EnvoyStart.EXTERNAL : BootstrapFile.EnvoyStart.SUPERVISED,
                supervisor == null ? () -> { } : supervisor::begin);
        bootstrapFile.writeInitial();
        reconfigurer.addListener(bootstrapFile);
        // The diagnostics (and their metrics registry) are made after the first compile has started, not before.
        Diagnostics diagnostics = new Diagnostics(new DiagOptions(s.compileOptions().ambassadorId(),
                diag.snapshotAddress(), s.envoy().isPresent() ? OptionalInt.of(s.adminPort()) : OptionalInt.empty()),
                feed, Clock.systemUTC());
        started.register(diagnostics::close);
        feed.reportTo(diagnostics);
        BooleanSupplier ready = () -> reconfigurer.lastGood().isPresent()
                && (supervisor == null || supervisor.ready());
        ProbeServer probes = PortUnavailableException.listen("probes and diagnostics", "--probe-address",
                s.probeAddress(), () -> ProbeServer.start(s.probeAddress(), ready));
        started.register(probes::close);
        feed.readiness(ready);
        new DiagHttp(diagnostics).handlers().forEach(probes::mount);
        SnapshotServer snapshotServer = diag.snapshotAddress().isPresent()
                ? PortUnavailableException.listen("snapshot server", "--snapshot-address",
                        diag.snapshotAddress().get(), () -> SnapshotServer.start(diag.snapshotAddress().get(),
                                diagnostics)) : null;

        LOG.info("Legate serve: watching {} (holdoff {} ms, max delay {} ms)", source.describe(),
                s.holdoff().toMillis(), s.maxDelay().toMillis());
        LOG.info("ADS on {}:{}; probes on {}:{} (/ambassador/v0/check_alive, /ambassador/v0/check_ready)",
                s.adsAddress().getHostString(), xds.port(), s.probeAddress().getHostString(), probes.port());
        LOG.info("snapshots in {} (keeping {}); bootstrap for Envoy: {}", snapshots.root().toAbsolutePath(),
                s.snapshotKeep(), bootstrap.toAbsolutePath());
        LOG.info("diagnostics on {}:{}/ambassador/v0/diag/ (metrics: /metrics){}", s.probeAddress().getHostString(),
                probes.port(), snapshotServer == null ? "" : "; snapshot server on "
                        + diag.snapshotAddress().get().getHostString() + ":" + snapshotServer.port());
        return new Gateway(xds, snapshots, reconfigurer, debouncer, source, probes, supervisor, bootstrap,
                diagnostics, snapshotServer);
    }

    public int adsPort() {
        return xds.port();
    }

    public int probePort() {
        return probes.port();
    }

    public Path bootstrap() {
        return bootstrap;
    }

    public XdsServer xds() {
        return xds;
    }

    public Reconfigurer reconfigurer() {
        return reconfigurer;
    }

    /** Where the configuration comes from (a {@code KubernetesSource}, possibly layered, in a cluster). */
    public SnapshotSource source() {
        return source;
    }

    public SnapshotStore snapshots() {
        return snapshots;
    }

    public Diagnostics diagnostics() {
        return diagnostics;
    }

    /** The snapshot server's port, if it runs. */
    public OptionalInt snapshotPort() {
        return snapshotServer == null ? OptionalInt.empty() : OptionalInt.of(snapshotServer.port());
    }

    /**
     * For the launcher's training run: a client fetches the served configuration once over ADS, as Envoy's first
     * connection would (within 10 s; how it went does not matter).
     */
    public void trainingFetch() throws InterruptedException {
        boolean all = TrainingClient.fetchOnce(adsPort(), Duration.ofSeconds(10));
        LOG.info("training: a client fetched the configuration over ADS ({})", all ? "all of it" : "not all of it");
    }

    public boolean supervisesEnvoy() {
        return supervisor != null;
    }

    @Override
    public void close() {
        LOG.info("shutting down");
        source.close();
        debouncer.close();
        if (supervisor != null) {
            supervisor.close();
        }
        if (snapshotServer != null) {
            snapshotServer.close();
        }
        probes.close();
        diagnostics.close();
        xds.close();
        snapshots.close();
    }
}
