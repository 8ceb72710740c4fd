package dev.legate.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.envoy.EnvoyConfig;
import dev.legate.envoy.constraints.EnvoyConstraints;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Bad input never throws, is reported against the right resource, and leaves the rest of the configuration. */
final class BadInputTest {

    private static final String LISTENER_AND_HOST = Fixtures.OPEN_HTTP_WITH_GOOD_MAPPING + """
            ---
            apiVersion: getambassador.io/v3alpha1
            kind: Module
            metadata: {name: ambassador}
            spec: {config: {diagnostics: {enabled: false}, liveness_probe: {enabled: false}, readiness_probe: {enabled: false}}}
            """;

    private static CompileResult compile(String yaml) {
        return Fixtures.COMPILER.compile(Fixtures.parse("test.yaml", yaml));
    }

    private static List<String> clusterNames(EnvoyConfig config) {
        return config.clusters().stream().map(c -> c.getName()).toList();
    }

    @Test
    void malformedYamlNamesFileAndLineAndKeepsOtherDocuments() {
        String yaml = LISTENER_AND_HOST + """
                ---
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: broken
                spec: [unclosed
                """;
        CompileResult result = compile(yaml);
        assertThat(result.diagnostics()).anySatisfy(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(d.source()).isEqualTo("file:test.yaml");
            int baseLines = (int) LISTENER_AND_HOST.lines().count();
            assertThat(d.message()).matches("test\\.yaml:\\d+: malformed YAML: .*");
            int line = Integer.parseInt(d.message().split(":")[1]);
            assertThat(line).isBetween(baseLines + 2, baseLines + 5);
        });
        assertThat(clusterNames(result.envoy())).contains("cluster_good_default");
    }

    @Test
    void malformedDocumentReportsItsOwnLineInTheFile() {
        String yaml = LISTENER_AND_HOST + "---\nkind: Mapping\nmetadata: {name: x\n";
        CompileResult result = compile(yaml);
        int documentStart = (int) LISTENER_AND_HOST.lines().count() + 1;
        assertThat(result.diagnostics()).anySatisfy(d -> {
            int line = Integer.parseInt(d.message().split(":")[1]);
            assertThat(line).isBetween(documentStart + 1, documentStart + 3);
        });
    }

    @Test
    void eachBadResourceIsKeyedByKindNameNamespaceAndGoodOnesSurvive() {
        String yaml = LISTENER_AND_HOST + """
                ---
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: bad-timeout, namespace: team}
                spec: {hostname: "*", prefix: /t/, service: t, timeout_ms: "text"}
                ---
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: bad-regex}
                spec: {hostname: "*", prefix: "(", prefix_regex: true, service: r}
                """;
        CompileResult result = compile(yaml);
        assertThat(result.diagnostics()).anySatisfy(d -> {
            assertThat(d.source()).isEqualTo("Mapping/bad-timeout.team");
            assertThat(d.message()).isEqualTo("spec.timeout_ms: expected an integer, got a string (\"text\")");
        });
        assertThat(result.diagnostics()).anySatisfy(d -> {
            assertThat(d.source()).isEqualTo("Mapping/bad-regex.default");
            assertThat(d.message()).contains("invalid regular expression");
        });
        assertThat(clusterNames(result.envoy())).containsExactly("cluster_good_default");
    }

    @Test
    void wrongTypesAnywhereAreErrorsNotExceptions() {
        for (String spec : List.of("spec: 42", "spec: [1, 2]", "spec: {prefix: {a: b}, service: s}",
                "spec: {prefix: /x/, service: [s]}", "spec: {prefix: /x/, service: s, headers: [a]}",
                "spec: {prefix: /x/, service: s, precedence: 1.5}", "spec: {prefix: /x/, service: s, cors: 3}",
                "spec: {prefix: /x/, service: s, weight: -1}", "spec: {prefix: /x/, service: s, weight: 101}",
                "spec: {prefix: /x/, service: s, circuit_breakers: [null]}",
                "spec: {prefix: /x/, service: s, load_balancer: {policy: random}}",
                "spec: {prefix: /x/, service: 'http://[::1'}", "spec: {prefix: /x/, service: 'a:99999'}")) {
            CompileResult result = compile(LISTENER_AND_HOST + "---\napiVersion: getambassador.io/v3alpha1\n"
                    + "kind: Mapping\nmetadata: {name: victim}\n" + spec + "\n");
            assertThat(result.diagnostics()).as(spec).anySatisfy(d -> {
                assertThat(d.source()).isEqualTo("Mapping/victim.default");
                assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            });
            assertThat(clusterNames(result.envoy())).as(spec).containsExactly("cluster_good_default");
        }
    }

    @Test
    void randomGarbageNeverThrowsAndOutputStaysValid() {
        Random random = new Random(42);
        EnvoyConstraints constraints = new EnvoyConstraints();
        String alphabet = "abcdefghijklmnopqrstuvwxyz{}[]:,-\"'\n /*.|&!%@#^$?\\0123456789\u00e9\u4e2d";
        for (int i = 0; i < 300; i++) {
            StringBuilder garbage = new StringBuilder();
            int length = random.nextInt(400);
            for (int j = 0; j < length; j++) {
                garbage.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            CompileResult result = compile(LISTENER_AND_HOST + "---\n" + garbage);
            assertThat(clusterNames(result.envoy())).contains("cluster_good_default");
            result.envoy().listeners().forEach(l -> assertThat(constraints.violations(l)).isEmpty());
        }
    }

    @Test
    void deepNestingAndHugeStringsAreReportedNotFatal() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        String huge = "x".repeat(2_000_000);
        CompileResult result = compile(LISTENER_AND_HOST + "---\napiVersion: getambassador.io/v3alpha1\nkind: "
                + "Mapping\nmetadata: {name: deep}\nspec: {prefix: /d/, service: d, docs: " + deep + "}\n"
                + "---\napiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: huge}\n"
                + "spec: {prefix: /h/, service: " + huge + "}\n");
        assertThat(clusterNames(result.envoy())).contains("cluster_good_default");
        assertThat(result.errorCount()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void headerNamesEnvoyRejectsDropOnlyTheirRoute() {
        CompileResult result = compile(LISTENER_AND_HOST + """
                ---
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: bad-header}
                spec: {hostname: "*", prefix: /bh/, service: bh, add_request_headers: {"bad header\\n": {value: x}}}
                """);
        assertThat(result.diagnostics()).anySatisfy(d -> {
            assertThat(d.source()).isEqualTo("Mapping/bad-header.default");
            assertThat(d.message()).contains("Envoy's constraints");
        });
        String routes = result.envoy().routeConfigurations().toString();
        assertThat(routes).contains("/good/").doesNotContain("/bh/");
    }

    @Test
    void anUnknownListenerProtocolIsAnErrorEvenBesideAProtocolStack() {
        // Found by BadInputPropertiesTest: with protocolStack set, protocol was not checked against its enum at all.
        CompileResult result = compile(LISTENER_AND_HOST + """
                ---
                apiVersion: getambassador.io/v3alpha1
                kind: Listener
                metadata: {name: odd}
                spec: {port: 9101, protocolStack: [TLS, HTTP, TCP], protocol: FTP, securityModel: XFP,
                  hostBinding: {namespace: {from: ALL}}}
                ---
                apiVersion: getambassador.io/v3alpha1
                kind: Listener
                metadata: {name: both}
                spec: {port: 9102, protocolStack: [HTTP, TCP], protocol: HTTP, securityModel: XFP,
                  hostBinding: {namespace: {from: ALL}}}
                """);
        assertThat(result.diagnostics()).anySatisfy(d -> {
            assertThat(d.source()).isEqualTo("Listener/odd.default");
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(d.message()).isEqualTo("spec.protocol: 'FTP' is not one of HTTP, HTTPS, HTTPPROXY, "
                    + "HTTPSPROXY, TCP, TLS, UDP");
        });
        assertThat(result.diagnostics()).filteredOn(d -> d.source().equals("Listener/both.default"))
                .extracting(Diagnostic::severity).containsExactly(Diagnostic.Severity.WARNING);
        assertThat(result.envoy().listeners()).extracting(l -> l.getAddress().getSocketAddress().getPortValue())
                .contains(8080, 9102).doesNotContain(9101);
    }

    @Test
    void ambassadorIdFiltersResources() {
        String yaml = LISTENER_AND_HOST + """
                ---
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: other}
                spec: {ambassador_id: [elsewhere], hostname: "*", prefix: /other/, service: other}
                """;
        CompileResult defaultInstance = compile(yaml);
        assertThat(clusterNames(defaultInstance.envoy())).containsExactly("cluster_good_default");
        CompileResult elsewhere = new Compiler(new CompileOptions("elsewhere", "default"))
                .compile(Fixtures.parse("test.yaml", yaml));
        assertThat(elsewhere.resources().stream().map(r -> r.name()).collect(Collectors.toSet()))
                .contains("other").doesNotContain("good");
    }

    @Test
    void emptySnapshotCompilesToTheReadyListenerOnly() {
        CompileResult result = Fixtures.COMPILER.compile(ResourceSnapshot.of(List.of()));
        assertThat(result.envoy().listeners()).extracting(l -> l.getName())
                .containsExactly("ambassador-listener-ready-127.0.0.1-8006");
    }
}
