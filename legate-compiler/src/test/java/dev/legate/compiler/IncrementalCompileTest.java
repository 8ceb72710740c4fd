package dev.legate.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.output.EnvoyJson;
import dev.legate.compiler.output.Reports;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Incremental equals full: a compiler that remembers its previous compiles (decoded documents, translated and checked
 * routes) gives byte for byte what a fresh one gives, on every golden input and on every change set made by removing
 * one document; and it does reuse: an unchanged Mapping keeps its very Route instances.
 */
final class IncrementalCompileTest {

    @Test
    void aWarmCompilerGivesWhatAFreshOneGivesOnEveryChangeSet() throws IOException {
        List<Path> inputs = goldenInputs();
        Compiler warm = new Compiler(CompileOptions.DEFAULTS);
        for (Path other : inputs) {
            warm.compile(Fixtures.snapshot(other));
        }
        int compared = 0;
        for (Path input : inputs) {
            ResourceSnapshot full = Fixtures.snapshot(input);
            assertSame(warm, full, input + " after the other fixtures");
            // Each document removed in turn, then put back: every step compiled warm and fresh.
            for (int i = 0; i < full.documents().size(); i++) {
                List<RawDocument> fewer = new ArrayList<>(full.documents());
                fewer.remove(i);
                assertSame(warm, new ResourceSnapshot(fewer, full.loadDiagnostics()),
                        input + " without document " + i);
                assertSame(warm, full, input + " with document " + i + " back");
                compared += 2;
            }
        }
        assertThat(compared).as("change sets compared").isGreaterThan(50);
    }

    /** One document per file name, so that an edit replaces one document and leaves the others' instances. */
    private static final String LISTENERS = """
            apiVersion: getambassador.io/v3alpha1
            kind: Listener
            metadata: {name: http, namespace: default}
            spec: {port: 8080, protocol: HTTP, securityModel: XFP, hostBinding: {namespace: {from: ALL}}}
            ---
            apiVersion: getambassador.io/v3alpha1
            kind: Listener
            metadata: {name: https, namespace: default}
            spec: {port: 8443, protocol: HTTPS, securityModel: XFP, hostBinding: {namespace: {from: ALL}}}
            """;
    private static final String HOST_A = """
            apiVersion: getambassador.io/v3alpha1
            kind: Host
            metadata: {name: a, namespace: default}
            spec: {hostname: a.example.com, requestPolicy: {insecure: {action: %s}}}
            """;
    private static final String HOST_B = """
            apiVersion: getambassador.io/v3alpha1
            kind: Host
            metadata: {name: b, namespace: default, labels: {team: b}}
            spec: {hostname: b.example.com, mappingSelector: {matchLabels: {team: b}}}
            """;
    private static final String MODULE = """
            apiVersion: getambassador.io/v3alpha1
            kind: Module
            metadata: {name: ambassador, namespace: default}
            spec: {config: {%s}}
            """;
    private static final String MAPPING = """
            apiVersion: getambassador.io/v3alpha1
            kind: Mapping
            metadata: {name: %s, namespace: default, labels: {team: %s}}
            spec: {hostname: "%s", prefix: %s, service: %s, weight: %s}
            """;

    private static final String TCP_LISTENER = """
            apiVersion: getambassador.io/v3alpha1
            kind: Listener
            metadata: {name: tcp, namespace: default}
            spec: {port: 6789, protocol: TCP, securityModel: INSECURE, hostBinding: {namespace: {from: ALL}}}
            """;
    private static final String TCP_MAPPING = """
            apiVersion: getambassador.io/v3alpha1
            kind: TCPMapping
            metadata: {name: %s, namespace: default}
            spec: {port: %d, service: "%s"}
            """;

    @Test
    void aWarmCompilerGivesWhatAFreshOneGivesAfterEditsOfEachKind() {
        java.util.Map<String, String> files = new java.util.TreeMap<>();
        files.put("00-listeners.yaml", LISTENERS);
        files.put("01-host-a.yaml", HOST_A.formatted("Redirect"));
        files.put("02-host-b.yaml", HOST_B);
        files.put("03-module.yaml", MODULE.formatted("enable_grpc_web: false"));
        files.put("04-tcp-listener.yaml", TCP_LISTENER);
        files.put("t0.yaml", TCP_MAPPING.formatted("t0", 6789, "db:5432"));
        files.put("t1.yaml", TCP_MAPPING.formatted("t1", 7000, "cache:6379"));
        for (int i = 0; i < 40; i++) {
            // Pairs of Mappings share a prefix: canary groups; some go to Host b by label only.
            files.put("m" + i + ".yaml", MAPPING.formatted("m" + i, i % 3 == 0 ? "b" : "a",
                    i % 3 == 0 ? "b.example.com" : "*", "/p" + i / 2 + "/", "s" + i % 7, i % 2 == 0 ? 30 : 70));
        }
        Compiler warm = new Compiler(CompileOptions.DEFAULTS);
        java.util.Map<String, List<RawDocument>> parsed = new java.util.HashMap<>();
        java.util.function.Supplier<ResourceSnapshot> snapshot = () -> {
            List<RawDocument> documents = new ArrayList<>();
            files.forEach((name, yaml) -> documents.addAll(parsed.computeIfAbsent(name + "\n" + yaml,
                    k -> Fixtures.parse(name, yaml).documents())));
            return new ResourceSnapshot(documents, List.of());
        };
        CompileResult first = warm.compile(snapshot.get());
        assertThat(first.errorCount()).as("errors of the first compile: %s", first.diagnostics()).isZero();
        List<Runnable> edits = List.of(
                () -> files.put("m4.yaml", MAPPING.formatted("m4", "a", "*", "/p2-edited/", "s4", 30)),
                () -> files.put("m5.yaml", MAPPING.formatted("m5", "a", "*", "/p2/", "s5", 40)),
                () -> files.put("m6.yaml", MAPPING.formatted("m6", "a", "*", "/p3/", "s6", 30)),
                () -> files.put("m40.yaml", MAPPING.formatted("m40", "b", "b.example.com", "/new/", "s1", 100)),
                () -> files.remove("m7.yaml"),
                () -> files.remove("m40.yaml"),
                () -> files.put("m9.yaml", MAPPING.formatted("m9", "a", "*", "/p4/", "s2", 70)
                        .replace("weight: 70", "weight: 70, timeout_ms: 1234")),
                // Mappings whose clusters report diagnostics, then an unrelated edit: reused work reports them again.
                () -> files.put("m12.yaml", MAPPING.formatted("m12", "b", "b.example.com", "/p6/", "ftp://s5", 30)),
                () -> files.put("m13.yaml", MAPPING.formatted("m13", "a", "*", "/p6/", "s5", 70)
                        .replace("weight: 70", "weight: 70, tls: missing")),
                () -> files.put("m14.yaml", MAPPING.formatted("m14", "a", "*", "/p7/", "s6", 30)
                        .replace("weight: 30", "shadow: true")),
                () -> files.put("m15.yaml", MAPPING.formatted("m15", "b", "b.example.com", "/p7/", "s1", 80)),
                () -> files.put("m20.yaml", MAPPING.formatted("m20", "a", "*", "/p10-edited/", "s6", 30)),
                // TCPMappings (compiled again on every build, their clusters reused by value): edited, added,
                // removed, their Listener removed and back.
                () -> files.put("t0.yaml", TCP_MAPPING.formatted("t0", 6789, "db:5433")),
                () -> files.put("t2.yaml", TCP_MAPPING.formatted("t2", 7001, "queue:5672")),
                () -> files.put("t1.yaml", TCP_MAPPING.formatted("t1", 7000, "cache:6379")
                        .replace("6379\"}", "6379\", idle_timeout_ms: 1500}")),
                () -> files.remove("t2.yaml"),
                // A TCPMapping with an error, then an unrelated edit: the reused TCPMapping work reports it again.
                () -> files.put("t3.yaml", TCP_MAPPING.formatted("t3", 7002, "vault:8200")
                        .replace("8200\"}", "8200\", tls: missing}")),
                () -> files.put("m22.yaml", MAPPING.formatted("m22", "a", "*", "/p11-edited/", "s1", 30)),
                () -> files.remove("04-tcp-listener.yaml"),
                () -> files.put("04-tcp-listener.yaml", TCP_LISTENER),
                // A Mapping that no Host takes (unrouted, reported), then one that a Host takes again.
                () -> files.put("m21.yaml", MAPPING.formatted("m21", "a", "c.example.com", "/p10/", "s0", 70)),
                () -> files.put("m21.yaml", MAPPING.formatted("m21", "a", "*", "/p10/", "s0", 70)),
                () -> files.put("01-host-a.yaml", HOST_A.formatted("Route")),
                () -> files.put("02-host-b.yaml", HOST_B.replace("team: b}}}", "team: a}}}")),
                () -> files.put("03-module.yaml", MODULE.formatted("enable_grpc_web: true")),
                () -> files.put("03-module.yaml", MODULE.formatted("cluster_request_timeout_ms: 2000")),
                () -> files.put("m41.yaml", MAPPING.formatted("m41", "a", "*", "/p0/", "s3", 90)),
                () -> files.remove("m41.yaml"),
                // The Mapping that defined a shared cluster goes: the next one asking for it defines it now.
                () -> files.remove("m0.yaml"),
                () -> files.remove("03-module.yaml"));
        int step = 0;
        for (Runnable edit : edits) {
            edit.run();
            assertSame(warm, snapshot.get(), "after edit " + step++);
        }
        files.put("m21.yaml", MAPPING.formatted("m21", "a", "c.example.com", "/p10/", "s0", 70));
        assertSame(warm, snapshot.get(), "with an unrouted Mapping");
        assertThat(warm.compile(snapshot.get()).diagnostics()).as("the edits reach the clusters' diagnostics")
                .anySatisfy(d -> assertThat(d.message()).contains("not routed"))
                .anySatisfy(d -> assertThat(d.source()).isEqualTo("TCPMapping/t3.default"))
                .anySatisfy(d -> assertThat(d.message()).contains("TLSContext missing does not exist"))
                .anySatisfy(d -> assertThat(d.message()).contains("unknown scheme ftp"));
    }

    private static final String HTTPS_HOST = """
            apiVersion: getambassador.io/v3alpha1
            kind: Host
            metadata: {name: shop, namespace: web}
            spec: {hostname: shop.example.com, tlsSecret: {name: shop-tls}, requestPolicy: {insecure: {action: %s}}}
            """;
    private static final String WEB_MAPPING = """
            apiVersion: getambassador.io/v3alpha1
            kind: Mapping
            metadata: {name: %s, namespace: web}
            spec: {hostname: "%s", prefix: %s, service: %s%s}
            """;

    /**
     * The memos of routes, virtual hosts, route configurations, listeners (with the secrets their TLS chains refer
     * to), mapping groups, group order, cluster names and the built-in probe Mappings, through edits of each kind:
     * a Mapping moving between Hosts, a route that cannot be translated (its diagnostic reported again when reused),
     * Listeners and the probes changed, canary weights reordering a group. Each step compiled warm and fresh.
     */
    @Test
    void aWarmCompilerGivesWhatAFreshOneGivesAcrossVirtualHostsListenersAndSecrets() throws IOException {
        String secret = shopSecret();
        java.util.Map<String, String> files = new java.util.TreeMap<>();
        files.put("00-listeners.yaml", LISTENERS);
        files.put("01-host-a.yaml", HOST_A.formatted("Redirect"));
        files.put("02-host-b.yaml", HOST_B);
        files.put("03-host-shop.yaml", HTTPS_HOST.formatted("Route"));
        files.put("04-secret.yaml", secret);
        files.put("05-module.yaml", MODULE.formatted("enable_grpc_web: false"));
        for (int i = 0; i < 30; i++) {
            files.put("m" + i + ".yaml", MAPPING.formatted("m" + i, i % 3 == 0 ? "b" : "a",
                    i % 3 == 0 ? "b.example.com" : i % 3 == 1 ? "*" : "a.example.com", "/p" + i / 2 + "/",
                    "s" + i % 5, i % 2 == 0 ? 40 : 60));
        }
        for (int i = 0; i < 6; i++) {
            files.put("w" + i + ".yaml", WEB_MAPPING.formatted("w" + i, i % 2 == 0 ? "shop.example.com" : "*",
                    "/web" + i + "/", "web" + i, ""));
        }
        Compiler warm = new Compiler(CompileOptions.DEFAULTS);
        java.util.Map<String, List<RawDocument>> parsed = new java.util.HashMap<>();
        java.util.function.Supplier<ResourceSnapshot> snapshot = () -> {
            List<RawDocument> documents = new ArrayList<>();
            files.forEach((name, yaml) -> documents.addAll(parsed.computeIfAbsent(name + "\n" + yaml,
                    k -> Fixtures.parse(name, yaml).documents())));
            return new ResourceSnapshot(documents, List.of());
        };
        CompileResult first = warm.compile(snapshot.get());
        assertThat(first.errorCount()).as("errors of the first compile: %s", first.diagnostics()).isZero();
        assertThat(first.envoy().secrets()).as("the TLS Host's secret").isNotEmpty();
        List<Runnable> edits = List.of(
                // A Mapping moving between Hosts: by hostname, then by label only.
                () -> files.put("m1.yaml", MAPPING.formatted("m1", "a", "a.example.com", "/p0/", "s1", 60)),
                () -> files.put("m1.yaml", MAPPING.formatted("m1", "b", "", "/p0/", "s1", 60)
                        .replace("hostname: \"\", ", "")),
                () -> files.put("w1.yaml", WEB_MAPPING.formatted("w1", "shop.example.com", "/web1/", "web1", "")),
                // A route that cannot be translated: reported, and reported again while its segment is reused.
                () -> files.put("w2.yaml", WEB_MAPPING.formatted("w2", "shop.example.com", "/web2/", "web2",
                        ", retry_policy: {retry_on: 5xx, per_try_timeout: bogus}")),
                () -> files.put("m5.yaml", MAPPING.formatted("m5", "a", "*", "/p2-moved/", "s0", 60)),
                () -> files.put("w3.yaml", WEB_MAPPING.formatted("w3", "*", "/web3-edited/", "web3", "")),
                // Canary weights: a group's members reordered; then a group that moves in the order by weight.
                () -> files.put("m7.yaml", MAPPING.formatted("m7", "a", "*", "/p3/", "s2", 20)),
                () -> files.put("m8.yaml", MAPPING.formatted("m8", "a", "a.example.com", "/p4/", "s3", 40)
                        .replace("weight: 40", "weight: 40, precedence: 5")),
                () -> files.put("m9.yaml", MAPPING.formatted("m9", "b", "b.example.com", "/a/much/longer/prefix/",
                        "s4", 60)),
                // Listeners: security model and trusted hops; the TLS Host's insecure action.
                () -> files.put("00-listeners.yaml", LISTENERS.replace("port: 8080, protocol: HTTP, securityModel: XFP",
                        "port: 8080, protocol: HTTP, securityModel: SECURE")),
                () -> files.put("m10.yaml", MAPPING.formatted("m10", "a", "*", "/p5-edited/", "s0", 40)),
                () -> files.put("00-listeners.yaml", LISTENERS.replace("securityModel: XFP, hostBinding",
                        "securityModel: XFP, l7Depth: 2, hostBinding")),
                () -> files.put("03-host-shop.yaml", HTTPS_HOST.formatted("Redirect")),
                () -> files.put("w4.yaml", WEB_MAPPING.formatted("w4", "shop.example.com", "/web4-edited/", "web4",
                        "")),
                // The built-in probes (every Host takes them).
                () -> files.put("05-module.yaml", MODULE.formatted("readiness_probe: {prefix: /ready-now/}")),
                () -> files.put("m11.yaml", MAPPING.formatted("m11", "a", "*", "/p5-again/", "s1", 60)),
                () -> files.put("05-module.yaml", MODULE.formatted("diagnostics: {enabled: false}")),
                // The secret goes (the Host's TLS chain with it), and comes back.
                () -> files.remove("04-secret.yaml"),
                () -> files.put("m12.yaml", MAPPING.formatted("m12", "b", "b.example.com", "/p6-edited/", "s2", 40)),
                () -> files.put("04-secret.yaml", secret),
                () -> files.remove("w0.yaml"),
                () -> files.remove("m13.yaml"),
                () -> files.put("m30.yaml", MAPPING.formatted("m30", "a", "*", "/p0/", "s3", 10)),
                () -> files.remove("02-host-b.yaml"),
                () -> files.put("m14.yaml", MAPPING.formatted("m14", "a", "*", "/p7-edited/", "s4", 40)),
                () -> files.put("02-host-b.yaml", HOST_B),
                // Many groups at once: a long run of segments gone from the virtual hosts, then back.
                () -> {
                    for (int i = 14; i < 30; i++) {
                        files.remove("m" + i + ".yaml");
                    }
                },
                () -> {
                    for (int i = 14; i < 30; i++) {
                        files.put("m" + i + ".yaml", MAPPING.formatted("m" + i, "a", "*", "/p" + i / 2 + "/",
                                "s" + i % 5, i % 2 == 0 ? 40 : 60));
                    }
                });
        int step = 0;
        for (Runnable edit : edits) {
            edit.run();
            assertSame(warm, snapshot.get(), "after edit " + step++);
        }
        CompileResult last = warm.compile(snapshot.get());
        assertThat(last.diagnostics()).as("the untranslatable route is still reported")
                .anySatisfy(d -> assertThat(d.message()).contains("is not a duration"));
        assertThat(last.envoy().secrets()).as("the reused listener's secret").isNotEmpty();
    }

    /**
     * Random edits of a configuration of a hundred Mappings over four Hosts (prefixes, hostnames, labels, weights,
     * services, precedence; Mappings added and removed; now and then a Host or Listener changed): after each, a warm
     * compiler gives byte for byte what a fresh one gives.
     */
    @Test
    void aWarmCompilerGivesWhatAFreshOneGivesAfterRandomEdits() {
        java.util.Random random = new java.util.Random(11);
        String[] hostnames = {"*", "a.example.com", "b.example.com", "c.example.com"};
        java.util.Map<String, String> files = new java.util.TreeMap<>();
        files.put("00-listeners.yaml", LISTENERS);
        files.put("01-host-a.yaml", HOST_A.formatted("Redirect"));
        files.put("02-host-b.yaml", HOST_B);
        files.put("03-host-c.yaml", HOST_A.formatted("Route").replace("name: a,", "name: c,")
                .replace("a.example.com", "c.example.com"));
        java.util.function.IntFunction<String> mapping = i -> MAPPING.formatted("r" + i,
                random.nextBoolean() ? "a" : "b", hostnames[random.nextInt(hostnames.length)],
                "/q" + random.nextInt(40) + "/", "svc" + random.nextInt(12), 10 + 10 * random.nextInt(9));
        for (int i = 0; i < 100; i++) {
            files.put("r" + i + ".yaml", mapping.apply(i));
        }
        Compiler warm = new Compiler(CompileOptions.DEFAULTS);
        java.util.Map<String, List<RawDocument>> parsed = new java.util.HashMap<>();
        java.util.function.Supplier<ResourceSnapshot> snapshot = () -> {
            List<RawDocument> documents = new ArrayList<>();
            files.forEach((name, yaml) -> documents.addAll(parsed.computeIfAbsent(name + "\n" + yaml,
                    k -> Fixtures.parse(name, yaml).documents())));
            return new ResourceSnapshot(documents, List.of());
        };
        warm.compile(snapshot.get());
        int next = 100;
        for (int step = 0; step < 60; step++) {
            int kind = random.nextInt(20);
            String what;
            if (kind < 12) {
                int i = random.nextInt(next);
                files.put("r" + i + ".yaml", random.nextInt(5) == 0
                        ? mapping.apply(i).replace("}\n", ", precedence: " + random.nextInt(3) + "}\n")
                        : mapping.apply(i));
                what = "r" + i + " edited";
            } else if (kind < 15) {
                files.put("r" + next + ".yaml", mapping.apply(next));
                what = "r" + next++ + " added";
            } else if (kind < 18) {
                int i = random.nextInt(next);
                files.remove("r" + i + ".yaml");
                what = "r" + i + " removed";
            } else if (kind < 19) {
                files.put("01-host-a.yaml", HOST_A.formatted(random.nextBoolean() ? "Route" : "Redirect"));
                what = "Host a edited";
            } else {
                files.put("00-listeners.yaml", random.nextBoolean() ? LISTENERS : LISTENERS.replace(
                        "port: 8080, protocol: HTTP, securityModel: XFP", "port: 8080, protocol: HTTP, "
                                + "securityModel: INSECURE"));
                what = "Listeners edited";
            }
            assertSame(warm, snapshot.get(), "step " + step + ": " + what);
        }
    }

    private static String shopSecret() throws IOException {
        String golden = Files.readString(Fixtures.GOLDEN.resolve("ingress.in.yaml"));
        for (String document : golden.split("(?m)^---$")) {
            if (document.contains("kind: Secret") && document.contains("shop-tls")) {
                return document.strip() + "\n";
            }
        }
        throw new AssertionError("no shop-tls Secret in ingress.in.yaml");
    }

    @Test
    void anUnchangedMappingKeepsItsRouteInstancesAndAnEditedOneDoesNot() {
        String header = """
                apiVersion: getambassador.io/v3alpha1
                kind: Listener
                metadata: {name: http, namespace: default}
                spec: {port: 8080, protocol: HTTP, securityModel: XFP, hostBinding: {namespace: {from: ALL}}}
                ---
                """;
        String kept = """
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: kept, namespace: default}
                spec: {hostname: "*", prefix: /kept/, service: kept}
                """;
        String edited = """
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: edited, namespace: default}
                spec: {hostname: "*", prefix: /edited/, service: edited, timeout_ms: %d}
                """;
        List<RawDocument> common = new ArrayList<>(Fixtures.parse("a.yaml", header + kept).documents());
        List<RawDocument> before = new ArrayList<>(common);
        before.addAll(Fixtures.parse("b.yaml", edited.formatted(1000)).documents());
        List<RawDocument> after = new ArrayList<>(common);
        after.addAll(Fixtures.parse("b.yaml", edited.formatted(2000)).documents());

        Compiler compiler = new Compiler(CompileOptions.DEFAULTS);
        CompileResult first = compiler.compile(ResourceSnapshot.of(before));
        CompileResult second = compiler.compile(ResourceSnapshot.of(after));
        assertThat(first.errorCount()).isZero();

        List<Route> keptBefore = routes(first, "/kept/");
        List<Route> keptAfter = routes(second, "/kept/");
        assertThat(keptBefore).isNotEmpty().hasSameSizeAs(keptAfter);
        for (int i = 0; i < keptBefore.size(); i++) {
            assertThat(keptAfter.get(i)).isSameAs(keptBefore.get(i));
        }
        List<Route> editedBefore = routes(first, "/edited/");
        List<Route> editedAfter = routes(second, "/edited/");
        assertThat(editedAfter).isNotEmpty().hasSameSizeAs(editedBefore);
        for (int i = 0; i < editedBefore.size(); i++) {
            assertThat(editedAfter.get(i)).isNotSameAs(editedBefore.get(i)).isNotEqualTo(editedBefore.get(i));
        }
        assertThat(render(second)).isEqualTo(render(new Compiler(CompileOptions.DEFAULTS)
                .compile(ResourceSnapshot.of(after))));
    }

    @Test
    void anUnchangedTcpMappingKeepsItsClusterInstanceAndAnEditedOneDoesNot() {
        String kept = TCP_LISTENER + "---\n" + TCP_MAPPING.formatted("kept", 6789, "db:5432");
        Compiler compiler = new Compiler(CompileOptions.DEFAULTS);
        CompileResult first = compiler.compile(ResourceSnapshot.of(Fixtures.parse("a.yaml",
                kept + "---\n" + TCP_MAPPING.formatted("edited", 7000, "cache:6379")).documents()));
        ResourceSnapshot after = ResourceSnapshot.of(Fixtures.parse("a.yaml",
                kept + "---\n" + TCP_MAPPING.formatted("edited", 7000, "cache:6380")).documents());
        CompileResult second = compiler.compile(after);
        assertThat(first.errorCount()).isZero();
        assertThat(cluster(second, "db")).isSameAs(cluster(first, "db"));
        assertThat(cluster(second, "cache")).isNotEqualTo(cluster(first, "cache"));
        assertThat(render(second)).isEqualTo(render(new Compiler(CompileOptions.DEFAULTS).compile(after)));
    }

    private static io.envoyproxy.envoy.config.cluster.v3.Cluster cluster(CompileResult result, String service) {
        return result.envoy().clusters().stream().filter(c -> c.getName().contains(service)).findFirst()
                .orElseThrow(() -> new AssertionError("no cluster for " + service + " in "
                        + result.envoy().clusters().stream().map(c -> c.getName()).toList()));
    }

    private static List<Route> routes(CompileResult result, String prefix) {
        List<Route> found = new ArrayList<>();
        for (RouteConfiguration rc : result.envoy().routeConfigurations()) {
            for (VirtualHost host : rc.getVirtualHostsList()) {
                for (Route route : host.getRoutesList()) {
                    if (route.getMatch().getPrefix().equals(prefix)) {
                        found.add(route);
                    }
                }
            }
        }
        return found;
    }

    private static void assertSame(Compiler warm, ResourceSnapshot snapshot, String what) {
        String fresh = render(new Compiler(CompileOptions.DEFAULTS).compile(snapshot));
        assertThat(render(warm.compile(snapshot))).as(what).isEqualTo(fresh);
    }

    private static List<Path> goldenInputs() throws IOException {
        try (Stream<Path> files = Files.list(Fixtures.GOLDEN)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".in.yaml")).sorted().toList();
        }
    }

    private static String render(CompileResult result) {
        return EnvoyJson.toJson(EnvoyJson.bootstrap(result.envoy())) + Reports.diagnosticsJson(result.diagnostics())
                + Reports.irJson(result.ir()) + Reports.snapshotYaml(result.resources());
    }
}
