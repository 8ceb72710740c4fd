package dev.legate.app;

import dev.legate.app.serve.AdsBootstrap;
import dev.legate.app.serve.ConfigPublisher;
import dev.legate.app.serve.EnvoySupervisor;
import dev.legate.app.serve.ProbeServer;
import dev.legate.app.serve.Reconfigurer;
import dev.legate.app.serve.SnapshotStore;
import dev.legate.app.serve.XdsPublisher;
import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.Compiler;
import dev.legate.sources.Debouncer;
import dev.legate.sources.DirectoryWatcher;
import dev.legate.xds.XdsServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code legate serve}: keep Envoy configured, live, as the configuration changes. */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        header = "Serve the configuration to Envoy over ADS, live, as it changes.",
        description = {
            "Watches a directory of Emissary resources, recompiles on every change",
            "(bursts are coalesced), and serves the result to Envoy over ADS. An",
            "unchanged configuration pushes nothing; one that fails to compile or",
            "publish never replaces the last good one. With an Envoy binary",
            "(ENVOY_BIN, or envoy on the PATH) Legate runs Envoy itself; otherwise",
            "point any Envoy at the bootstrap it writes (bootstrap-ads.json).",
            "",
            "Probes: /ambassador/v0/check_alive and /ambassador/v0/check_ready on",
            "the probe address. Snapshots of each configuration go to the snapshot",
            "directory. Stop with SIGTERM or Ctrl-C: Envoy is drained first.",
            ""})
final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--config-dir", paramLabel = "DIR",
            description = "Directory of resources to watch. Default: $AMBASSADOR_CONFIG_BASE_DIR.")
    private @Nullable Path configDir;

    @Option(names = "--ads-address", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8003",
            converter = AddressConverter.class, description = "Where the ADS server listens. Default: ${DEFAULT-VALUE}.")
    private InetSocketAddress adsAddress;

    @Option(names = "--probe-address", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:8877",
            converter = AddressConverter.class,
            description = "Where the probes listen. Default: ${DEFAULT-VALUE}.")
    private InetSocketAddress probeAddress;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = ".legate/serve",
            description = "Where bootstrap-ads.json and snapshots/ go. Default: ${DEFAULT-VALUE}.")
    private Path stateDir;

    @Option(names = "--snapshot-keep", paramLabel = "N", defaultValue = "10",
            description = "How many configurations to keep on disk. Default: ${DEFAULT-VALUE}.")
    private int snapshotKeep;

    @Option(names = "--holdoff", paramLabel = "DURATION", defaultValue = "100ms", converter = DurationConverter.class,
            description = "Quiet time after a change before recompiling. Default: ${DEFAULT-VALUE}.")
    private Duration holdoff;

    @Option(names = "--max-delay", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Longest wait from a first change to its recompile. Default: ${DEFAULT-VALUE}.")
    private Duration maxDelay;

    @Option(names = "--envoy", paramLabel = "PATH",
            description = "Envoy binary to run. Default: $ENVOY_BIN, else envoy on the PATH.")
    private @Nullable Path envoy;

    @Option(names = "--no-envoy", description = "Do not run Envoy, even when one is found.")
    private boolean noEnvoy;

    @Option(names = "--drain-time", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "How long Envoy drains on shutdown. Default: ${DEFAULT-VALUE}.")
    private Duration drainTime;

    @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "8001",
            description = "Envoy's admin port (on 127.0.0.1). Default: ${DEFAULT-VALUE}.")
    private int adminPort;

    @Option(names = "--node-id", paramLabel = "ID",
            description = "Envoy's node id in the bootstrap. Default: $HOSTNAME, else 'legate'.")
    private @Nullable String nodeId;

    @Option(names = "--ambassador-id", paramLabel = "ID",
            description = "This instance's id. Default: $AMBASSADOR_ID, else 'default'.")
    private @Nullable String ambassadorId;

    @Option(names = "--namespace", paramLabel = "NAMESPACE",
            description = "Legate's namespace. Default: $AMBASSADOR_NAMESPACE, else 'default'.")
    private @Nullable String namespace;

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        Path dir = configDir != null ? configDir
                : env.containsKey("AMBASSADOR_CONFIG_BASE_DIR") ? Path.of(env.get("AMBASSADOR_CONFIG_BASE_DIR")) : null;
        if (dir == null) {
            spec.commandLine().getErr().println("legate serve: no configuration source: give --config-dir DIR (or set "
                    + "AMBASSADOR_CONFIG_BASE_DIR). Watching Kubernetes is not available yet.");
            return 2;
        }
        if (!Files.isDirectory(dir)) {
            spec.commandLine().getErr().println("legate serve: " + dir + " is not a directory");
            return 1;
        }
        CompileOptions fromEnv = CompileOptions.fromEnvironment(env);
        CompileOptions options = new CompileOptions(ambassadorId != null ? ambassadorId : fromEnv.ambassadorId(),
                namespace != null ? namespace : fromEnv.ambassadorNamespace());

        Files.createDirectories(stateDir);
        SnapshotStore snapshots = new SnapshotStore(stateDir.resolve("snapshots"), snapshotKeep);
        XdsServer xds = XdsServer.start(adsAddress);
        Reconfigurer reconfigurer = new Reconfigurer(dir, new Compiler(options), new XdsPublisher(xds), snapshots,
                Clock.systemUTC());

        // Watch first, then compile: a change made while the first compile reads the directory is not lost. The
        // first compile runs while the rest is set up.
        Debouncer debouncer = new Debouncer(holdoff, maxDelay, reconfigurer);
        DirectoryWatcher watcher = DirectoryWatcher.start(dir, debouncer::changed);
        debouncer.now();

        String node = nodeId != null ? nodeId : env.getOrDefault("HOSTNAME", "legate");
        Path bootstrap = stateDir.resolve("bootstrap-ads.json");
        InetSocketAddress adsForEnvoy = new InetSocketAddress(adsAddress.getAddress().isAnyLocalAddress()
                ? "127.0.0.1" : adsAddress.getHostString(), xds.port());
        Files.writeString(bootstrap, AdsBootstrap.json(AdsBootstrap.bootstrap(node, options.ambassadorId(),
                adsForEnvoy, adminPort)) + "\n", StandardCharsets.UTF_8);

        Optional<Path> envoyBinary = noEnvoy ? Optional.empty()
                : envoy != null ? Optional.of(envoy) : EnvoySupervisor.findEnvoy(env);
        EnvoySupervisor supervisor = envoyBinary.map(bin -> EnvoySupervisor.start(bin, bootstrap, adminPort,
                drainTime, List.of())).orElse(null);
        ProbeServer probes = ProbeServer.start(probeAddress, () -> reconfigurer.lastGood().isPresent()
                && (supervisor == null || supervisor.ready()));


        LOG.info("Legate serve: watching {} (holdoff {} ms, max delay {} ms)", dir.toAbsolutePath(), holdoff.toMillis(),
                maxDelay.toMillis());
        LOG.info("ADS on {}:{}; probes on {}:{} (/ambassador/v0/check_alive, /ambassador/v0/check_ready)",
                adsAddress.getHostString(), xds.port(), probeAddress.getHostString(), probes.port());
        LOG.info("snapshots in {} (keeping {}); bootstrap for Envoy: {}", snapshots.root().toAbsolutePath(),
                snapshotKeep, bootstrap.toAbsolutePath());
        if (supervisor != null) {
            LOG.info("Envoy: running {} (admin on 127.0.0.1:{})", envoyBinary.get(), adminPort);
        } else {
            LOG.info("Envoy: not running ({}); start one with: envoy -c {}", noEnvoy ? "--no-envoy"
                    : "no envoy binary found: set ENVOY_BIN or put envoy on the PATH", bootstrap.toAbsolutePath());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread shutdown = new Thread(() -> {
            LOG.info("shutting down");
            watcher.close();
            debouncer.close();
            if (supervisor != null) {
                supervisor.close();
            }
            probes.close();
            xds.close();
            snapshots.close();
            stopped.countDown();
        }, "legate-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        stopped.await();
        return 0;
    }

    /** HOST:PORT on the command line. */
    static final class AddressConverter implements CommandLine.ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            int colon = value.lastIndexOf(':');
            if (colon < 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not HOST:PORT");
            }
            String host = value.substring(0, colon);
            try {
                int port = Integer.parseInt(value.substring(colon + 1));
                if (port < 0 || port > 65535) {
                    throw new CommandLine.TypeConversionException("port " + port + " is out of range");
                }
                return new InetSocketAddress(host.isEmpty() ? "0.0.0.0" : host, port);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not HOST:PORT");
            }
        }
    }
}
