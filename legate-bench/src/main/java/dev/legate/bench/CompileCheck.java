package dev.legate.bench;

import com.google.protobuf.Any;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.CompileResult;
import dev.legate.compiler.Compiler;
import dev.legate.compiler.Diagnostic;
import dev.legate.compiler.config.ConfigDirectory;
import dev.legate.compiler.config.DecodeSettings;
import dev.legate.compiler.config.Decoded;
import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceDecoder;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.envoy.EnvoyConfig;
import dev.legate.compiler.envoy.EnvoyTranslator;
import dev.legate.compiler.ir.Ir;
import dev.legate.compiler.ir.IrBuilder;
import dev.legate.compiler.ir.IrResult;
import dev.legate.compiler.output.Reports;
import dev.legate.envoy.constraints.EnvoyConstraints;
import dev.legate.model.MappingSpec;
import dev.legate.model.Resource;
import dev.legate.model.ResourceKey;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles a configuration directory in-process and reports what came out: diagnostics by severity (with examples),
 * listeners, filter chains, virtual hosts, routes, clusters and secrets, and the size of envoy.json.
 *
 * <pre>
 * java -cp ... dev.legate.bench.CompileCheck CONFIG_DIR [--examples N] [--phases N] [--memory]
 *                                            [--loop SECONDS [--serialize]]
 * </pre>
 *
 * <ul>
 *   <li>{@code --phases N} times the compiler's stages over N warm runs (after N warm-up runs), calling the same
 *       public stages {@code Compiler.compile} calls, one by one; and, separately, the two costs inside the Envoy
 *       translation that dominate it: packing each HTTP connection manager into its {@code Any}, and checking the
 *       clusters and routes against Envoy's constraints.
 *   <li>{@code --memory} measures retained heap (after full GCs) of the parsed snapshot and of the compile result,
 *       and the size of what writing the outputs materializes.
 *   <li>{@code --loop SECONDS} then compiles over and over for that long, for a profiler to watch; with
 *       {@code --serialize} each compile is followed by writing envoy.json to a counting appendable.
 * </ul>
 */
public final class CompileCheck {

    private CompileCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = null;
        int phases = 0;
        int examples = 5;
        double loopSeconds = 0;
        boolean serialize = false;
        boolean memory = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--phases" -> phases = Integer.parseInt(args[++i]);
                case "--examples" -> examples = Integer.parseInt(args[++i]);
                case "--loop" -> loopSeconds = Double.parseDouble(args[++i]);
                case "--serialize" -> serialize = true;
                case "--memory" -> memory = true;
                default -> dir = Path.of(args[i]);
            }
        }
        if (dir == null) {
            System.err.println("usage: CompileCheck CONFIG_DIR [--examples N] [--phases N] [--memory] "
                    + "[--loop SECONDS [--serialize]]");
            System.exit(2);
        }
        if (memory) {
            memory(dir);
            return;
        }
        long t0 = System.nanoTime();
        ResourceSnapshot snapshot = ConfigDirectory.read(dir);
        long t1 = System.nanoTime();
        Compiler compiler = new Compiler(CompileOptions.DEFAULTS);
        CompileResult result = compiler.compile(snapshot);
        long t2 = System.nanoTime();
        EnvoyOutput.CountingWriter json = new EnvoyOutput.CountingWriter();
        EnvoyOutput.write(result.envoy(), json);
        long t3 = System.nanoTime();
        System.out.printf(Locale.ROOT, "cold: read+parse %d documents %.0f ms, first compile %.0f ms, "
                + "first envoy.json %.0f ms%n", snapshot.documents().size(), ms(t1 - t0), ms(t2 - t1), ms(t3 - t2));
        report(result, json.count, examples);
        if (phases > 0) {
            phases(snapshot, compiler, phases);
        }
        if (loopSeconds > 0) {
            long end = System.nanoTime() + (long) (loopSeconds * 1e9);
            int n = 0;
            long sum = 0;
            while (System.nanoTime() < end) {
                long s = System.nanoTime();
                CompileResult r = compiler.compile(snapshot);
                if (serialize) {
                    EnvoyOutput.write(r.envoy(), new EnvoyOutput.CountingWriter());
                }
                sum += System.nanoTime() - s;
                n++;
            }
            System.out.printf(Locale.ROOT, "loop: %d %s runs, %.1f ms each%n", n,
                    serialize ? "compile+serialize" : "compile", ms(sum) / n);
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    // ------------------------------------------------------------------ what came out

    static void report(CompileResult result, long jsonChars, int examples) {
        Map<Diagnostic.Severity, Integer> bySeverity = new EnumMap<>(Diagnostic.Severity.class);
        for (Diagnostic.Severity s : Diagnostic.Severity.values()) {
            bySeverity.put(s, 0);
        }
        Map<Diagnostic.Severity, Map<String, Integer>> kinds = new EnumMap<>(Diagnostic.Severity.class);
        Map<Diagnostic.Severity, List<Diagnostic>> samples = new EnumMap<>(Diagnostic.Severity.class);
        for (Diagnostic d : result.diagnostics()) {
            bySeverity.merge(d.severity(), 1, Integer::sum);
            kinds.computeIfAbsent(d.severity(), k -> new TreeMap<>()).merge(shape(d.message()), 1, Integer::sum);
            List<Diagnostic> list = samples.computeIfAbsent(d.severity(), k -> new ArrayList<>());
            if (list.size() < examples) {
                list.add(d);
            }
        }
        System.out.println("diagnostics: " + bySeverity);
        for (Map.Entry<Diagnostic.Severity, Map<String, Integer>> e : kinds.entrySet()) {
            System.out.println("  " + e.getKey() + " by message (numbers and quoted text elided):");
            e.getValue().entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(10)
                    .forEach(k -> System.out.println("    " + k.getValue() + " x " + k.getKey()));
            for (Diagnostic d : samples.getOrDefault(e.getKey(), List.of())) {
                System.out.println("    e.g. " + d.source() + ": " + d.message());
            }
        }
        int chains = 0;
        int vhosts = 0;
        int routes = 0;
        Set<String> routedClusters = new HashSet<>();
        Map<String, Integer> routesPerListener = new LinkedHashMap<>();
        Map<String, RouteConfiguration> rds = new LinkedHashMap<>();
        for (RouteConfiguration rc : routeConfigurations(result.envoy())) {
            rds.put(rc.getName(), rc);
        }
        for (Listener l : result.envoy().listeners()) {
            int n = 0;
            for (var chain : l.getFilterChainsList()) {
                chains++;
                for (HttpConnectionManager hcm : connectionManagers(chain.getFiltersList())) {
                    RouteConfiguration rc = hcm.hasRouteConfig() ? hcm.getRouteConfig()
                            : rds.get(hcm.getRds().getRouteConfigName());
                    if (rc == null) {
                        continue;
                    }
                    for (var vhost : rc.getVirtualHostsList()) {
                        vhosts++;
                        n += vhost.getRoutesCount();
                        for (var route : vhost.getRoutesList()) {
                            if (route.hasRoute()) {
                                routedClusters.add(route.getRoute().getCluster());
                                route.getRoute().getRequestMirrorPoliciesList()
                                        .forEach(m -> routedClusters.add(m.getCluster()));
                            }
                        }
                    }
                }
            }
            routes += n;
            routesPerListener.put(l.getName(), n);
        }
        int tlsClusters = 0;
        for (Cluster c : result.envoy().clusters()) {
            if (c.hasTransportSocket()) {
                tlsClusters++;
            }
        }
        System.out.printf(Locale.ROOT, "resources accepted: %d (Mappings %d); IR mapping groups: %d%n",
                result.resources().size(),
                result.resources().stream().filter(r -> r.spec() instanceof MappingSpec).count(),
                result.ir().groups().size());
        System.out.printf(Locale.ROOT, "envoy: %d listeners, %d filter chains, %d virtual hosts, %d routes %s; "
                + "%d clusters (%d originate TLS, %d used by routes or mirrors); %d secrets%s%n",
                result.envoy().listeners().size(), chains, vhosts, routes, routesPerListener,
                result.envoy().clusters().size(), tlsClusters, routedClusters.size(),
                result.envoy().secrets().size(), rds.isEmpty() ? "" : "; routes in " + rds.size()
                        + " RDS route configurations");
        System.out.printf(Locale.ROOT, "envoy.json: %d characters (%.1f MB), written with %s%n", jsonChars,
                jsonChars / 1e6, EnvoyOutput.describe());
    }

    /**
     * The route configurations the compiler keeps outside the listeners (RDS), when this version of
     * {@link EnvoyConfig} has them; otherwise none (they are inline in the connection managers).
     */
    @SuppressWarnings("unchecked")
    static List<RouteConfiguration> routeConfigurations(EnvoyConfig config) {
        try {
            return (List<RouteConfiguration>) EnvoyConfig.class.getMethod("routeConfigurations").invoke(config);
        } catch (ReflectiveOperationException e) {
            return List.of();
        }
    }

    static List<HttpConnectionManager> connectionManagers(List<io.envoyproxy.envoy.config.listener.v3.Filter> fs) {
        List<HttpConnectionManager> out = new ArrayList<>();
        for (var filter : fs) {
            if (filter.getTypedConfig().is(HttpConnectionManager.class)) {
                try {
                    out.add(filter.getTypedConfig().unpack(HttpConnectionManager.class));
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    /** A message with its specifics elided, to group diagnostics of the same kind. */
    private static String shape(String message) {
        return message.replaceAll("'[^']*'", "'…'").replaceAll("[0-9]+", "N")
                .replaceAll("[A-Za-z]+/[a-z0-9.-]+\\.[a-z0-9-]+", "Kind/name.ns");
    }

    // ------------------------------------------------------------------ phases

    /** Times the compiler's stages, as Compiler.compile runs them, over {@code runs} runs after as many warm-ups. */
    static void phases(ResourceSnapshot snapshot, Compiler compiler, int runs) {
        ResourceDecoder decoder = new ResourceDecoder(new DecodeSettings("default", "default"));
        EnvoyTranslator translator = new EnvoyTranslator(new EnvoyConstraints());
        // A separate instance, warmed like the translator's, for timing the constraint checks alone.
        EnvoyConstraints constraints = new EnvoyConstraints();
        long[] sums = new long[8];
        for (int run = 0; run < runs * 2; run++) {
            boolean measured = run >= runs;
            long a = System.nanoTime();
            List<Resource<?>> resources = decode(decoder, snapshot);
            long b = System.nanoTime();
            IrBuilder.Inputs inputs = IrBuilder.Inputs.of(resources, "default");
            IrResult ir = IrBuilder.build(inputs);
            long c = System.nanoTime();
            EnvoyTranslator.Translation translation = translator.translate(ir.ir(), inputs.secrets());
            long d = System.nanoTime();
            EnvoyOutput.write(translation.config(), new EnvoyOutput.CountingWriter());
            long e = System.nanoTime();
            compiler.compile(snapshot);
            long f = System.nanoTime();

            // The parts of the translation: unpack outside the clock, then time packing and checking again.
            EnvoyConfig config = translation.config();
            List<HttpConnectionManager> hcms = new ArrayList<>();
            for (Listener l : config.listeners()) {
                for (var chain : l.getFilterChainsList()) {
                    hcms.addAll(connectionManagers(chain.getFiltersList()));
                }
            }
            Set<Route> routes = Collections.newSetFromMap(new IdentityHashMap<>());
            for (HttpConnectionManager hcm : hcms) {
                hcm.getRouteConfig().getVirtualHostsList().forEach(v -> routes.addAll(v.getRoutesList()));
            }
            for (RouteConfiguration rc : routeConfigurations(config)) {
                rc.getVirtualHostsList().forEach(v -> routes.addAll(v.getRoutesList()));
            }
            Set<Route> distinct = new HashSet<>(routes);
            long g = System.nanoTime();
            long bytes = 0;
            for (HttpConnectionManager hcm : hcms) {
                bytes += Any.pack(hcm).getValue().size();
            }
            long h = System.nanoTime();
            int violations = 0;
            for (Route r : distinct) {
                violations += constraints.violations(r).size();
            }
            for (Cluster cl : config.clusters()) {
                violations += constraints.violations(cl).size();
            }
            long i = System.nanoTime();
            if (violations != 0) {
                System.out.println("unexpected: " + violations + " constraint violations");
            }
            if (measured) {
                sums[0] += b - a;
                sums[1] += c - b;
                sums[2] += d - c;
                sums[3] += e - d;
                sums[4] += f - e;
                sums[5] += h - g;
                sums[6] += i - h;
                sums[7] = bytes + ((long) distinct.size() << 40);
            }
        }
        long bytes = sums[7] & ((1L << 40) - 1);
        long distinctRoutes = sums[7] >>> 40;
        System.out.printf(Locale.ROOT, "phases (mean of %d warm runs, ms; stages one after the other on one thread): decode+validate %.1f | IR %.1f | "
                + "Envoy translation %.1f [within it: Any.pack of the connection managers (%.1f MB) %.1f; Envoy "
                + "constraints on %d distinct routes + the clusters %.1f] | envoy.json %.1f | "
                + "Compiler.compile as a whole %.1f%n", runs, ms(sums[0]) / runs,
                ms(sums[1]) / runs, ms(sums[2]) / runs, bytes / 1e6, ms(sums[5]) / runs, distinctRoutes,
                ms(sums[6]) / runs, ms(sums[3]) / runs, ms(sums[4]) / runs);
    }

    private static List<Resource<?>> decode(ResourceDecoder decoder, ResourceSnapshot snapshot) {
        Map<ResourceKey, Resource<?>> accepted = new TreeMap<>();
        for (RawDocument document : snapshot.documents()) {
            if (decoder.decode(document) instanceof Decoded.Accepted a) {
                accepted.putIfAbsent(a.resource().key(), a.resource());
            }
        }
        return List.copyOf(accepted.values());
    }

    // ------------------------------------------------------------------ memory

    private static long serializedSize(EnvoyConfig envoy) {
        long bytes = 0;
        for (Listener l : envoy.listeners()) {
            bytes += l.getSerializedSize();
        }
        for (RouteConfiguration rc : routeConfigurations(envoy)) {
            bytes += rc.getSerializedSize();
        }
        return bytes;
    }

    private static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
    }

    /** Retained heap of what {@code legate compile} holds, stage by stage, and of what writing materializes. */
    static void memory(Path dir) throws Exception {
        long base = usedAfterGc();
        Compiler compiler = new Compiler(CompileOptions.DEFAULTS);
        long withCompiler = usedAfterGc();
        ResourceSnapshot snapshot = ConfigDirectory.read(dir);
        long withSnapshot = usedAfterGc();
        CompileResult result = compiler.compile(snapshot);
        long withResult = usedAfterGc();
        System.out.println("retained heap (after full GCs): JVM+classes " + mb(base) + "; the compiler's caches +"
                + mb(withCompiler - base) + "; the parsed snapshot (" + snapshot.documents().size()
                + " JsonNode trees) +" + mb(withSnapshot - withCompiler) + "; the CompileResult +"
                + mb(withResult - withSnapshot) + "; total " + mb(withResult));

        // The parts of the result (each measured by dropping it while keeping the rest).
        EnvoyConfig envoy = result.envoy();
        Ir ir = result.ir();
        List<Resource<?>> resources = result.resources();
        result = null;
        long all = usedAfterGc();
        Reference.reachabilityFence(ir);
        ir = null;
        long noIr = usedAfterGc();
        // In a method of its own: a loop variable left in this frame would keep the last message reachable.
        long envoyBytes = serializedSize(envoy);
        Reference.reachabilityFence(envoy);
        envoy = null;
        long noEnvoy = usedAfterGc();
        Reference.reachabilityFence(resources);
        System.out.println("  of the result: IR " + mb(all - noIr) + ", Envoy protos " + mb(noIr - noEnvoy)
                + " (listeners and route configurations serialize to " + mb(envoyBytes) + " of protobuf), typed "
                + "resources, diagnostics and the rest " + mb(noEnvoy - withSnapshot));

        result = compiler.compile(snapshot);
        String irJson = Reports.irJson(result.ir());
        String snapshotYaml = Reports.snapshotYaml(result.resources());
        System.out.println("  writing ir.json and snapshot.yaml (this version): each is built as one String first: "
                + irJson.length() / 1_000_000 + "M and " + snapshotYaml.length() / 1_000_000 + "M characters "
                + "(plus the StringWriter / StringBuilder copies made while building them)");
        // What writing envoy.json materializes: JsonFormat re-parses each Any into a DynamicMessage.
        if (!routeConfigurations(result.envoy()).isEmpty()) {
            System.out.println("  writing envoy.json: " + EnvoyOutput.describe() + "; not measured here");
            return;
        }
        long before = usedAfterGc();
        List<Message> dynamic = new ArrayList<>();
        for (Listener l : result.envoy().listeners()) {
            for (var chain : l.getFilterChainsList()) {
                for (var filter : chain.getFiltersList()) {
                    Any any = filter.getTypedConfig();
                    if (!any.is(HttpConnectionManager.class)) {
                        continue;
                    }
                    dynamic.add(DynamicMessage.parseFrom(HttpConnectionManager.getDescriptor(), any.getValue()));
                }
            }
        }
        long withDynamic = usedAfterGc();
        Reference.reachabilityFence(dynamic);
        System.out.println("  writing envoy.json: JsonFormat turns each filter's Any back into a DynamicMessage; "
                + "those of the connection managers alone hold " + mb(withDynamic - before) + " (" + dynamic.size()
                + " filters)");
    }
}
