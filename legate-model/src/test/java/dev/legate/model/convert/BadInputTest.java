package dev.legate.model.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whatever the tree, conversion returns a result: problems are errors, never exceptions. */
final class BadInputTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V2 = "getambassador.io/v2";

    /** Converts both ways and checks the results are complete, serializable trees. */
    private static Conversion convertSafely(ObjectNode doc) {
        Conversion[] result = new Conversion[1];
        assertThatCode(() -> {
            result[0] = ToV3alpha1.convert(doc);
            assertThat(result[0].converted()).isNotNull();
            JSON.writeValueAsString(result[0].converted());
            for (String target : List.of(V2, "getambassador.io/v1", "getambassador.io/v3alpha1")) {
                Conversion down = FromV3alpha1.convert(doc, target);
                JSON.writeValueAsString(down.converted());
                Conversion downMarked = FromV3alpha1.convert(result[0].converted(), target, true);
                JSON.writeValueAsString(downMarked.converted());
            }
        }).doesNotThrowAnyException();
        return result[0];
    }

    @Test
    void nullDocumentAndNullTarget() {
        assertThat(ToV3alpha1.convert(null).errors()).containsExactly("(document): expected an object, got null");
        assertThat(FromV3alpha1.convert(null, V2).errors()).containsExactly("(document): expected an object, got null");
        ObjectNode doc = Fixtures.yaml("{apiVersion: getambassador.io/v3alpha1, kind: Module, metadata: {name: m}}");
        assertThat(FromV3alpha1.convert(doc, null).errors()).hasSize(1).allSatisfy(e ->
                assertThat(e).startsWith("(target apiVersion): null is not one of"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{kind: Mapping, metadata: {name: m}, spec: {prefix: /, service: s}}"
                + "| apiVersion: missing",
        "{apiVersion: 2, kind: Mapping, metadata: {name: m}, spec: {prefix: /, service: s}}"
                + "| apiVersion: expected a string, got an integer",
        "{apiVersion: ambassador/v0, kind: Mapping, metadata: {name: m}}"
                + "| apiVersion: \"ambassador/v0\" is not one of getambassador.io/v1, getambassador.io/v2, "
                + "getambassador.io/v3alpha1",
        "{apiVersion: getambassador.io/v2, metadata: {name: m}}"
                + "| kind: missing",
        "{apiVersion: getambassador.io/v2, kind: [Mapping], metadata: {name: m}}"
                + "| kind: expected a string, got a list",
        "{apiVersion: getambassador.io/v2, kind: Listener, metadata: {name: m}}"
                + "| kind: \"Listener\" is not a getambassador.io/v2 kind; expected one of AuthService, ConsulResolver, "
                + "DevPortal, Host, KubernetesEndpointResolver, KubernetesServiceResolver, LogService, Mapping, Module, "
                + "RateLimitService, TCPMapping, TLSContext, TracingService",
        "{apiVersion: getambassador.io/v2, kind: Mapping, spec: {prefix: /, service: s}}"
                + "| metadata: missing; every resource needs metadata.name",
        "{apiVersion: getambassador.io/v2, kind: Mapping, metadata: [m], spec: {prefix: /, service: s}}"
                + "| metadata: expected an object, got a list",
        "{apiVersion: getambassador.io/v2, kind: Mapping, metadata: {namespace: n}, spec: {prefix: /, service: s}}"
                + "| metadata.name: missing",
        "{apiVersion: getambassador.io/v2, kind: Mapping, metadata: {name: 7}, spec: {prefix: /, service: s}}"
                + "| metadata.name: expected a string, got an integer",
        "{apiVersion: getambassador.io/v2, kind: Mapping, metadata: {name: m, labels: {a: [b]}}, "
                + "spec: {prefix: /, service: s}}"
                + "| metadata.labels.a: expected a string, got a list",
        "{apiVersion: getambassador.io/v2, kind: Mapping, metadata: {name: m}, spec: null}"
                + "| spec: null; a Mapping needs spec.prefix and spec.service",
        "{apiVersion: getambassador.io/v2, kind: TCPMapping, metadata: {name: m}}"
                + "| spec: missing; a TCPMapping needs spec.port and spec.service",
        "{apiVersion: getambassador.io/v2, kind: Mapping, metadata: {name: m}, spec: [prefix]}"
                + "| spec: expected an object, got a list",
        "{apiVersion: getambassador.io/v2, kind: Module, metadata: {name: m}, spec: just-a-string}"
                + "| spec: expected an object, got a string",
        "{apiVersion: getambassador.io/v2, kind: AuthService, metadata: {name: m}, spec: {proto: http}}"
                + "| spec.auth_service: missing; an AuthService needs it",
    })
    void structuralProblems(String yaml, String expectedError) {
        Conversion c = convertSafely(Fixtures.yaml(yaml));
        assertThat(c.errors()).containsExactly(expectedError);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "Mapping          | {prefix: /, service: s, timeout_ms: 5s}"
                + "| spec.timeout_ms: expected an integer, got a string",
        "Mapping          | {prefix: /, service: s, timeout_ms: 1.5}"
                + "| spec.timeout_ms: expected an integer, got a fractional number",
        "Mapping          | {prefix: /, service: s, tls: 5}"
                + "| spec.tls: expected a boolean or a string, got an integer",
        "Mapping          | {prefix: /, service: [s]}"
                + "| spec.service: expected a string, got a list",
        "Mapping          | {prefix: /, service: s, ambassador_id: 5}"
                + "| spec.ambassador_id: expected a string or a list of strings, got an integer",
        "Mapping          | {prefix: /, service: s, ambassador_id: [a, {b: c}]}"
                + "| spec.ambassador_id[1]: expected a string, got an object",
        "Mapping          | {prefix: /, service: s, add_request_headers: {x: true}}"
                + "| spec.add_request_headers.x: expected a string, an object {value, append} or null, got a "
                + "boolean (true)",
        "Mapping          | {prefix: /, service: s, add_request_headers: {x: {value: 1}}}"
                + "| spec.add_request_headers.x.value: expected a string, got an integer",
        "Mapping          | {prefix: /, service: s, cors: {origins: 1}}"
                + "| spec.cors.origins: expected a string or a list of strings, got an integer",
        "Mapping          | {prefix: /, service: s, host: {a: b}}"
                + "| spec.host: expected a string, got an object",
        "Mapping          | {prefix: /, service: s, regex_headers: [x]}"
                + "| spec.regex_headers: expected an object, got a list",
        "Mapping          | {prefix: /, service: s, labels: {d: {g: x}}}"
                + "| spec.labels.d: expected a list, got an object",
        "Mapping          | {prefix: /, service: s, circuit_breakers: [{max_connections: lots}]}"
                + "| spec.circuit_breakers[0].max_connections: expected an integer, got a string",
        "Mapping          | {prefix: /, service: s, v3health_checks: [{health_check: {http: {path: 5}}}]}"
                + "| spec.v3health_checks[0].health_check.http.path: expected a string, got an integer",
        "Mapping          | {prefix: /, service: s, 'headers': {'a.b': {}}}"
                + "| spec.headers[\"a.b\"]: expected a string or true, got an object",
        "TCPMapping       | {port: '80', service: s}"
                + "| spec.port: expected an integer, got a string",
        "TCPMapping       | {port: 80, service: s, idle_timeout_ms: 5000}"
                + "| spec.idle_timeout_ms: expected a string, got an integer",
        "TCPMapping       | {port: 123456789012345678901234567890, service: s}"
                + "| spec.port: expected an integer, got an integer too large for 64 bits",
        "Host             | {hostname: h, selector: {matchLabels: [a]}}"
                + "| spec.selector.matchLabels: expected an object, got a list",
        "Host             | {hostname: h, ambassadorId: true}"
                + "| spec.ambassadorId: expected a string or a list of strings, got a boolean (true)",
        "Host             | {hostname: h, tls: {v3CRLSecret: [x]}}"
                + "| spec.tls.v3CRLSecret: expected a string, got a list",
        "TLSContext       | {hosts: h}"
                + "| spec.hosts: expected a list, got a string",
        "Module           | {config: [a, b]}"
                + "| spec.config: expected an object, got a list",
        "AuthService      | {auth_service: a, include_body: {max_bytes: many}}"
                + "| spec.include_body.max_bytes: expected an integer, got a string",
        "RateLimitService | {service: r, v3GRPC: true}"
                + "| spec.v3GRPC: expected an object, got a boolean (true)",
        "LogService       | {service: l, driver_config: {additional_log_headers: [{during_request: yes-please}]}}"
                + "| spec.driver_config.additional_log_headers[0].during_request: expected a boolean, got a string",
        "TracingService   | {driver: zipkin, service: z, tag_headers: [1]}"
                + "| spec.tag_headers[0]: expected a string, got an integer",
        "TracingService   | {driver: zipkin, service: z, v3CustomTags: [{tag: 1}]}"
                + "| spec.v3CustomTags[0].tag: expected a string, got an integer",
        "ConsulResolver   | {address: [a]}"
                + "| spec.address: expected a string, got a list",
        "DevPortal        | {docs: {service: s}}"
                + "| spec.docs: expected a list, got an object",
    })
    void wrongTypes(String kind, String specYaml, String expectedError) {
        ObjectNode doc = Fixtures.yaml("{apiVersion: getambassador.io/v2, kind: " + kind + ", metadata: {name: x}}");
        doc.set("spec", Fixtures.yaml(specYaml));
        Conversion c = convertSafely(doc);
        assertThat(c.errors()).containsExactly(expectedError);
    }

    @Test
    void wrongTypesOnTheWayDownAreErrors() {
        ObjectNode doc = Fixtures.yaml("""
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: m}
                spec:
                  prefix: /
                  service: s
                  hostname: 5
                  ambassador_id: default
                  v2ExplicitTLS: {tls: "bool:maybe"}
                  v2BoolHeaders: x-a
                  add_request_headers: {x: plain}
                  labels: {d: [{g: [5]}]}
                """);
        Conversion c = FromV3alpha1.convert(doc, V2);
        assertThat(c.errors()).containsExactlyInAnyOrder(
                "spec.ambassador_id: expected a list of strings, got a string",
                "spec.hostname: expected a string, got an integer",
                "spec.v2BoolHeaders: expected a list of strings, got a string",
                "spec.add_request_headers.x: expected an object {value, append}, got a string",
                "spec.labels.d[0].g[0]: expected a label specifier object, got an integer",
                "spec.v2ExplicitTLS.tls: expected one of \"\", \"null\", \"bool:true\", \"bool:false\", \"string\", "
                        + "got \"bool:maybe\"");
    }

    private static ObjectNode deepObject(int depth) {
        ObjectNode root = NODES.objectNode();
        ObjectNode current = root;
        for (int i = 0; i < depth; i++) {
            current = current.putObject("n");
        }
        return root;
    }

    private static ArrayNode deepArray(int depth) {
        ArrayNode root = NODES.arrayNode();
        ArrayNode current = root;
        for (int i = 0; i < depth; i++) {
            current = current.addArray();
        }
        return root;
    }

    @Test
    void deepNestingIsCutOffAndReported() {
        for (Consumer<ObjectNode> deepen : List.<Consumer<ObjectNode>>of(
                doc -> ((ObjectNode) doc.get("spec")).set("envoy_override", deepObject(100_000)),
                doc -> ((ObjectNode) doc.get("spec")).set("modules", deepArray(100_000)),
                doc -> doc.set("status", deepObject(20_000)),
                doc -> ((ObjectNode) doc.get("metadata")).set("annotations", deepObject(5_000)))) {
            ObjectNode doc = Fixtures.yaml("{apiVersion: getambassador.io/v2, kind: Mapping, metadata: {name: m}, "
                    + "spec: {prefix: /, service: s}}");
            deepen.accept(doc);
            Conversion c = convertSafely(doc);
            assertThat(c.errors()).anySatisfy(e -> assertThat(e).contains("the document nests deeper than "
                    + Trees.MAX_DEPTH + " levels"));
            assertThat(FromV3alpha1.convert(doc, V2).errors()).isNotEmpty();
        }
        // Deep but within the limit is fine.
        ObjectNode ok = Fixtures.yaml("{apiVersion: getambassador.io/v2, kind: Mapping, metadata: {name: m}, "
                + "spec: {prefix: /, service: s}}");
        ((ObjectNode) ok.get("spec")).set("envoy_override", deepObject(Trees.MAX_DEPTH - 5));
        assertThat(convertSafely(ok).errors()).isEmpty();
    }

    @Test
    void cyclicTreesTerminate() {
        ObjectNode doc = Fixtures.yaml("{apiVersion: getambassador.io/v2, kind: Mapping, metadata: {name: m}, "
                + "spec: {prefix: /, service: s}}");
        ObjectNode spec = (ObjectNode) doc.get("spec");
        spec.set("envoy_override", spec);
        Conversion c = ToV3alpha1.convert(doc);
        assertThat(c.errors()).anySatisfy(e -> assertThat(e).contains("nests deeper"));
        assertThatCode(() -> FromV3alpha1.convert(doc, V2)).doesNotThrowAnyException();
    }

    @Test
    void exoticNodeTypes() {
        List<JsonNode> odd = List.of(NODES.pojoNode(new Object()), NODES.binaryNode(new byte[] {1, 2}),
                NODES.numberNode(BigInteger.TEN.pow(40)), NODES.numberNode(Double.NaN),
                NODES.numberNode(Double.POSITIVE_INFINITY), NODES.missingNode(), NODES.numberNode(1e300));
        for (JsonNode value : odd) {
            for (String field : List.of("prefix", "timeout_ms", "tls", "headers", "labels", "ambassador_id", "cors")) {
                ObjectNode doc = Fixtures.yaml("{apiVersion: getambassador.io/v2, kind: Mapping, metadata: {name: m},"
                        + " spec: {prefix: /, service: s}}");
                ((ObjectNode) doc.get("spec")).set(field, value);
                assertThatCode(() -> {
                    ToV3alpha1.convert(doc);
                    FromV3alpha1.convert(doc, V2);
                }).doesNotThrowAnyException();
            }
        }
    }

    /**
     * Replaces every node of every fixture, one at a time, with values of other types; neither direction may throw,
     * and every result must serialize.
     */
    @Test
    void mutationFuzzOverAllFixtures() throws Exception {
        List<JsonNode> replacements = List.of(NODES.nullNode(), NODES.textNode(""), NODES.textNode("x,y"),
                NODES.numberNode(-1), NODES.numberNode(2.5), NODES.booleanNode(true), NODES.booleanNode(false),
                NODES.arrayNode(), NODES.arrayNode().add(1).addNull(), NODES.objectNode(),
                Fixtures.yaml("{a: {b: [c]}}"), deepObject(Trees.MAX_DEPTH + 10));
        List<ObjectNode> docs = new ArrayList<>();
        List<String> sets = new ArrayList<>(Fixtures.LOSSLESS);
        sets.add("normalizing");
        for (String set : sets) {
            docs.addAll(Fixtures.load(set + ".v2.yaml"));
            docs.addAll(Fixtures.load(set + ".v3alpha1.yaml"));
        }
        docs.addAll(Fixtures.load("v1.v1.yaml"));
        int conversions = 0;
        for (ObjectNode doc : docs) {
            List<List<Object>> paths = new ArrayList<>();
            collectPaths(doc, new ArrayList<>(), paths);
            for (List<Object> path : paths) {
                for (JsonNode replacement : replacements) {
                    ObjectNode mutated = doc.deepCopy();
                    replace(mutated, path, replacement);
                    Conversion up = ToV3alpha1.convert(mutated);
                    JSON.writeValueAsString(up.converted());
                    for (boolean mangle : new boolean[] {false, true}) {
                        JSON.writeValueAsString(FromV3alpha1.convert(mutated, V2, mangle).converted());
                        JSON.writeValueAsString(FromV3alpha1.convert(up.converted(), V2, mangle).converted());
                    }
                    conversions += 5;
                }
            }
        }
        assertThat(conversions).isGreaterThan(10_000);
    }

    private static void collectPaths(JsonNode node, List<Object> prefix, List<List<Object>> out) {
        if (!prefix.isEmpty()) {
            out.add(List.copyOf(prefix));
        }
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                prefix.add(e.getKey());
                collectPaths(e.getValue(), prefix, out);
                prefix.remove(prefix.size() - 1);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                prefix.add(i);
                collectPaths(array.get(i), prefix, out);
                prefix.remove(prefix.size() - 1);
            }
        }
    }

    private static void replace(JsonNode root, List<Object> path, JsonNode value) {
        JsonNode parent = root;
        for (int i = 0; i < path.size() - 1; i++) {
            Object step = path.get(i);
            parent = step instanceof Integer index ? parent.get(index) : parent.get((String) step);
        }
        Object last = path.get(path.size() - 1);
        if (last instanceof Integer index) {
            ((ArrayNode) parent).set(index, value);
        } else {
            ((ObjectNode) parent).set((String) last, value);
        }
    }
}
