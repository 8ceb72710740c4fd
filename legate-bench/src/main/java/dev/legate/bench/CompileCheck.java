package dev.legate.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.CompileResult;
import dev.legate.compiler.Compiler;
import dev.legate.compiler.Diagnostic;
import dev.legate.compiler.config.ConfigDirectory;
import dev.legate.compiler.config.Decoded;
import dev.legate.compiler.config.DecodeSettings;
import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceDecoder;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.envoy.EnvoyTranslator;
import dev.legate.compiler.ir.IrBuilder;
import dev.legate.compiler.ir.IrResult;
import dev.legate.compiler.output.EnvoyJson;
import dev.legate.envoy.constraints.EnvoyConstraints;
import dev.legate.model.HostSpec;
import dev.legate.model.ListenerSpec;
import dev.legate.model.MappingSpec;
import dev.legate.model.ModuleSpec;
import dev.legate.model.Resource;
import dev.legate.model.ResourceKey;
import dev.legate.model.SecretSpec;
import dev.legate.model.TLSContextSpec;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles a configuration directory in-process and reports what came out: diagnostics by severity (with examples),
 * listeners, filter chains, virtual hosts, routes, clusters and secrets, and the size of envoy.json. With
 * {@code --phases N} it also times the compiler's stages over N warm runs, calling the same public stages that
 * {@code Compiler.compile} calls, one by one.
 *
 * <pre>
 * java -cp ... dev.legate.bench.CompileCheck CONFIG_DIR [--phases N] [--examples N] [--loop SECONDS]
 * </pre>
 *
 * {@code --loop SECONDS} just compiles over and over for that long (for a profiler to watch).
 */
public final class CompileCheck {

    private CompileCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = null;
        int phases = 0;
        int examples = 5;
        double loopSeconds = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--phases" -> phases = Integer.parseInt(args[++i]);
                case "--examples" -> examples = Integer.parseInt(args[++i]);
                case "--loop" -> loopSeconds = Double.parseDouble(args[++i]);
                default -> dir = Path.of(args[i]);
            }
        }
        if (dir == null) {
            System.err.println("usage: CompileCheck CONFIG_DIR [--phases N] [--examples N] [--loop SECONDS]");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        ResourceSnapshot snapshot = ConfigDirectory.read(dir);
        long t1 = System.nanoTime();
        Compiler compiler = new Compiler(CompileOptions.DEFAULTS);
        CompileResult result = compiler.compile(snapshot);
        long t2 = System.nanoTime();
        StringBuilder json = new StringBuilder(1 << 24);
        EnvoyJson.write(EnvoyJson.bootstrap(result.envoy()), json);
        long t3 = System.nanoTime();
        System.out.printf(Locale.ROOT, "cold: read+parse %d documents %.0f ms, first compile %.0f ms, "
                + "first envoy.json %.0f ms%n", snapshot.documents().size(), ms(t1 - t0), ms(t2 - t1), ms(t3 - t2));
        report(result, json.length(), examples);
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
                StringBuilder out = new StringBuilder(1 << 24);
                EnvoyJson.write(EnvoyJson.bootstrap(r.envoy()), out);
                sum += System.nanoTime() - s;
                n++;
            }
            System.out.printf(Locale.ROOT, "loop: %d compile+serialize runs, %.1f ms each%n", n, ms(sum) / n);
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

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
        for (Listener l : result.envoy().listeners()) {
            int n = 0;
            for (var chain : l.getFilterChainsList()) {
                chains++;
                for (var filter : chain.getFiltersList()) {
                    if (!filter.getTypedConfig().is(HttpConnectionManager.class)) {
                        continue;
                    }
                    try {
                        HttpConnectionManager hcm = filter.getTypedConfig().unpack(HttpConnectionManager.class);
                        for (var vhost : hcm.getRouteConfig().getVirtualHostsList()) {
                            vhosts++;
                            n += vhost.getRoutesCount();
                            for (var route : vhost.getRoutesList()) {
                                if (route.hasRoute()) {
                                    routedClusters.add(route.getRoute().getCluster());
                                }
                            }
                        }
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException(e);
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
                + "%d clusters (%d originate TLS, %d referenced by routes); %d secrets%n",
                result.envoy().listeners().size(), chains, vhosts, routes, routesPerListener,
                result.envoy().clusters().size(), tlsClusters, routedClusters.size(),
                result.envoy().secrets().size());
        System.out.printf(Locale.ROOT, "envoy.json: %d characters (%.1f MB)%n", jsonChars, jsonChars / 1e6);
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
        EnvoyConstraints constraints = new EnvoyConstraints();
        long[] sums = new long[7];
        for (int run = 0; run < runs * 2; run++) {
            boolean measured = run >= runs;
            long a = System.nanoTime();
            List<Resource<?>> resources = decode(decoder, snapshot);
            long b = System.nanoTime();
            IrResult ir = IrBuilder.build(inputs(resources));
            long c = System.nanoTime();
            EnvoyTranslator.Translation translation = translator.translate(ir.ir(), secrets(resources));
            long d = System.nanoTime();
            // Envoy's constraints alone: check everything the translation produced once more.
            int violations = 0;
            for (Listener l : translation.config().listeners()) {
                violations += constraints.violations(l).size();
            }
            for (Cluster cl : translation.config().clusters()) {
                violations += constraints.violations(cl).size();
            }
            long e = System.nanoTime();
            StringBuilder out = new StringBuilder(1 << 24);
            EnvoyJson.write(EnvoyJson.bootstrap(translation.config()), out);
            long f = System.nanoTime();
            CompileResult whole = compiler.compile(snapshot);
            long g = System.nanoTime();
            if (violations != 0 || whole.envoy().listeners().isEmpty()) {
                System.out.println("unexpected: " + violations + " violations");
            }
            if (measured) {
                sums[0] += b - a;
                sums[1] += c - b;
                sums[2] += d - c;
                sums[3] += e - d;
                sums[4] += f - e;
                sums[5] += g - f;
            }
        }
        System.out.printf(Locale.ROOT, "phases (mean of %d warm runs, ms): decode+validate %.1f | IR %.1f | "
                + "Envoy translation incl. constraint checks %.1f (of which re-checking constraints alone takes "
                + "%.1f) | envoy.json %.1f | Compiler.compile as a whole %.1f%n", runs, ms(sums[0]) / runs,
                ms(sums[1]) / runs, ms(sums[2]) / runs, ms(sums[3]) / runs, ms(sums[4]) / runs, ms(sums[5]) / runs);
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

    @SuppressWarnings("unchecked")
    private static IrBuilder.Inputs inputs(List<Resource<?>> resources) {
        List<Resource<MappingSpec>> mappings = new ArrayList<>();
        List<Resource<HostSpec>> hosts = new ArrayList<>();
        List<Resource<ListenerSpec>> listeners = new ArrayList<>();
        List<Resource<TLSContextSpec>> contexts = new ArrayList<>();
        List<Resource<ModuleSpec>> modules = new ArrayList<>();
        for (Resource<?> r : resources) {
            switch (r.spec()) {
                case MappingSpec m -> mappings.add((Resource<MappingSpec>) r);
                case HostSpec h -> hosts.add((Resource<HostSpec>) r);
                case ListenerSpec l -> listeners.add((Resource<ListenerSpec>) r);
                case TLSContextSpec t -> contexts.add((Resource<TLSContextSpec>) r);
                case ModuleSpec m -> modules.add((Resource<ModuleSpec>) r);
                default -> {
                }
            }
        }
        return new IrBuilder.Inputs(mappings, hosts, listeners, contexts, modules, secrets(resources), "default");
    }

    private static Map<String, SecretSpec> secrets(List<Resource<?>> resources) {
        Map<String, SecretSpec> secrets = new TreeMap<>();
        for (Resource<?> r : resources) {
            if (r.spec() instanceof SecretSpec s) {
                secrets.put(r.name() + "." + r.namespace(), s);
            }
        }
        return secrets;
    }
}
