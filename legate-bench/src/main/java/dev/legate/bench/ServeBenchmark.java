package dev.legate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.legate.xds.AdsTestClient;
import dev.legate.xds.AdsTestClient.Received;
import dev.legate.xds.XdsType;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A whole-process benchmark of {@code legate serve}: how long a file change takes to reach connected xDS clients,
 * how long start-up takes, and how much memory the process holds. Not a unit test: it starts the real launcher
 * ({@code ./legate serve}) as a child process and talks to it over the network like Envoy would, with legate-xds's
 * raw ADS client ({@link AdsTestClient}).
 *
 * <ol>
 *   <li>Copies a configuration directory (e.g. from {@link ConfigGenerator}) to a fresh one under the work
 *       directory, and picks the Mappings it will edit (see {@link Editor}).
 *   <li>Starts {@code legate serve --config-dir COPY --ads-address 127.0.0.1:P --probe-address 127.0.0.1:Q
 *       --state-dir TEMP --no-envoy --snapshot-address 127.0.0.1:0 [--holdoff H --max-delay M]} on free ports, its
 *       output in {@code serve.log}.
 *   <li>Start-up: (gRPC and the xDS protos are loaded in this process first, so that it competes less with the
 *       serve process) from just before the process is started until the ADS port accepts connections, until the first
 *       client receives its first listener version (it connects as soon as the port is open), its first route
 *       version, has acknowledged listeners, routes and clusters, and until {@code /ambassador/v0/check_ready}
 *       (polled every 5 ms) answers 200.
 *   <li>Connects the other clients (for the fan-out case) and waits until all hold the same configuration.
 *   <li>Edits: each rewrites one Mapping file in place (one Mapping's prefix gets a unique marker segment,
 *       {@code /.../benchedit007/}); the latency is from the moment the write is closed until a client receives a
 *       route version that contains the marker ({@link AdsTestClient#firstSeen}'s clock: the receipt on the client's
 *       gRPC thread). For several clients: when the first and when the last of them received it. The first
 *       {@code --warmup} edits are reported apart, and the last ten also on their own (the serve process's JIT keeps
 *       improving its code over the first few dozen edits). Between edits the benchmark collects its own garbage
 *       and waits until the serve process is idle again (its CPU time stops growing; bounded), so background
 *       snapshot writing and JIT compilation of one edit do not land on the next.
 *   <li>Server-side split of each edit from serve.log: read, compile and publish milliseconds of the
 *       reconfigurations it caused.
 *   <li>Memory: VmRSS and VmHWM from /proc/PID/status after start-up, after every edit, and at the end.
 *   <li>Machine load while measuring: the load average, and the share of both cores used by the serve process,
 *       by this benchmark process, and by everything else (from /proc/stat), over the start-up and over the edit
 *       phase.
 * </ol>
 *
 * <pre>
 * java -cp CP dev.legate.bench.ServeBenchmark --config DIR --work DIR [--legate ./legate] [--name NAME]
 *     [--clients 1] [--edits 30] [--warmup 5] [--holdoff 10ms --max-delay 50ms] [--wildcard-rds]
 *     [--start-timeout 60s] [--edit-timeout 30s] [--settle-max 15s] [--jfr FILE] [--java-opts '...']
 *     [--result FILE] [--limit 30m] [--client-window envoy|grpc-default|BYTES]
 * </pre>
 *
 * <p>Prints a readable report, and one line {@code RESULT {json}} (also written to {@code --result}) for scripts
 * (bench/serve.sh). Exit status 0 when everything was measured, 1 when something timed out or failed (the serve
 * process is always stopped: SIGTERM, then SIGKILL after 30 s; also when this process is interrupted), 2 for a usage
 * error.
 */
public final class ServeBenchmark {

    private static final String MARKER = "benchedit";
    private static final Pattern RECONFIGURATION = Pattern.compile(
            "reconfiguration (\\d+): (published|unchanged,) version (\\S+) .*?read (\\d+) ms, compile (\\d+) ms, "
                    + "publish (\\d+) ms\\)");

    /** What to run. Durations as given on the command line for serve (e.g. "10ms"), parsed for arithmetic. */
    record Settings(Path legate, Path config, Path work, String name, int clients, int edits, int warmup,
            @Nullable String holdoff, @Nullable String maxDelay, boolean envoyLikeRds, Duration startTimeout,
            Duration editTimeout, Duration settleMax, @Nullable Path jfr, String javaOpts, @Nullable Path result,
            Duration limit, int clientWindow) {
    }

    /**
     * A client's HTTP/2 flow-control window: "envoy" (Envoy's default on its xDS cluster, 256 MiB, fixed),
     * "grpc-default" (grpc-java's: 1 MiB, grown by bandwidth probes; 0 here) or a number of bytes.
     */
    static final int ENVOY_FLOW_CONTROL_WINDOW = 256 << 20;

    static int clientWindow(String s) {
        return switch (s) {
            case "envoy" -> ENVOY_FLOW_CONTROL_WINDOW;
            case "grpc-default" -> 0;
            default -> {
                int bytes = Integer.parseInt(s);
                if (bytes < 65535) {
                    throw new IllegalArgumentException("--client-window: " + s + " (expected: envoy, grpc-default "
                            + "or at least 65535 bytes)");
                }
                yield bytes;
            }
        };
    }

    /**
     * A raw ADS client with the window {@link #clientWindow} made (0: grpc-java's default). Through reflection:
     * {@code bench/serve.sh --at REV} builds this benchmark against REV's legate-xds, whose client may predate the
     * window option; it then gets grpc-java's default, and says so (see {@link #windowOf}).
     */
    static AdsTestClient newClient(int port, String nodeId, int window) {
        if (window == 0) {
            return new AdsTestClient(port, nodeId);
        }
        try {
            return AdsTestClient.class.getConstructor(int.class, String.class, int.class)
                    .newInstance(port, nodeId, window);
        } catch (NoSuchMethodException e) {
            if (!warnedNoWindow) {
                warnedNoWindow = true;
                System.err.println("ServeBenchmark: this revision's AdsTestClient has no flow-control window option: "
                        + "its clients use grpc-java's default window");
            }
            return new AdsTestClient(port, nodeId);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make an ADS client", e);
        }
    }

    private static volatile boolean warnedNoWindow;

    /** The window clients really get with {@code window} asked for (0: grpc-java's default). */
    static int windowOf(int window) {
        try {
            AdsTestClient.class.getConstructor(int.class, String.class, int.class);
            return window;
        } catch (NoSuchMethodException e) {
            return 0;
        }
    }

    private ServeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Settings settings;
        try {
            settings = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ServeBenchmark: " + e.getMessage());
            System.err.println("usage: ServeBenchmark --config DIR --work DIR [--legate ./legate] [--name NAME] "
                    + "[--clients N] [--edits N] [--warmup N] [--holdoff D --max-delay D] [--wildcard-rds] "
                    + "[--start-timeout D] [--edit-timeout D] [--settle-max D] [--jfr FILE] [--java-opts OPTS] "
                    + "[--result FILE] [--limit D] [--client-window envoy|grpc-default|BYTES]");
            System.exit(2);
            return;
        }
        int status;
        try {
            status = new Run(settings).run();
        } catch (Exception e) {
            System.err.println("ServeBenchmark: failed: " + e);
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    static Settings parse(String[] args) {
        Map<String, String> opts = new HashMap<>();
        boolean wildcard = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--wildcard-rds")) {
                wildcard = true;
            } else if (a.startsWith("--") && i + 1 < args.length) {
                opts.put(a.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
        }
        for (String k : opts.keySet()) {
            if (!List.of("config", "work", "legate", "name", "clients", "edits", "warmup", "holdoff", "max-delay",
                    "start-timeout", "edit-timeout", "settle-max", "jfr", "java-opts", "result", "limit",
                    "client-window")
                    .contains(k)) {
                throw new IllegalArgumentException("unknown option --" + k);
            }
        }
        if (!opts.containsKey("config") || !opts.containsKey("work")) {
            throw new IllegalArgumentException("--config and --work are required");
        }
        if (opts.containsKey("holdoff") != opts.containsKey("max-delay")) {
            throw new IllegalArgumentException("give both --holdoff and --max-delay, or neither (serve's defaults)");
        }
        int clients = Integer.parseInt(opts.getOrDefault("clients", "1"));
        int edits = Integer.parseInt(opts.getOrDefault("edits", "30"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "5"));
        if (clients < 1 || edits < 0 || warmup < 0) {
            throw new IllegalArgumentException("--clients must be >= 1, --edits and --warmup >= 0");
        }
        return new Settings(Path.of(opts.getOrDefault("legate", "./legate")), Path.of(opts.get("config")),
                Path.of(opts.get("work")), opts.getOrDefault("name", "serve"), clients, edits, warmup,
                opts.get("holdoff"), opts.get("max-delay"), !wildcard,
                duration(opts.getOrDefault("start-timeout", "60s")), duration(opts.getOrDefault("edit-timeout", "30s")),
                duration(opts.getOrDefault("settle-max", "15s")),
                opts.containsKey("jfr") ? Path.of(opts.get("jfr")).toAbsolutePath() : null,
                opts.getOrDefault("java-opts", ""), opts.containsKey("result") ? Path.of(opts.get("result")) : null,
                duration(opts.getOrDefault("limit", "30m")), clientWindow(opts.getOrDefault("client-window", "envoy")));
    }

    /** "10ms", "1s", "1.5s", "2m": the forms serve's --holdoff takes that this benchmark needs. */
    static Duration duration(String s) {
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)").matcher(s.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + s + " (e.g. 10ms, 1s, 2m)");
        }
        double v = Double.parseDouble(m.group(1));
        double millis = switch (m.group(2)) {
            case "ms" -> v;
            case "s" -> v * 1000;
            default -> v * 60_000;
        };
        return Duration.ofNanos((long) (millis * 1_000_000));
    }

    // ================================================================================================ one run

    /** One serve process, its clients, its edits. */
    static final class Run {
        private final Settings s;
        private final Map<String, Object> result = new LinkedHashMap<>();
        private final List<AdsTestClient> clients = new ArrayList<>();
        private volatile @Nullable Child child;
        private boolean failed;

        Run(Settings s) {
            this.s = s;
        }

        int run() throws Exception {
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(s.limit().toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                System.err.println("ServeBenchmark: the run exceeded --limit " + s.limit() + "; stopping");
                Child c = child;
                if (c != null) {
                    c.close();
                }
                Runtime.getRuntime().halt(1);
            }, "serve-benchmark-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            try {
                measure();
            } catch (Failure e) {
                failed = true;
                result.put("error", e.getMessage());
                System.err.println("ServeBenchmark: " + e.getMessage());
                if (child != null) {
                    System.err.println("--- last lines of " + child.log + ":");
                    System.err.println(child.tail(30));
                }
            } finally {
                for (AdsTestClient c : clients) {
                    c.close();
                }
                if (child != null) {
                    Integer exit = child.close();
                    result.put("serve_exit_status", exit);
                }
                watchdog.interrupt();
            }
            result.put("ok", !failed);
            report();
            return failed ? 1 : 0;
        }

        private void measure() throws Exception {
            Path dir = s.work().resolve(s.name());
            Path config = dir.resolve("config");
            Path state = dir.resolve("state");
            deleteTree(dir);
            Files.createDirectories(dir);
            copyTree(s.config(), config);
            Editor editor = Editor.of(config);
            int needed = s.warmup() + s.edits();
            if (editor.candidates().size() < needed) {
                throw new Failure("only " + editor.candidates().size() + " Mappings are suitable for editing, "
                        + needed + " needed");
            }
            int adsPort = freePort();
            int probePort = freePort();
            while (probePort == adsPort) {
                probePort = freePort();
            }
            List<String> command = new ArrayList<>(List.of(s.legate().toString(), "serve", "--config-dir",
                    config.toString(), "--ads-address", "127.0.0.1:" + adsPort, "--probe-address",
                    "127.0.0.1:" + probePort, "--state-dir", state.toString(), "--no-envoy",
                    // An ephemeral port: another serve process on this machine may hold the default (8005).
                    "--snapshot-address", "127.0.0.1:0"));
            if (s.holdoff() != null) {
                command.addAll(List.of("--holdoff", s.holdoff(), "--max-delay", s.maxDelay()));
            }
            String javaOpts = s.javaOpts();
            if (s.jfr() != null) {
                javaOpts = (javaOpts + " -XX:StartFlightRecording=filename=" + s.jfr()
                        + ",settings=profile -XX:FlightRecorderOptions=stackdepth=2048").trim();
            }
            String inherited = System.getenv().getOrDefault("LEGATE_JAVA_OPTS", "");
            String childOpts = (inherited + " " + javaOpts).trim();
            result.put("name", s.name());
            result.put("config", s.config().toString());
            result.put("mappings", editor.mappings());
            result.put("clients", s.clients());
            result.put("holdoff_ms", holdoffMs());
            result.put("max_delay_ms", s.maxDelay() == null ? 1000.0 : ms(duration(s.maxDelay())));
            result.put("holdoff_given", s.holdoff() != null);
            result.put("envoy_like_rds", s.envoyLikeRds());
            result.put("client_window_bytes", windowOf(s.clientWindow()));
            result.put("legate_java_opts", childOpts);
            result.put("command", String.join(" ", command));
            result.put("load_before", loadavg());
            System.err.printf(Locale.ROOT, "[%s] %d Mappings, %d client(s), holdoff %s / max-delay %s; %s%n",
                    s.name(), editor.mappings(), s.clients(), s.holdoff() == null ? "100ms (default)" : s.holdoff(),
                    s.maxDelay() == null ? "1s (default)" : s.maxDelay(), String.join(" ", command));

            // ------------------------------------------------------------------------------------- start-up
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("serve.log").toFile());
            pb.environment().put("LEGATE_JAVA_OPTS", childOpts);
            warmUpClientLibraries();
            long[] sysAtStart = systemCpu();
            long selfAtStart = cpuTicks(ProcessHandle.current().pid());
            long t0 = System.nanoTime();
            Child c = Child.start(pb, dir.resolve("serve.log"));
            child = c;
            ProbePoller probe = new ProbePoller(probePort, t0 + s.startTimeout().toNanos());
            probe.start();
            long portOpen = 0;
            long deadline = t0 + s.startTimeout().toNanos();
            while (portOpen == 0) {
                if (!c.process.isAlive()) {
                    throw new Failure("legate serve exited with status " + c.process.exitValue() + " during start-up");
                }
                if (System.nanoTime() > deadline) {
                    throw new Failure("the ADS port " + adsPort + " did not open within " + s.startTimeout());
                }
                if (canConnect(adsPort)) {
                    portOpen = System.nanoTime();
                } else {
                    Thread.sleep(5);
                }
            }
            AdsTestClient first = client(adsPort, 0);
            long firstLds = 0;
            long firstRds = 0;
            long firstCds = 0;
            while (firstLds == 0 || firstRds == 0 || firstCds == 0) {
                Received r = first.poll(remaining(deadline));
                if (r == null) {
                    throw new Failure("no complete first configuration (clusters, listeners, routes) within "
                            + s.startTimeout() + " of start");
                }
                switch (r.type()) {
                    case LISTENER -> firstLds = firstLds == 0 ? r.nanos() : firstLds;
                    case ROUTE -> firstRds = firstRds == 0 ? r.nanos() : firstRds;
                    case CLUSTER -> firstCds = firstCds == 0 ? r.nanos() : firstCds;
                    default -> { }
                }
            }
            awaitAcked(first, deadline, "the first client to acknowledge its first configuration");
            long acked = System.nanoTime();
            Map<String, Object> startLoad = load(sysAtStart, systemCpu(), c.cpuTicks(),
                    cpuTicks(ProcessHandle.current().pid()) - selfAtStart, acked - t0);
            probe.join(remaining(deadline).toMillis() + 1000);
            if (probe.ready == 0) {
                throw new Failure("/ambassador/v0/check_ready did not answer 200 within " + s.startTimeout()
                        + " (last status " + probe.lastStatus + ")");
            }
            Map<String, Object> start = new LinkedHashMap<>();
            start.put("ads_port_open_ms", ms(portOpen - t0));
            start.put("first_cds_ms", ms(firstCds - t0));
            start.put("first_lds_ms", ms(firstLds - t0));
            start.put("first_rds_ms", ms(firstRds - t0));
            start.put("first_acked_ms", ms(acked - t0));
            start.put("probe_alive_ms", probe.alive == 0 ? null : ms(probe.alive - t0));
            start.put("check_ready_200_ms", ms(probe.ready - t0));
            start.put("server", c.reconfigurations(0).stream().findFirst().map(Reconfig::asMap).orElse(null));
            start.put("load", startLoad);
            result.put("start", start);
            result.put("rss_after_start_mb", proc(c.pid()).get("VmRSS") / 1024.0);

            // ------------------------------------------------------------------------------------- fan-out
            if (s.clients() > 1) {
                long fanDeadline = System.nanoTime() + s.startTimeout().toNanos();
                for (int i = 1; i < s.clients(); i++) {
                    client(adsPort, i);
                }
                Map<XdsType, String> want = first.acked();
                for (AdsTestClient other : clients) {
                    while (!sameConfiguration(other.acked(), want)) {
                        if (System.nanoTime() > fanDeadline) {
                            throw new Failure("client " + other.nodeId() + " did not acknowledge the configuration "
                                    + "within " + s.startTimeout() + " of connecting (has " + other.acked() + ")");
                        }
                        Thread.sleep(10);
                    }
                }
                clients.forEach(ServeBenchmark::forgetEvents);
                result.put("fanout_connected_ms", ms(System.nanoTime() - fanDeadline + s.startTimeout().toNanos()));
            }
            boolean quiet = settle(c);
            result.put("rss_idle_before_edits_mb", proc(c.pid()).get("VmRSS") / 1024.0);
            result.put("settled_before_edits", quiet);

            // ------------------------------------------------------------------------------------- edits
            List<Map<String, Object>> edits = new ArrayList<>();
            long[] sysBefore = systemCpu();
            long childBefore = c.cpuTicks();
            long selfBefore = cpuTicks(ProcessHandle.current().pid());
            long gcBefore = gcMillis();
            long phaseStart = System.nanoTime();
            double maxRss = 0;
            for (int i = 0; i < needed; i++) {
                edits.add(edit(editor, i, c));
                maxRss = Math.max(maxRss, proc(c.pid()).get("VmRSS") / 1024.0);
            }
            long phaseNanos = System.nanoTime() - phaseStart;
            long[] sysAfter = systemCpu();
            long childTicks = c.cpuTicks() - childBefore;
            long selfTicks = cpuTicks(ProcessHandle.current().pid()) - selfBefore;
            result.put("edits", edits);
            result.put("summary", summarize(edits));
            Map<String, Long> status = proc(c.pid());
            result.put("rss_steady_mb", status.get("VmRSS") / 1024.0);
            result.put("rss_max_sampled_mb", Math.max(maxRss, status.get("VmRSS") / 1024.0));
            result.put("rss_peak_hwm_mb", status.get("VmHWM") / 1024.0);
            result.put("threads", status.get("Threads"));
            if (needed > 0) {
                Map<String, Object> load = load(sysBefore, sysAfter, childTicks, selfTicks, phaseNanos);
                load.put("benchmark_gc_ms", gcMillis() - gcBefore);
                result.put("load", load);
            }
            result.put("serve_cpu_total_s", c.cpuTicks() / (double) HZ);
        }

        /**
         * Loads and initializes gRPC, Netty and the xDS protos in this process before the serve process starts, so
         * that this process competes less with it for the cores during the timed start-up: a client started against
         * a port nobody listens on, and the messages a client builds and parses.
         */
        private static void warmUpClientLibraries() throws Exception {
            int port = freePort();
            try (AdsTestClient warm = new AdsTestClient(port, "warm-up")) {
                warm.start();
                Thread.sleep(300);
            }
            DiscoveryResponse.parseFrom(DiscoveryResponse.newBuilder().setVersionInfo("v").setNonce("n")
                    .addResources(Any.pack(io.envoyproxy.envoy.config.route.v3.RouteConfiguration.newBuilder()
                            .setName("warm-up").build())).build().toByteString());
            canConnect(port);
        }

        /** CPU shares of the whole machine (all cores) between two /proc/stat readings. */
        private static Map<String, Object> load(long[] sysBefore, long[] sysAfter, long serveTicks, long selfTicks,
                long nanos) {
            double total = sysAfter[0] - sysBefore[0];
            double busy = total - (sysAfter[1] - sysBefore[1]);
            Map<String, Object> load = new LinkedHashMap<>();
            load.put("cores", Runtime.getRuntime().availableProcessors());
            load.put("phase_s", round1(nanos / 1e9));
            if (total > 0) {
                load.put("machine_busy_pct", round1(100 * busy / total));
                load.put("serve_pct", round1(100 * serveTicks / total));
                load.put("benchmark_pct", round1(100 * selfTicks / total));
                load.put("others_pct", round1(100 * Math.max(0, busy - serveTicks - selfTicks) / total));
            }
            load.put("serve_cpu_s", serveTicks / (double) HZ);
            load.put("benchmark_cpu_s", selfTicks / (double) HZ);
            load.put("loadavg_after", loadavg());
            return load;
        }

        /** One edit: write, wait for every client to receive it, let the server go idle, read its log. */
        private Map<String, Object> edit(Editor editor, int i, Child c) throws Exception {
            String marker = String.format(Locale.ROOT, "%s%03d", MARKER, i);
            byte[] needle = marker.getBytes(StandardCharsets.US_ASCII);
            long logPos = c.logSize();
            long ticks0 = c.cpuTicks();
            for (AdsTestClient client : clients) {
                client.drain();
            }
            Editor.Edit e = editor.prepare(i, marker);
            try (OutputStream out = Files.newOutputStream(e.file(), StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(e.bytes());
            }
            long written = System.nanoTime();
            long deadline = written + s.editTimeout().toNanos();

            // The first client: the first route version that carries the marker.
            AdsTestClient first = clients.get(0);
            int intermediate = 0;
            Received got = null;
            while (got == null) {
                Received r = first.poll(remaining(deadline));
                if (r == null) {
                    throw new Failure("edit " + i + " (" + e.describe() + "): no route version with " + marker
                            + " reached the client within " + s.editTimeout());
                }
                if (r.type() == XdsType.ROUTE) {
                    if (contains(r.response(), needle)) {
                        got = r;
                    } else {
                        intermediate++;
                    }
                }
            }
            long[] received = new long[clients.size()];
            received[0] = got.nanos();
            for (int k = 1; k < clients.size(); k++) {
                AdsTestClient other = clients.get(k);
                while (received[k] == 0) {
                    Received r = other.poll(remaining(deadline));
                    if (r == null) {
                        throw new Failure("edit " + i + ": client " + other.nodeId() + " did not receive the route "
                                + "version with " + marker + " within " + s.editTimeout());
                    }
                    if (r.type() == XdsType.ROUTE && (r.version().equals(got.version())
                            || contains(r.response(), needle))) {
                        received[k] = r.nanos();
                    }
                }
            }
            long done = System.nanoTime();
            int responseBytes = got.response().getSerializedSize();
            for (AdsTestClient client : clients) {
                forgetEvents(client);
            }
            boolean quiet = settle(c);
            List<Reconfig> reconfigs = c.reconfigurations(logPos);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("i", i);
            m.put("warmup", i < s.warmup());
            m.put("file", s.work().resolve(s.name()).resolve("config").relativize(e.file()).toString());
            m.put("mapping", e.mapping());
            m.put("latency_ms", ms(received[0] - written));
            long last = Arrays.stream(received).max().orElseThrow();
            long firstAll = Arrays.stream(received).min().orElseThrow();
            m.put("all_clients_ms", ms(last - written));
            m.put("first_client_ms", ms(firstAll - written));
            m.put("route_response_bytes", responseBytes);
            m.put("intermediate_route_versions", intermediate);
            m.put("reconfigurations", reconfigs.size());
            m.put("server_read_ms", reconfigs.stream().mapToLong(Reconfig::readMs).sum());
            m.put("server_compile_ms", reconfigs.stream().mapToLong(Reconfig::compileMs).sum());
            m.put("server_publish_ms", reconfigs.stream().mapToLong(Reconfig::publishMs).sum());
            m.put("serve_cpu_ms", (c.cpuTicks() - ticks0) * 1000 / HZ);
            m.put("settled", quiet);
            m.put("wait_ms", ms(done - written));
            System.err.printf(Locale.ROOT, "[%s] edit %2d%s %-46s %7.1f ms%s  (server: read %s, compile %s, "
                            + "publish %s ms; %d reconfiguration(s); serve CPU %s ms)%n", s.name(), i,
                    i < s.warmup() ? " (warm-up)" : "          ", m.get("file"), m.get("latency_ms"),
                    clients.size() > 1 ? String.format(Locale.ROOT, ", all %d clients %.1f ms", clients.size(),
                            m.get("all_clients_ms")) : "",
                    m.get("server_read_ms"), m.get("server_compile_ms"), m.get("server_publish_ms"),
                    reconfigs.size(), m.get("serve_cpu_ms"));
            return m;
        }

        private AdsTestClient client(int port, int i) {
            AdsTestClient client = newClient(port, "bench-" + i, s.clientWindow());
            if (s.envoyLikeRds()) {
                client.envoyLikeRds();
            }
            clients.add(client);
            return client.start();
        }

        private void awaitAcked(AdsTestClient client, long deadline, String what) throws Exception {
            while (!(client.acked().containsKey(XdsType.LISTENER) && client.acked().containsKey(XdsType.ROUTE)
                    && client.acked().containsKey(XdsType.CLUSTER))) {
                if (System.nanoTime() > deadline) {
                    throw new Failure("timed out waiting for " + what + " (acked: " + client.acked() + ")");
                }
                Thread.sleep(2);
            }
        }

        /** Waits (bounded by --settle-max) until the serve process used at most 5% of a core over 300 ms. */
        private boolean settle(Child c) throws InterruptedException {
            long deadline = System.nanoTime() + s.settleMax().toNanos();
            Thread.sleep(100);
            // Collect this process's garbage (the responses of the last edit) now, not while the next edit's
            // responses arrive: with 100 clients a collection during an edit would delay the receipt times.
            System.gc();
            long prev = c.cpuTicks();
            while (System.nanoTime() < deadline) {
                Thread.sleep(300);
                long now = c.cpuTicks();
                if ((now - prev) * 1000 / HZ <= 15) {
                    return true;
                }
                prev = now;
            }
            return false;
        }

        private double holdoffMs() {
            return s.holdoff() == null ? 100.0 : ms(duration(s.holdoff()));
        }

        private Map<String, Object> summarize(List<Map<String, Object>> edits) {
            Map<String, Object> m = new LinkedHashMap<>();
            List<Map<String, Object>> measured = edits.stream().filter(e -> !(Boolean) e.get("warmup")).toList();
            double holdoff = holdoffMs();
            m.put("edits", measured.size());
            m.put("latency", stats(measured, "latency_ms", 0));
            // The JIT keeps improving the serve process's code over the first few dozen edits: the last ten show
            // where it is heading.
            List<Map<String, Object>> last10 = measured.subList(Math.max(0, measured.size() - 10), measured.size());
            m.put("latency_last10", stats(last10, "latency_ms", 0));
            m.put("latency_minus_holdoff", stats(measured, "latency_ms", holdoff));
            if (s.clients() > 1) {
                m.put("first_client", stats(measured, "first_client_ms", 0));
                m.put("all_clients", stats(measured, "all_clients_ms", 0));
                m.put("all_clients_minus_holdoff", stats(measured, "all_clients_ms", holdoff));
            }
            m.put("server_read", stats(measured, "server_read_ms", 0));
            m.put("server_compile", stats(measured, "server_compile_ms", 0));
            m.put("server_publish", stats(measured, "server_publish_ms", 0));
            m.put("serve_cpu_per_edit", stats(measured, "serve_cpu_ms", 0));
            m.put("warmup_latency_ms", edits.stream().filter(e -> (Boolean) e.get("warmup"))
                    .map(e -> e.get("latency_ms")).toList());
            m.put("intermediate_route_versions", measured.stream()
                    .mapToInt(e -> (Integer) e.get("intermediate_route_versions")).sum());
            m.put("extra_reconfigurations", measured.stream()
                    .mapToInt(e -> (Integer) e.get("reconfigurations") - 1).sum());
            m.put("unsettled_edits", measured.stream().filter(e -> !(Boolean) e.get("settled")).count());
            return m;
        }

        private void report() throws IOException {
            ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
            String line = json.writeValueAsString(result);
            if (s.result() != null) {
                Files.writeString(s.result(), line + "\n", StandardCharsets.UTF_8);
            }
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "%n== %s: %s Mappings, %d client(s), holdoff %.0f ms, max-delay "
                    + "%.0f ms%n", s.name(), result.get("mappings"), s.clients(), holdoffMs(),
                    result.get("max_delay_ms")));
            if (result.get("start") instanceof Map<?, ?> start) {
                out.append(String.format(Locale.ROOT, "start-up: ADS port open %s ms, first listener version "
                        + "received %s ms, first routes %s ms, all acked %s ms, check_ready 200 at %s ms%n",
                        start.get("ads_port_open_ms"), start.get("first_lds_ms"), start.get("first_rds_ms"),
                        start.get("first_acked_ms"), start.get("check_ready_200_ms")));
                if (start.get("server") != null) {
                    out.append("  first reconfiguration (server log): ").append(start.get("server")).append('\n');
                }
                out.append("  load during start-up: ").append(start.get("load")).append('\n');
            }
            if (result.get("summary") instanceof Map<?, ?> sum) {
                out.append(String.format(Locale.ROOT, "edit -> new route version at the client (%s edits after "
                        + "%d warm-up): %s%n", sum.get("edits"), s.warmup(), sum.get("latency")));
                out.append(String.format(Locale.ROOT, "  minus the holdoff (%.0f ms): %s%n", holdoffMs(),
                        sum.get("latency_minus_holdoff")));
                out.append(String.format(Locale.ROOT, "  the last 10 edits: %s%n", sum.get("latency_last10")));
                if (sum.containsKey("all_clients")) {
                    out.append(String.format(Locale.ROOT, "  until all %d clients had it: %s (minus holdoff: %s); "
                            + "until the first of them had it: %s%n", s.clients(), sum.get("all_clients"),
                            sum.get("all_clients_minus_holdoff"), sum.get("first_client")));
                }
                out.append(String.format(Locale.ROOT, "  server side per edit: read %s, compile %s, publish %s; "
                        + "serve CPU per edit %s%n", sum.get("server_read"), sum.get("server_compile"),
                        sum.get("server_publish"), sum.get("serve_cpu_per_edit")));
                out.append("  warm-up edits (ms): ").append(sum.get("warmup_latency_ms")).append('\n');
            }
            out.append(String.format(Locale.ROOT, "RSS: after start %s MB, idle before edits %s MB, steady after "
                    + "edits %s MB, max sampled %s MB, peak (VmHWM) %s MB%n", fmt(result.get("rss_after_start_mb")),
                    fmt(result.get("rss_idle_before_edits_mb")), fmt(result.get("rss_steady_mb")),
                    fmt(result.get("rss_max_sampled_mb")), fmt(result.get("rss_peak_hwm_mb"))));
            if (result.containsKey("load")) {
                out.append("load during the edits: ").append(result.get("load")).append('\n');
            }
            out.append("load average before: ").append(result.get("load_before")).append('\n');
            if (result.containsKey("error")) {
                out.append("FAILED: ").append(result.get("error")).append('\n');
            }
            System.out.print(out);
            System.out.println("RESULT " + line);
        }
    }

    // ================================================================================================ statistics

    static Map<String, Object> stats(List<Map<String, Object>> rows, String key, double minus) {
        double[] v = rows.stream().mapToDouble(r -> ((Number) r.get(key)).doubleValue() - minus).sorted().toArray();
        Map<String, Object> m = new LinkedHashMap<>();
        if (v.length == 0) {
            return m;
        }
        m.put("p50", round1(percentile(v, 0.50)));
        m.put("p90", round1(percentile(v, 0.90)));
        m.put("max", round1(v[v.length - 1]));
        m.put("min", round1(v[0]));
        m.put("mean", round1(Arrays.stream(v).average().orElse(0)));
        return m;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double ms(long nanos) {
        return round1(nanos / 1e6);
    }

    static double ms(Duration d) {
        return d.toNanos() / 1e6;
    }

    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String fmt(@Nullable Object mb) {
        return mb instanceof Number n ? String.format(Locale.ROOT, "%.0f", n.doubleValue()) : "?";
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
    }

    /**
     * Empties a client's record of every response ({@link AdsTestClient#events()}), which it otherwise keeps for
     * good: 100 clients that each keep every 2 MB route response of 25 edits would hold gigabytes, and this process's
     * garbage collector would compete with the serve process for the two cores. The benchmark reads responses from
     * the queue ({@link AdsTestClient#poll}) only. AdsTestClient (a test class of legate-xds) has no method for it,
     * hence reflection; if the field ever goes, the records are simply kept.
     */
    static void forgetEvents(AdsTestClient client) {
        try {
            java.lang.reflect.Field f = AdsTestClient.class.getDeclaredField("events");
            f.setAccessible(true);
            synchronized (client) {
                ((List<?>) f.get(client)).clear();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // keep them
        }
    }

    private static boolean sameConfiguration(Map<XdsType, String> a, Map<XdsType, String> b) {
        for (XdsType t : List.of(XdsType.LISTENER, XdsType.ROUTE, XdsType.CLUSTER)) {
            if (a.get(t) == null || !a.get(t).equals(b.get(t))) {
                return false;
            }
        }
        return true;
    }

    /** Whether any resource of the response contains {@code needle} in its serialized bytes. */
    static boolean contains(DiscoveryResponse response, byte[] needle) {
        for (Any any : response.getResourcesList()) {
            ByteString value = any.getValue();
            if (value.size() < needle.length) {
                continue;
            }
            byte[] hay = value.toByteArray();
            outer:
            for (int i = 0, end = hay.length - needle.length; i <= end; i++) {
                if (hay[i] != needle[0]) {
                    continue;
                }
                for (int j = 1; j < needle.length; j++) {
                    if (hay[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
        }
        return false;
    }

    // ================================================================================================ the edits

    /**
     * Picks and applies the edits: Mappings that can be changed without side effects (in a {@code mappings/}
     * file, {@code kind: Mapping}, an unquoted {@code prefix:} that no other Mapping uses, no {@code weight},
     * {@code shadow}, {@code prefix_regex}, {@code host_redirect} or {@code ambassador_id}), taken round-robin over
     * the files (in path order), so consecutive edits touch different files. Edit {@code i} appends the segment
     * {@code benchedit<i>/} to candidate {@code i}'s prefix; earlier edits stay, so every edit yields a new
     * configuration. Deterministic for a given configuration.
     */
    static final class Editor {
        private static final Pattern PREFIX = Pattern.compile("(?m)^  prefix: (/[A-Za-z0-9/_.-]*/)$");
        private static final Pattern EXCLUDED = Pattern.compile(
                "(?m)^  (weight|shadow|prefix_regex|host_redirect|ambassador_id):");

        record Candidate(Path file, int doc, String name, String prefix) {
        }

        record Edit(Path file, byte[] bytes, String mapping, String prefix) {
            String describe() {
                return mapping + " in " + file.getFileName() + ", prefix " + prefix;
            }
        }

        private final Map<Path, List<String>> docs;
        private final List<Candidate> candidates;
        private final int mappings;

        private Editor(Map<Path, List<String>> docs, List<Candidate> candidates, int mappings) {
            this.docs = docs;
            this.candidates = candidates;
            this.mappings = mappings;
        }

        static Editor of(Path config) throws IOException {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(config)) {
                files = walk.filter(Files::isRegularFile)
                        .filter(p -> p.toString().endsWith(".yaml"))
                        .filter(p -> config.relativize(p).toString().startsWith("mappings/"))
                        .sorted(Comparator.comparing(Path::toString)).toList();
            }
            Map<Path, List<String>> docs = new LinkedHashMap<>();
            Map<String, Integer> prefixUse = new HashMap<>();
            int mappings = 0;
            for (Path f : files) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                List<String> parts = split(text);
                if (!join(parts).equals(text)) {
                    continue; // not in the generator's layout: leave it alone
                }
                docs.put(f, parts);
                for (String d : parts) {
                    if (d.contains("\nkind: Mapping\n")) {
                        mappings++;
                        Matcher m = PREFIX.matcher(d);
                        while (m.find()) {
                            prefixUse.merge(m.group(1), 1, Integer::sum);
                        }
                    }
                }
            }
            List<List<Candidate>> perFile = new ArrayList<>();
            for (Map.Entry<Path, List<String>> f : docs.entrySet()) {
                List<Candidate> list = new ArrayList<>();
                for (int i = 0; i < f.getValue().size(); i++) {
                    String d = f.getValue().get(i);
                    Matcher m = PREFIX.matcher(d);
                    if (!d.contains("\nkind: Mapping\n") || EXCLUDED.matcher(d).find() || !m.find()) {
                        continue;
                    }
                    String prefix = m.group(1);
                    if (m.find() || prefixUse.get(prefix) != 1) {
                        continue;
                    }
                    Matcher name = Pattern.compile("(?m)^  name: (\\S+)$").matcher(d);
                    list.add(new Candidate(f.getKey(), i, name.find() ? name.group(1) : "?", prefix));
                }
                perFile.add(list);
            }
            List<Candidate> candidates = new ArrayList<>();
            for (int round = 0; ; round++) {
                boolean any = false;
                for (List<Candidate> list : perFile) {
                    if (round < list.size()) {
                        candidates.add(list.get(round));
                        any = true;
                    }
                }
                if (!any) {
                    break;
                }
            }
            return new Editor(docs, candidates, mappings);
        }

        /** "---\n" + doc, "---\n" + doc, ...: the generator's layout. */
        private static List<String> split(String text) {
            List<String> parts = new ArrayList<>();
            if (!text.startsWith("---\n")) {
                return List.of();
            }
            for (String p : text.substring(4).split("(?m)^---\n", -1)) {
                parts.add(p);
            }
            return parts;
        }

        private static String join(List<String> parts) {
            StringBuilder b = new StringBuilder();
            parts.forEach(p -> b.append("---\n").append(p));
            return b.toString();
        }

        List<Candidate> candidates() {
            return candidates;
        }

        int mappings() {
            return mappings;
        }

        /** The new content of the file edit {@code i} rewrites; the editor's state already includes it. */
        Edit prepare(int i, String marker) {
            Candidate c = candidates.get(i);
            List<String> parts = docs.get(c.file());
            String newPrefix = c.prefix() + marker + "/";
            String doc = parts.get(c.doc()).replace("\n  prefix: " + c.prefix() + "\n",
                    "\n  prefix: " + newPrefix + "\n");
            if (doc.equals(parts.get(c.doc()))) {
                throw new IllegalStateException("edit " + i + " changes nothing in " + c);
            }
            parts.set(c.doc(), doc);
            return new Edit(c.file(), join(parts).getBytes(StandardCharsets.UTF_8), c.name(), newPrefix);
        }
    }

    // ================================================================================================ the process

    /** The serve process: its output file, /proc readings, and a guaranteed stop. */
    static final class Child {
        final Process process;
        final Path log;
        private final Thread hook;

        private Child(Process process, Path log) {
            this.process = process;
            this.log = log;
            this.hook = new Thread(this::kill, "serve-benchmark-stop-child");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        static Child start(ProcessBuilder pb, Path log) throws IOException {
            return new Child(pb.start(), log);
        }

        long pid() {
            return process.pid();
        }

        long cpuTicks() {
            return ServeBenchmark.cpuTicks(pid());
        }

        long logSize() throws IOException {
            return Files.size(log);
        }

        /** The reconfigurations the serve log reports from byte {@code from} on. */
        List<Reconfig> reconfigurations(long from) throws IOException {
            List<Reconfig> out = new ArrayList<>();
            try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                f.seek(from);
                byte[] rest = new byte[(int) Math.max(0, f.length() - from)];
                f.readFully(rest);
                Matcher m = RECONFIGURATION.matcher(new String(rest, StandardCharsets.UTF_8));
                while (m.find()) {
                    out.add(new Reconfig(Integer.parseInt(m.group(1)), m.group(2).equals("published"), m.group(3),
                            Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6))));
                }
            }
            return out;
        }

        String tail(int lines) {
            try {
                List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
                return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException | UncheckedIOException e) {
                return "(cannot read " + log + ": " + e.getMessage() + ")";
            }
        }

        /** SIGTERM (serve shuts down gracefully, and JFR writes its recording), SIGKILL after 30 s. */
        @Nullable Integer close() {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already: the hook runs
            }
            kill();
            return process.isAlive() ? null : process.exitValue();
        }

        private void kill() {
            if (!process.isAlive()) {
                return;
            }
            List<ProcessHandle> descendants = process.descendants().toList();
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            descendants.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** One "reconfiguration N: published version V (...; read R ms, compile C ms, publish P ms)" of the log. */
    record Reconfig(int number, boolean published, String version, long readMs, long compileMs, long publishMs) {
        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("read_ms", readMs);
            m.put("compile_ms", compileMs);
            m.put("publish_ms", publishMs);
            return m;
        }
    }

    /** Polls /ambassador/v0/check_ready every 5 ms until it answers 200 (or the deadline). */
    static final class ProbePoller extends Thread {
        private final int port;
        private final long deadline;
        volatile long alive;
        volatile long ready;
        volatile int lastStatus;

        ProbePoller(int port, long deadline) {
            super("serve-benchmark-probe");
            setDaemon(true);
            this.port = port;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            while (System.nanoTime() < deadline) {
                try {
                    int status = get(port, "/ambassador/v0/check_ready");
                    long now = System.nanoTime();
                    lastStatus = status;
                    if (alive == 0) {
                        alive = now;
                    }
                    if (status == 200) {
                        ready = now;
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        static int get(int port, String path) throws IOException {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                socket.setSoTimeout(2000);
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close"
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)).readLine();
                if (line == null || !line.startsWith("HTTP/")) {
                    throw new IOException("no HTTP status line: " + line);
                }
                return Integer.parseInt(line.split(" ")[1]);
            }
        }
    }

    /** A problem that ends the run (reported, and the serve process stopped). */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    // ================================================================================================ /proc

    /** Clock ticks per second of /proc's CPU times (USER_HZ; 100 on Linux everywhere that matters). */
    static final long HZ = clockTicks();

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }

    /** utime + stime of a process, in clock ticks (0 when it is gone). */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14)
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The kB fields of /proc/PID/status (VmRSS, VmHWM, ...) and Threads. */
    static Map<String, Long> proc(long pid) {
        Map<String, Long> m = new HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                Matcher x = Pattern.compile("(\\w+):\\s+(\\d+)( kB)?").matcher(line);
                if (x.matches()) {
                    m.put(x.group(1), Long.parseLong(x.group(2)));
                }
            }
        } catch (IOException e) {
            // gone
        }
        m.putIfAbsent("VmRSS", 0L);
        m.putIfAbsent("VmHWM", 0L);
        return m;
    }

    /** The whole machine's CPU time from /proc/stat: {total, idle + iowait}, in ticks. */
    static long[] systemCpu() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(f[i]);
            }
            return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    // ================================================================================================ misc

    /** Time this process spent in garbage collection so far. */
    static long gcMillis() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(b -> Math.max(0, b.getCollectionTime())).sum();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    static boolean canConnect(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 100);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
