package dev.legate.app;

import dev.legate.app.serve.EnvoySupervisor;
import dev.legate.app.serve.Gateway;
import dev.legate.app.serve.PortUnavailableException;
import dev.legate.app.serve.XdsPublisher;
import dev.legate.compiler.CompileOptions;
import dev.legate.sources.DerivedSource;
import dev.legate.sources.DirectorySource;
import dev.legate.sources.IstioCertificateSource;
import dev.legate.sources.LayeredSource;
import dev.legate.sources.SnapshotSource;
import dev.legate.sources.consul.ConsulCatalogWatcher;
import dev.legate.sources.kubernetes.KubernetesSettings;
import dev.legate.sources.kubernetes.KubernetesSource;
import dev.legate.status.KubernetesStatus;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
            "Watches the Kubernetes cluster it runs in (or the one your kubeconfig",
            "names), or a directory of Emissary resources (--config-dir),",
            "recompiles on every change",
            "(bursts are coalesced), and serves the result to Envoy over ADS. An",
            "unchanged configuration pushes nothing; one that fails to compile or",
            "publish never replaces the last good one. With an Envoy binary",
            "(ENVOY_BIN, or envoy on the PATH) Legate runs Envoy itself; otherwise",
            "point any Envoy at the bootstrap it writes (bootstrap-ads.json).",
            "",
            "Probes: /ambassador/v0/check_alive and /ambassador/v0/check_ready on",
            "the probe address, with the diagnostics UI (/ambassador/v0/diag/, local",
            "requests only unless the Module allows others) and /metrics. The",
            "snapshot server shows the input, IR and Envoy configuration. Snapshots",
            "of each configuration go to the snapshot directory. Stop with SIGTERM",
            "or Ctrl-C: Envoy is drained first.",
            ""})
final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--config-dir", paramLabel = "DIR",
            description = "Directory of resources to watch instead of Kubernetes. Default: "
                    + "$AMBASSADOR_CONFIG_BASE_DIR.")
    private @Nullable Path configDir;

    /** Where the configuration comes from. */
    enum SourceChoice {
        auto, kubernetes, directory
    }

    @Option(names = "--source", paramLabel = "SOURCE", defaultValue = "auto",
            description = "auto, kubernetes or directory. auto: the directory when --config-dir or "
                    + "$AMBASSADOR_CONFIG_BASE_DIR is given, else Kubernetes in a cluster or with a kubeconfig. "
                    + "Default: ${DEFAULT-VALUE}.")
    private SourceChoice source;

    @Option(names = "--ads-address", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8003",
            converter = AddressConverter.class, description = "Where the ADS server listens. Default: ${DEFAULT-VALUE}.")
    private InetSocketAddress adsAddress;

    @Option(names = "--probe-address", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:8877",
            converter = AddressConverter.class,
            description = "Where the probes, diagnostics and /metrics listen. Default: ${DEFAULT-VALUE}.")
    private InetSocketAddress probeAddress;

    @Option(names = "--snapshot-address", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8005",
            converter = AddressConverter.class,
            description = "Where the snapshot server listens (/snapshot, /ir, /envoy, /diagnostics). "
                    + "Default: ${DEFAULT-VALUE}.")
    private InetSocketAddress snapshotAddress;

    @Option(names = "--api-listeners", description = "Also publish, for each HTTP connection manager, an API "
            + "listener named api-<route configuration> that wraps it, for proxyless xDS clients (grpc-java, "
            + "Armeria). Their other HTTP filters are marked optional, and endpoint localities get a weight of 1 "
            + "(grpc-java needs one; Envoy ignores it).")
    private boolean apiListeners;

    @Option(names = "--no-snapshot-server", description = "Do not run the snapshot server.")
    private boolean noSnapshotServer;

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

    /**
     * For the launcher's training run (see ./legate): the run that shows the JVM what a start-up loads, links and
     * runs, for its ahead-of-time cache; once the first configuration is out, a client fetches it over ADS as Envoy
     * would. Not for users, hence hidden.
     */
    @Option(names = "--exit-after-first-configuration", hidden = true,
            description = "Exit once the first configuration is published and its snapshot written (0), or the "
                    + "first reconfiguration failed (1).")
    private boolean exitAfterFirstConfiguration;

    /** How long a training run may take before it gives up (a hung one must not hold up the launcher for ever). */
    private static final Duration TRAINING_LIMIT = Duration.ofSeconds(120);

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        Path dir = configDir != null ? configDir
                : source != SourceChoice.kubernetes && env.containsKey("AMBASSADOR_CONFIG_BASE_DIR")
                        ? Path.of(env.get("AMBASSADOR_CONFIG_BASE_DIR")) : null;
        SourceChoice chosen = chooseSource(source, dir, env, Path.of(System.getProperty("user.home", "/")));
        if (chosen == SourceChoice.kubernetes && configDir != null) {
            spec.commandLine().getErr().println("legate serve: --config-dir and --source=kubernetes exclude each "
                    + "other");
            return 2;
        }
        if (chosen == SourceChoice.auto) {
            spec.commandLine().getErr().println("legate serve: no configuration source: not in a Kubernetes cluster "
                    + "(no KUBERNETES_SERVICE_HOST), no kubeconfig (KUBECONFIG or ~/.kube/config), and no "
                    + "--config-dir DIR (or AMBASSADOR_CONFIG_BASE_DIR)");
            return 2;
        }
        if (chosen == SourceChoice.directory && (dir == null || !Files.isDirectory(dir))) {
            spec.commandLine().getErr().println("legate serve: " + (dir == null ? "--source=directory needs "
                    + "--config-dir DIR (or AMBASSADOR_CONFIG_BASE_DIR)" : dir + " is not a directory"));
            return dir == null ? 2 : 1;
        }
        CompileOptions fromEnv = CompileOptions.fromEnvironment(env);
        CompileOptions options = new CompileOptions(ambassadorId != null ? ambassadorId : fromEnv.ambassadorId(),
                namespace != null ? namespace : fromEnv.ambassadorNamespace(), fromEnv.knative());
        Optional<Path> envoyBinary = noEnvoy ? Optional.empty()
                : envoy != null ? Optional.of(envoy) : EnvoySupervisor.findEnvoy(env);
        KubernetesSource cluster = chosen == SourceChoice.directory ? null
                : KubernetesSource.create(new KubernetesClientBuilder().build(),
                        KubernetesSettings.fromEnvironment(env), KubernetesSource.ClientOwnership.CLOSE_WITH_SOURCE);
        SnapshotSource primary = cluster != null ? cluster : new DirectorySource(dir);
        List<SnapshotSource> extras = IstioCertificateSource.fromEnvironment(env).<List<SnapshotSource>>map(List::of)
                .orElse(List.of());
        List<DerivedSource> derived = List.of(new ConsulCatalogWatcher(options.ambassadorId(),
                ConsulCatalogWatcher.DEFAULT_WAIT));
        Gateway gateway;
        try {
            gateway = Gateway.start(new Gateway.Settings(dir, options, adsAddress, probeAddress, stateDir,
                    snapshotKeep, holdoff, maxDelay, envoyBinary, drainTime, adminPort,
                    nodeId != null ? nodeId : env.getOrDefault("HOSTNAME", "legate")),
                    new Gateway.DiagSettings(noSnapshotServer ? Optional.empty() : Optional.of(snapshotAddress)),
                    apiListeners ? XdsPublisher.ApiListeners.VIEWS : XdsPublisher.ApiListeners.NONE,
                    LayeredSource.of(primary, extras, derived));
        } catch (PortUnavailableException e) {
            spec.commandLine().getErr().println("legate serve: " + e.getMessage() + " (is another legate serve "
                    + "running?)");
            return 1;
        }
        if (gateway.supervisesEnvoy()) {
            LOG.info("Envoy: running {} (admin on 127.0.0.1:{})", envoyBinary.get(), adminPort);
        } else {
            LOG.info("Envoy: not running ({}); start one with: envoy -c {}", noEnvoy ? "--no-envoy"
                    : "no envoy binary found: set ENVOY_BIN or put envoy on the PATH", gateway.bootstrap()
                    .toAbsolutePath());
        }
        // In a cluster, each configuration's outcome goes to the resources' status, written by the replica that holds
        // the Lease (see the README's Kubernetes installation section).
        KubernetesStatus status = cluster == null ? null : KubernetesStatus.start(cluster.client(), env,
                Clock.systemUTC());
        if (status != null) {
            gateway.reconfigurer().addListener(status::publish);
        }
        if (exitAfterFirstConfiguration) {
            return firstConfigurationThenExit(gateway, status);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (status != null) {
                status.close(); // releases the Lease before the source closes the client
            }
            gateway.close();
            stopped.countDown();
        }, "legate-shutdown"));
        stopped.await();
        return 0;
    }

    /** The training run: waits for the first reconfiguration's outcome, then takes the gateway apart. */
    private static int firstConfigurationThenExit(Gateway gateway, @Nullable KubernetesStatus status)
            throws InterruptedException {
        CountDownLatch published = new CountDownLatch(1);
        gateway.reconfigurer().addListener(result -> published.countDown());
        long deadline = System.nanoTime() + TRAINING_LIMIT.toNanos();
        while (!published.await(20, TimeUnit.MILLISECONDS)) {
            if (gateway.reconfigurer().lastFailure().isPresent() || System.nanoTime() > deadline) {
                break;
            }
        }
        boolean ok = published.getCount() == 0;
        if (ok) {
            // What Envoy's first connection makes the server do (a result is not needed: the training is the point).
            gateway.trainingFetch();
        }
        if (status != null) {
            status.close();
        }
        gateway.close(); // waits for the snapshot being written
        LOG.info("exiting after the first configuration ({})", ok ? "published" : "none published");
        return ok ? 0 : 1;
    }

    /**
     * The source to use: an explicit choice stands; {@code auto} means the directory when one is given, else
     * Kubernetes when running in a cluster (KUBERNETES_SERVICE_HOST) or with a kubeconfig (KUBECONFIG, or
     * ~/.kube/config), else none ({@code auto} is returned).
     */
    static SourceChoice chooseSource(SourceChoice requested, @Nullable Path dir, Map<String, String> env,
            Path home) {
        if (requested != SourceChoice.auto) {
            return requested;
        }
        if (dir != null) {
            return SourceChoice.directory;
        }
        if (!env.getOrDefault("KUBERNETES_SERVICE_HOST", "").isBlank()
                || !env.getOrDefault("KUBECONFIG", "").isBlank()
                || Files.isRegularFile(home.resolve(".kube").resolve("config"))) {
            return SourceChoice.kubernetes;
        }
        return SourceChoice.auto;
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
