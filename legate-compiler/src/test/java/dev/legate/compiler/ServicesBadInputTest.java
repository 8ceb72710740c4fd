package dev.legate.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.envoy.constraints.EnvoyConstraints;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * AuthService, RateLimitService, LogService, TracingService, Mapping labels and the Module's HTTP filter keys: any
 * value in any field is a diagnostic, never an exception, and never costs the rest of the configuration (the HTTP
 * listener and the good Mapping's route and cluster stay, and every resource keeps Envoy's constraints).
 */
final class ServicesBadInputTest {

    private static final String BASE = Fixtures.OPEN_HTTP_WITH_GOOD_MAPPING;

    /** Fields of each kind, as written in YAML; a valid document is made from all of them, then one is spoiled. */
    private static final Map<String, Map<String, String>> VALID = Map.of(
            "AuthService", Map.ofEntries(Map.entry("auth_service", "auth:3000"), Map.entry("proto", "http"),
                    Map.entry("path_prefix", "/x"), Map.entry("timeout_ms", "100"),
                    Map.entry("allowed_request_headers", "[a]"), Map.entry("allowed_authorization_headers", "[b]"),
                    Map.entry("add_auth_headers", "{k: v}"), Map.entry("include_body", "{max_bytes: 10}"),
                    Map.entry("failure_mode_allow", "true"), Map.entry("status_on_error", "{code: 503}"),
                    Map.entry("protocol_version", "v3"), Map.entry("stats_name", "s"),
                    Map.entry("circuit_breakers", "[{max_requests: 3}]"), Map.entry("tls", "\"\"")),
            "RateLimitService", Map.of("service", "rl:8081", "protocol_version", "v3", "domain", "d",
                    "timeout_ms", "20", "failure_mode_deny", "true", "grpc", "{use_resource_exhausted_code: true}",
                    "stats_name", "s"),
            "LogService", Map.of("service", "als:9001", "protocol_version", "v3", "driver", "http",
                    "driver_config", "{additional_log_headers: [{header_name: x}]}", "flush_interval_time", "2",
                    "flush_interval_byte_size", "10", "grpc", "true"),
            "TracingService", Map.of("service", "z:9411", "driver", "zipkin", "sampling", "{random: 5}",
                    "custom_tags", "[{tag: t, literal: {value: v}}]", "config", "{collector_endpoint: /x}",
                    "tag_headers", "[h]", "stats_name", "s"),
            "Module", Map.of("gzip", "{min_content_length: 10}", "buffer", "{max_request_bytes: 10}",
                    "lua_scripts", "\"function envoy_on_request(h) end\"", "grpc_stats", "{all_methods: true}",
                    "ip_allow", "[{peer: 10.0.0.1}]", "runtime_flags", "{http.max_requests_per_io_cycle: 1}",
                    "envoy_log_type", "json", "envoy_log_format", "{a: b}", "keepalive", "{idle_time: 5}",
                    "set_current_client_cert_details", "{uri: true}"),
            "Mapping", Map.of("hostname", "\"*\"", "prefix", "/labeled/", "service", "labeled",
                    "labels", "{d: [{g: [{generic_key: {value: v}}]}]}", "bypass_auth", "false",
                    "auth_context_extensions", "{a: b}", "keepalive", "{probes: 2}"));

    private static final List<String> SPOILERS = List.of("null", "42", "-1", "0", "1.5", "true", "\"\"", "\"x\"",
            "[]", "[null]", "[1, {a: b}]", "{}", "{a: {b: [c]}}", "\"" + "y".repeat(300) + "\"", "\"\\u0000\"",
            "\"::1/200\"", "\"999.1.1.1\"", "[{peer: x}]", "[{remote: \"::/0\"}, {peer: 0.0.0.0/0}]",
            "{max_bytes: -3}", "{code: 0}", "[{tag: \"\", request_header: {name: \"\"}}]",
            "{ambassador: [{g: [{request_headers: {key: \"\", header_name: \"\"}}]}]}",
            "{ambassador: [{g: [{generic_key: {value: \"\"}}]}]}", "{random: 100.5}", "4294967296");

    private static final EnvoyConstraints CONSTRAINTS = new EnvoyConstraints();

    private static String document(String kind, Map<String, String> fields) {
        boolean module = kind.equals("Module");
        String indent = module ? "    " : "  ";
        StringBuilder spec = new StringBuilder(module ? "  config:\n" : "");
        fields.forEach((k, v) -> spec.append(indent).append(k).append(": ").append(v).append('\n'));
        if (fields.isEmpty()) {
            spec.append(indent).append("{}\n");
        }
        return "---\napiVersion: getambassador.io/v3alpha1\nkind: " + kind + "\nmetadata: {name: "
                + (module ? "ambassador" : "victim") + "}\nspec:\n" + spec;
    }

    private static CompileResult compile(String yaml) {
        return Fixtures.COMPILER.compile(Fixtures.parse("test.yaml", yaml));
    }

    private static void assertRestSurvives(CompileResult result, String what) {
        assertThat(result.envoy().listeners()).as(what).extracting(l -> l.getName()).contains("http");
        assertThat(result.envoy().clusters()).as(what).extracting(c -> c.getName()).contains("cluster_good_default");
        assertThat(result.envoy().routeConfigurations().toString()).as(what).contains("/good/");
        result.envoy().listeners().forEach(l -> assertThat(CONSTRAINTS.violations(l)).as(what).isEmpty());
        result.envoy().clusters().forEach(c -> assertThat(CONSTRAINTS.violations(c)).as(what).isEmpty());
        result.envoy().routeConfigurations().forEach(rc -> assertThat(CONSTRAINTS.violations(rc)).as(what)
                .isEmpty());
    }

    @Test
    void validDocumentsOfEveryKindCompileWithoutErrors() {
        StringBuilder yaml = new StringBuilder(BASE);
        VALID.forEach((kind, fields) -> yaml.append(document(kind, fields)));
        CompileResult result = compile(yaml.toString());
        assertThat(result.diagnostics()).filteredOn(d -> d.severity() == Diagnostic.Severity.ERROR).isEmpty();
        assertRestSurvives(result, "valid");
        String listener = result.envoy().listeners().get(0).toString();
        assertThat(listener).contains("envoy.filters.http.ext_authz", "envoy.filters.http.ratelimit",
                "envoy.access_loggers.http_grpc", "envoy.zipkin", "envoy.filters.http.gzip",
                "envoy.filters.http.buffer", "envoy.filters.http.rbac", "envoy.filters.http.grpc_stats");
        assertThat(result.envoy().routeConfigurations().toString()).contains("rate_limits", "envoy.filters.http.ext_authz");
    }

    @Test
    void everySpoiledFieldIsADiagnosticNotAnException() {
        for (Map.Entry<String, Map<String, String>> kind : VALID.entrySet()) {
            for (String field : kind.getValue().keySet()) {
                for (String spoiler : SPOILERS) {
                    Map<String, String> fields = new java.util.TreeMap<>(kind.getValue());
                    fields.put(field, spoiler);
                    String what = kind.getKey() + "." + field + " = " + spoiler;
                    CompileResult result = compile(BASE + document(kind.getKey(), fields));
                    assertRestSurvives(result, what);
                }
            }
        }
    }

    @Test
    void randomMixturesOfSpoiledFieldsNeverThrow() {
        Random random = new Random(7);
        List<String> kinds = List.copyOf(new java.util.TreeSet<>(VALID.keySet()));
        for (int i = 0; i < 200; i++) {
            StringBuilder yaml = new StringBuilder(BASE);
            for (String kind : kinds) {
                Map<String, String> fields = new java.util.TreeMap<>(VALID.get(kind));
                for (String field : List.copyOf(fields.keySet())) {
                    int dice = random.nextInt(4);
                    if (dice == 0) {
                        fields.put(field, SPOILERS.get(random.nextInt(SPOILERS.size())));
                    } else if (dice == 1) {
                        fields.remove(field);
                    }
                }
                yaml.append(document(kind, fields));
            }
            assertRestSurvives(compile(yaml.toString()), "mixture " + i);
        }
    }

    @Test
    void brokenAuthServiceFailsClosedAndSaysSo() {
        CompileResult result = compile(BASE + document("AuthService", Map.of("auth_service", "auth:3000",
                "proto", "grpc")));
        assertThat(result.diagnostics()).anySatisfy(d -> {
            assertThat(d.source()).isEqualTo("AuthService/victim.default");
            assertThat(d.message()).contains("protocol_version");
        });
        assertThat(result.envoy().listeners().get(0).toString()).contains("envoy.filters.http.lua")
                .doesNotContain("envoy.filters.http.ext_authz");
    }

    /** A further AuthService that differs in one setting besides auth_service, and the field's name in the error. */
    private static final Map<String, String> CANARY_CONFLICTS = Map.ofEntries(Map.entry("proto", "grpc"),
            Map.entry("path_prefix", "/y"), Map.entry("timeout_ms", "200"), Map.entry("add_auth_headers", "{k: w}"),
            Map.entry("include_body", "{max_bytes: 20}"), Map.entry("failure_mode_allow", "false"),
            Map.entry("status_on_error", "{code: 502}"), Map.entry("protocol_version", "v2"),
            Map.entry("stats_name", "t"), Map.entry("circuit_breakers", "[{max_requests: 4}]"),
            Map.entry("auth_service", "\"https://auth-tls:3000\""));

    @Test
    void aConflictingFurtherAuthServiceIsDiagnosedByFieldAndTheFirstKeepsWorking() {
        String first = document("AuthService", VALID.get("AuthService"));
        for (Map.Entry<String, String> conflict : CANARY_CONFLICTS.entrySet()) {
            Map<String, String> fields = new java.util.TreeMap<>(VALID.get("AuthService"));
            fields.put("auth_service", "auth-next:3001");
            fields.put(conflict.getKey(), conflict.getValue());
            String what = "canary with " + conflict.getKey() + " = " + conflict.getValue();
            CompileResult result = compile(BASE + first
                    + document("AuthService", fields).replace("name: victim", "name: zz-canary"));
            assertRestSurvives(result, what);
            assertThat(result.diagnostics()).as(what).anySatisfy(d -> {
                assertThat(d.source()).isEqualTo("AuthService/zz-canary.default");
                assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
                assertThat(d.message()).startsWith("spec." + conflict.getKey() + ": ")
                        .contains("AuthService/victim.default");
            });
            assertThat(result.diagnostics()).as(what)
                    .noneMatch(d -> d.source().equals("AuthService/victim.default"));
            assertThat(result.envoy().listeners().get(0).toString()).as(what)
                    .contains("envoy.filters.http.ext_authz", "cluster_extauth_auth_3000_default");
            String authCluster = result.envoy().clusters().stream()
                    .filter(c -> c.getName().startsWith("cluster_extauth_")).toList().toString();
            assertThat(authCluster).as(what).contains("auth").doesNotContain("auth-next", "auth-tls");
        }
    }

    @Test
    void aFurtherAuthServiceThatDiffersOnlyInItsServiceJoinsTheFirstsCluster() {
        Map<String, String> fields = new java.util.TreeMap<>(VALID.get("AuthService"));
        fields.put("auth_service", "auth-next.other:3001");
        fields.put("allowed_request_headers", "[x-more]");
        CompileResult result = compile(BASE + document("AuthService", VALID.get("AuthService"))
                + document("AuthService", fields).replace("name: victim", "name: zz-canary"));
        assertThat(result.diagnostics()).filteredOn(d -> d.severity() == Diagnostic.Severity.ERROR).isEmpty();
        var cluster = result.envoy().clusters().stream()
                .filter(c -> c.getName().startsWith("cluster_extauth_auth_3000_default")).findFirst().orElseThrow();
        assertThat(cluster.getLoadAssignment().getEndpoints(0).getLbEndpointsList())
                .extracting(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress() + ":"
                        + e.getEndpoint().getAddress().getSocketAddress().getPortValue())
                .containsExactly("auth:3000", "auth-next.other:3001");
        assertThat(result.envoy().clusters()).noneMatch(c -> c.getName().contains("auth_next"));
        assertThat(result.envoy().listeners().get(0).toString()).contains("x-more");
    }
}
