package dev.legate.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.envoy.constraints.EnvoyConstraints;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Wrong values anywhere in TCPMappings, resolvers, endpoint documents, Ingresses, annotations, Knative Ingresses and
 * Istio certificate documents are diagnostics, never exceptions, and what is left is still valid for Envoy.
 */
final class UpstreamBadInputTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<JsonNode> BAD_VALUES = List.of(NODES.numberNode(42), NODES.textNode("text"),
            NODES.arrayNode().add(1), NODES.objectNode().put("a", "b"), NODES.nullNode(), NODES.booleanNode(true),
            NODES.numberNode(-1), NODES.numberNode(1e99), NODES.textNode(""), NODES.textNode("*.*:99999/x"));
    private static final Compiler KNATIVE = new Compiler(CompileOptions.fromEnvironment(
            Map.of("AMBASSADOR_KNATIVE_SUPPORT", "true")));

    @Test
    void mutatedFixturesNeverThrowAndStayValid() {
        EnvoyConstraints constraints = new EnvoyConstraints();
        Random random = new Random(Long.getLong("seed", 11));
        int compiled = 0;
        for (String fixture : List.of("tcpmapping", "resolvers", "ingress", "annotations", "knative", "istio")) {
            ResourceSnapshot base = Fixtures.snapshot(Fixtures.GOLDEN.resolve(fixture + ".in.yaml"));
            List<RawDocument> documents = base.documents();
            for (int round = 0; round < 60; round++) {
                int index = random.nextInt(documents.size());
                ObjectNode tree = documents.get(index).tree().deepCopy();
                List<JsonNode> containers = new ArrayList<>();
                collect(tree, containers);
                JsonNode target = containers.get(random.nextInt(containers.size()));
                JsonNode bad = BAD_VALUES.get(random.nextInt(BAD_VALUES.size()));
                if (target instanceof ObjectNode o && o.size() > 0) {
                    List<String> names = new ArrayList<>();
                    o.fieldNames().forEachRemaining(names::add);
                    o.set(names.get(random.nextInt(names.size())), bad);
                } else if (target instanceof ArrayNode a && a.size() > 0) {
                    a.set(random.nextInt(a.size()), bad);
                }
                List<RawDocument> mutated = new ArrayList<>(documents);
                mutated.set(index, new RawDocument(tree, documents.get(index).location()));
                CompileResult result = KNATIVE.compile(new ResourceSnapshot(mutated, base.loadDiagnostics()));
                compiled++;
                assertThat(result.diagnostics()).noneSatisfy(d ->
                        assertThat(d.message()).contains("internal error"));
                result.envoy().listeners().forEach(l -> assertThat(constraints.violations(l)).as(fixture)
                        .isEmpty());
                result.envoy().clusters().forEach(c -> assertThat(constraints.violations(c)).as(fixture)
                        .isEmpty());
                result.envoy().endpoints().forEach(e -> assertThat(constraints.violations(e)).as(fixture)
                        .isEmpty());
            }
        }
        assertThat(compiled).isEqualTo(360);
    }

    @Test
    void staticBootstrapWithInlinedEndpointsAndTcpChainsMeetsEnvoysConstraints() throws Exception {
        EnvoyConstraints constraints = new EnvoyConstraints();
        for (String fixture : List.of("tcpmapping", "resolvers", "istio")) {
            CompileResult result = Fixtures.COMPILER.compile(Fixtures.snapshot(Fixtures.GOLDEN.resolve(
                    fixture + ".in.yaml")));
            var bootstrap = dev.legate.compiler.output.EnvoyJson.bootstrap(result.envoy());
            assertThat(constraints.violations(bootstrap)).as(fixture).isEmpty();
            // What legate compile writes is that bootstrap with routes inlined: EDS clusters became STATIC.
            var written = new java.io.StringWriter();
            dev.legate.compiler.output.EnvoyJson.writeBootstrap(result.envoy(), written);
            var parsed = io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap.newBuilder();
            com.google.protobuf.util.JsonFormat.parser().usingTypeRegistry(
                    dev.legate.compiler.output.EnvoyTypes.REGISTRY).merge(written.toString(), parsed);
            assertThat(parsed.getStaticResources().getClustersList()).as(fixture).noneSatisfy(c ->
                    assertThat(c.getType()).isEqualTo(io.envoyproxy.envoy.config.cluster.v3.Cluster.DiscoveryType.EDS));
            assertThat(constraints.violations(parsed.build())).as(fixture).isEmpty();
        }
    }

    @Test
    void badTcpMappingFieldsAreNamed() {
        String base = """
                apiVersion: getambassador.io/v3alpha1
                kind: TCPMapping
                metadata: {name: victim}
                """;
        Map<String, String> cases = Map.of(
                "spec: {service: s}", "spec.port",
                "spec: {port: 1}", "spec.service",
                "spec: {port: 0, service: s}", "spec.port",
                "spec: {port: 1, service: s, address: nowhere}", "spec.address",
                "spec: {port: 1, service: s, idle_timeout_ms: [1]}", "spec.idle_timeout_ms",
                "spec: {port: 1, service: s, weight: 500}", "spec.weight",
                "spec: {port: 1, service: s, host: 'a b'}", "spec.host",
                "spec: {port: 1, service: s, circuit_breakers: [{priority: urgent}]}",
                "spec.circuit_breakers[0].priority",
                "spec: {port: 1, service: s, enable_ipv4: maybe}", "spec.enable_ipv4");
        cases.forEach((spec, field) -> {
            CompileResult result = Fixtures.COMPILER.compile(Fixtures.parse("t.yaml", base + spec + "\n"));
            assertThat(result.diagnostics()).as(spec).anySatisfy(d -> {
                assertThat(d.source()).isEqualTo("TCPMapping/victim.default");
                assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
                assertThat(d.message()).startsWith(field);
            });
        });
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            node.forEach(child -> collect(child, out));
        }
    }
}
