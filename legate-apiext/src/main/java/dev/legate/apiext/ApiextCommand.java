package dev.legate.apiext;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code legate apiext}: the CRD conversion webhook, in its own process (and its own Deployment). */
@Command(name = "apiext",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 79,
        header = "Run the CRD conversion webhook for getambassador.io v1, v2, v3alpha1.",
        description = {
            "Kubernetes stores one version of each custom resource and asks a",
            "conversion webhook for the others. Run this (its own Deployment, see",
            "deploy/apiext/) only when your getambassador.io CRDs serve v1 or v2",
            "besides v3alpha1; with v3alpha1 alone it is not needed.",
            "",
            "It answers apiextensions.k8s.io/v1 ConversionReviews over HTTPS at",
            "/webhooks/crd-convert, and probes over plain HTTP at /probes/live",
            "and /probes/ready. It keeps a self-signed CA and serving certificate",
            "in a Secret (made on first start, shared by replicas, renewed before",
            "expiry) and writes the CA bundle and the Service into the conversion",
            "settings of each selected CRD (getambassador.io, two or more versions).",
            "",
            "Exit status: 0 after SIGTERM/SIGINT, 1 when it cannot start (a port in",
            "use, no Kubernetes configuration), 2 for a usage error.",
            ""},
        footer = {"",
            "Without a cluster: legate apiext --no-kubernetes --ca-bundle-file ca.pem",
            "serves with an in-memory certificate; curl --cacert ca.pem reaches it."})
public final class ApiextCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ApiextCommand.class);
    static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    @Spec
    private @Nullable CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8443",
            description = "HTTPS port for ConversionReviews (default: ${DEFAULT-VALUE}; 0 picks a free port).")
    int port;

    @Option(names = "--probe-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Plain-HTTP port for /probes/live and /probes/ready (default: ${DEFAULT-VALUE}).")
    int probePort;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "Address both servers listen on (default: ${DEFAULT-VALUE}).")
    String bind = "0.0.0.0";

    @Option(names = "--namespace", paramLabel = "NAMESPACE",
            description = "Namespace of the webhook's Service and Secret. Default: $POD_NAMESPACE, else the "
                    + "pod's service-account namespace, else 'default'.")
    @Nullable String namespace;

    @Option(names = "--secret", paramLabel = "NAME", defaultValue = "legate-apiext-certs",
            description = "Secret holding the CA and serving certificate; created when missing "
                    + "(default: ${DEFAULT-VALUE}).")
    String secret = "legate-apiext-certs";

    @Option(names = "--service", paramLabel = "NAME", defaultValue = "legate-apiext",
            description = "Service through which the API server reaches the webhook; written into each CRD and "
                    + "into the certificate's names (default: ${DEFAULT-VALUE}).")
    String service = "legate-apiext";

    @Option(names = "--service-port", paramLabel = "PORT", defaultValue = "443",
            description = "That Service's HTTPS port (default: ${DEFAULT-VALUE}).")
    int servicePort = 443;

    @Option(names = "--crd-selector", paramLabel = "SELECTOR",
            description = "Only CRDs with these labels, e.g. app.kubernetes.io/part-of=legate. Default: every "
                    + "getambassador.io CRD with two or more versions.")
    @Nullable String crdSelector;

    @Option(names = "--crd", paramLabel = "NAME",
            description = "Only the CRD of this name, e.g. mappings.getambassador.io (repeatable).")
    List<String> crdNames = new ArrayList<>();

    @Option(names = "--no-patch-crds",
            description = "Do not touch CRDs (when another tool, such as cert-manager's CA injector, writes "
                    + "their conversion settings).")
    boolean noPatchCrds;

    @Option(names = "--ca-validity", paramLabel = "DURATION", defaultValue = "3650d",
            converter = OptionTypes.DurationConverter.class,
            description = "Lifetime of a new CA (default: ${DEFAULT-VALUE}). Durations: 45s, 30m, 12h, 90d, P90D.")
    Duration caValidity = Duration.ofDays(3650);

    @Option(names = "--cert-validity", paramLabel = "DURATION", defaultValue = "365d",
            converter = OptionTypes.DurationConverter.class,
            description = "Lifetime of a new serving certificate (default: ${DEFAULT-VALUE}).")
    Duration certValidity = Duration.ofDays(365);

    @Option(names = "--renew-before", paramLabel = "DURATION", defaultValue = "30d",
            converter = OptionTypes.DurationConverter.class,
            description = "Renew a certificate when it expires within this margin (default: ${DEFAULT-VALUE}).")
    Duration renewBefore = Duration.ofDays(30);

    @Option(names = "--check-interval", paramLabel = "DURATION", defaultValue = "1m",
            converter = OptionTypes.DurationConverter.class,
            description = "How often the Secret is checked (and renewed when due) besides watching it "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration checkInterval = Duration.ofMinutes(1);

    @Option(names = "--dns-name", paramLabel = "NAME",
            description = "Another DNS name for the serving certificate (repeatable). It always names the "
                    + "Service, localhost and 127.0.0.1.")
    List<String> dnsNames = new ArrayList<>();

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Kubeconfig file. Default: $KUBECONFIG, else ~/.kube/config, else the pod's "
                    + "service account.")
    @Nullable Path kubeconfig;

    @Option(names = "--in-cluster",
            description = "Use only the pod's service account, ignoring any kubeconfig.")
    boolean inCluster;

    @Option(names = {"--no-kubernetes", "--self-signed-only"},
            description = "Run without a cluster: an in-memory self-signed certificate (a new CA each start), "
                    + "no Secret, no CRD patching.")
    boolean noKubernetes;

    @Option(names = "--ca-bundle-file", paramLabel = "FILE",
            description = "Write the CA bundle (PEM) to FILE, and again whenever it changes.")
    @Nullable Path caBundleFile;

    @Option(names = "--mark-ambassador-id",
            description = "Prefix ambassador_id with --apiVersion-v3alpha1-only-- on the way down to v2/v1, as "
                    + "Emissary's webhook does, so that Ambassador 1.x ignores resources written as v3alpha1. "
                    + "Off by default: v2 -> v3alpha1 -> v2 then returns exactly what was stored.")
    boolean markAmbassadorId;

    @Option(names = "--max-request-bytes", paramLabel = "SIZE", defaultValue = "32m",
            converter = OptionTypes.SizeConverter.class,
            description = "Refuse larger requests with 413 (default: ${DEFAULT-VALUE}).")
    long maxRequestBytes = 32L << 20;

    @Option(names = "--warm-up", paramLabel = "N", defaultValue = "20",
            description = "Convert N round trips of 200 built-in objects before reporting ready, so the first "
                    + "real review meets a warm JVM (default: ${DEFAULT-VALUE}; 0: none).")
    int warmupRounds = 20;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "4",
            description = "Threads answering ConversionReviews (default: ${DEFAULT-VALUE}).")
    int threads = 4;

    private @Nullable KubernetesClient clientOverride;

    /** For tests: use this client instead of building one from the options. */
    void useClient(KubernetesClient client) {
        this.clientOverride = client;
    }

    /** The running webhook and what it holds open. */
    static final class Running implements AutoCloseable {
        private final ApiextServer server;
        private final @Nullable KubernetesClient client;

        Running(ApiextServer server, @Nullable KubernetesClient client) {
            this.server = server;
            this.client = client;
        }

        ApiextServer server() {
            return server;
        }

        @Override
        public void close() {
            server.close();
            if (client != null) {
                client.close();
            }
        }
    }

    /** Why the webhook could not start: one line for the user. */
    static final class StartupException extends Exception {
        StartupException(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec == null ? new PrintWriter(System.err, true) : spec.commandLine().getErr();
        // Bound how long a slow client may hold a worker (the JDK server reads these once, at first use).
        System.setProperty("sun.net.httpserver.maxReqTime",
                System.getProperty("sun.net.httpserver.maxReqTime", "60"));
        System.setProperty("sun.net.httpserver.maxRspTime",
                System.getProperty("sun.net.httpserver.maxRspTime", "60"));
        Running running;
        try {
            running = start(System.getenv(), Clock.systemUTC());
        } catch (StartupException e) {
            err.println("legate apiext: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            running.close();
            stopped.countDown();
        }, "legate-apiext-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.close();
        }
        return 0;
    }

    /** Starts the webhook as the options say, and returns it running. */
    Running start(Map<String, String> env, Clock clock) throws StartupException {
        validate();
        String ns = namespace != null ? namespace : defaultNamespace(env, SERVICE_ACCOUNT_NAMESPACE);
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new StartupException("--bind " + bind + ": unknown address", e);
        }
        Set<String> names = new LinkedHashSet<>(CertificatePolicy.serviceDnsNames(service, ns));
        names.addAll(dnsNames);
        names.add("localhost");
        CertificatePolicy policy;
        try {
            policy = new CertificatePolicy(caValidity, certValidity, renewBefore, List.copyOf(names),
                    List.of(InetAddress.getLoopbackAddress(), InetAddress.getByName("::1")));
        } catch (IllegalArgumentException | UnknownHostException e) {
            throw new StartupException(e.getMessage(), e);
        }
        ServerSettings settings = new ServerSettings(address, port, probePort, threads, maxRequestBytes,
                markAmbassadorId ? ObjectConverter.AmbassadorIdMarking.EMISSARY_PREFIX
                        : ObjectConverter.AmbassadorIdMarking.UNCHANGED, warmupRounds);
        List<Consumer<CertificateBundle>> listeners = new ArrayList<>();
        if (caBundleFile != null) {
            Path file = caBundleFile;
            listeners.add(bundle -> writeAtomically(file, bundle.caBundlePem()));
        }
        if (noKubernetes) {
            LOG.info("running without Kubernetes: in-memory certificates, no CRD patching");
            return startServer(settings, new InMemoryCertificateSource(policy, clock, checkInterval), null,
                    listeners, null);
        }
        KubernetesClient client = kubernetesClient();
        LOG.info("namespace {}, Secret {}, Service {} port {}", ns, secret, service, servicePort);
        CertificateSource certificates = new SecretCertificateSource(client, ns, secret, policy, clock,
                checkInterval);
        CrdPatcher patcher = noPatchCrds ? null : new CrdPatcher(client,
                new CrdSelection(crdSelector, Set.copyOf(crdNames)),
                new CrdPatcher.ServiceRef(ns, service, servicePort), Duration.ofSeconds(10));
        // A client handed in (tests) is its owner's to close.
        return startServer(settings, certificates, patcher, listeners, client == clientOverride ? null : client);
    }

    private static Running startServer(ServerSettings settings, CertificateSource certificates,
            @Nullable CrdPatcher patcher, List<Consumer<CertificateBundle>> listeners,
            @Nullable KubernetesClient client) throws StartupException {
        try {
            return new Running(ApiextServer.start(settings, certificates, patcher, listeners), client);
        } catch (IOException e) {
            certificates.close();
            if (patcher != null) {
                patcher.close();
            }
            if (client != null) {
                client.close();
            }
            throw new StartupException("cannot listen on " + settings.bind().getHostAddress() + " ports "
                    + settings.httpsPort() + "/" + settings.probePort() + ": " + e.getMessage(), e);
        }
    }

    private void validate() {
        if (spec == null) {
            return;
        }
        if (inCluster && kubeconfig != null) {
            throw new ParameterException(spec.commandLine(), "--in-cluster and --kubeconfig exclude each other");
        }
        if (noKubernetes && (inCluster || kubeconfig != null)) {
            throw new ParameterException(spec.commandLine(),
                    "--no-kubernetes excludes --in-cluster and --kubeconfig");
        }
        for (int p : new int[] {port, probePort}) {
            if (p < 0 || p > 65535) {
                throw new ParameterException(spec.commandLine(), "port " + p + " is not within 0-65535");
            }
        }
        if (port != 0 && port == probePort) {
            throw new ParameterException(spec.commandLine(), "--port and --probe-port must differ");
        }
        if (warmupRounds < 0 || warmupRounds > 10_000) {
            throw new ParameterException(spec.commandLine(), "--warm-up must be within 0-10000");
        }
        if (threads < 1 || threads > 256) {
            throw new ParameterException(spec.commandLine(), "--threads must be within 1-256");
        }
        if (maxRequestBytes < 1024 || maxRequestBytes > (1L << 30)) {
            throw new ParameterException(spec.commandLine(), "--max-request-bytes must be within 1k-1g");
        }
        if (checkInterval.toMillis() < 100) {
            throw new ParameterException(spec.commandLine(), "--check-interval must be at least 100ms");
        }
    }

    private KubernetesClient kubernetesClient() throws StartupException {
        if (clientOverride != null) {
            return clientOverride;
        }
        try {
            Config config;
            if (kubeconfig != null) {
                config = Config.fromKubeconfig(kubeconfig.toFile());
            } else {
                if (inCluster) {
                    System.setProperty(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false");
                }
                config = Config.autoConfigure(null);
            }
            if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
                throw new StartupException("no Kubernetes API server configured (use --kubeconfig, run in a pod, "
                        + "or --no-kubernetes)", null);
            }
            return new KubernetesClientBuilder().withConfig(config).build();
        } catch (RuntimeException e) {
            throw new StartupException("cannot configure the Kubernetes client: " + e.getMessage(), e);
        }
    }

    /** $POD_NAMESPACE, else the service account's namespace file, else {@code default}. */
    static String defaultNamespace(Map<String, String> env, Path serviceAccountNamespace) {
        String fromEnv = env.get("POD_NAMESPACE");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        try {
            if (Files.isReadable(serviceAccountNamespace)) {
                String fromFile = Files.readString(serviceAccountNamespace).trim();
                if (!fromFile.isEmpty()) {
                    return fromFile;
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot read {}: {}", serviceAccountNamespace, e.toString());
        }
        return "default";
    }

    private static void writeAtomically(Path file, String content) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            LOG.info("wrote the CA bundle to {}", file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the CA bundle to " + file, e);
        }
    }
}
