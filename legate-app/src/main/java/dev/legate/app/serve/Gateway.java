package dev.legate.app.serve;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.Compiler;
import dev.legate.sources.Debouncer;
import dev.legate.sources.DirectorySource;
import dev.legate.sources.SnapshotSource;
import dev.legate.xds.XdsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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

    private final XdsServer xds;
    private final SnapshotStore snapshots;
    private final Reconfigurer reconfigurer;
    private final Debouncer debouncer;
    private final SnapshotSource source;
    private final ProbeServer probes;
    private final @Nullable EnvoySupervisor supervisor;
    private final Path bootstrap;

    private Gateway(XdsServer xds, SnapshotStore snapshots, Reconfigurer reconfigurer, Debouncer debouncer,
            SnapshotSource source, ProbeServer probes, @Nullable EnvoySupervisor supervisor, Path bootstrap) {
        this.xds = xds;
        this.snapshots = snapshots;
        this.reconfigurer = reconfigurer;
        this.debouncer = debouncer;
        this.source = source;
        this.probes = probes;
        this.supervisor = supervisor;
        this.bootstrap = bootstrap;
    }

    /** Serves the directory {@code s.configDir()}. */
    public static Gateway start(Settings s) throws IOException {
        if (s.configDir() == null || !Files.isDirectory(s.configDir())) {
            throw new IOException(s.configDir() + " is not a directory");
        }
        return start(s, new DirectorySource(s.configDir()));
    }

    /** Serves what {@code source} reads; the gateway starts it, and closes it on {@link #close()}. */
    public static Gateway start(Settings s, SnapshotSource source) throws IOException {
        requireNonNull(source, "source");
        Files.createDirectories(s.stateDir());
        SnapshotStore snapshots = new SnapshotStore(s.stateDir().resolve("snapshots"), s.snapshotKeep());
        XdsServer xds = XdsServer.start(s.adsAddress());
        Reconfigurer reconfigurer = new Reconfigurer(source, new Compiler(s.compileOptions()),
                new XdsPublisher(xds), snapshots, Clock.systemUTC());
        // Watch first, then compile: a change made while the first compile reads the directory is not lost. The
        // first compile runs while the rest is set up.
        Debouncer debouncer = new Debouncer(s.holdoff(), s.maxDelay(), reconfigurer);
        try {
            source.start(debouncer::changed);
        } catch (IOException | RuntimeException e) {
            debouncer.close();
            xds.close();
            snapshots.close();
            source.close();
            throw e;
        }
        debouncer.now();

        Path bootstrap = s.stateDir().resolve("bootstrap-ads.json");
        InetSocketAddress adsForEnvoy = new InetSocketAddress(s.adsAddress().getAddress() != null
                && s.adsAddress().getAddress().isAnyLocalAddress() ? "127.0.0.1" : s.adsAddress().getHostString(),
                xds.port());
        Files.writeString(bootstrap, AdsBootstrap.json(AdsBootstrap.bootstrap(s.nodeId(),
                s.compileOptions().ambassadorId(), adsForEnvoy, s.adminPort())) + "\n", StandardCharsets.UTF_8);
        EnvoySupervisor supervisor = s.envoy().map(bin -> EnvoySupervisor.start(bin, bootstrap, s.adminPort(),
                s.drainTime(), List.of())).orElse(null);
        ProbeServer probes = ProbeServer.start(s.probeAddress(), () -> reconfigurer.lastGood().isPresent()
                && (supervisor == null || supervisor.ready()));

        LOG.info("Legate serve: watching {} (holdoff {} ms, max delay {} ms)", source.describe(),
                s.holdoff().toMillis(), s.maxDelay().toMillis());
        LOG.info("ADS on {}:{}; probes on {}:{} (/ambassador/v0/check_alive, /ambassador/v0/check_ready)",
                s.adsAddress().getHostString(), xds.port(), s.probeAddress().getHostString(), probes.port());
        LOG.info("snapshots in {} (keeping {}); bootstrap for Envoy: {}", snapshots.root().toAbsolutePath(),
                s.snapshotKeep(), bootstrap.toAbsolutePath());
        return new Gateway(xds, snapshots, reconfigurer, debouncer, source, probes, supervisor, bootstrap);
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
        probes.close();
        xds.close();
        snapshots.close();
    }
}
