package dev.legate.model.convert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Individual conversion rules, with the notes they must produce. */
final class ConversionRulesTest {

    private static final String V2 = "getambassador.io/v2";

    private static ObjectNode mapping(String specYaml) {
        return Fixtures.yaml("""
                apiVersion: getambassador.io/v2
                kind: Mapping
                metadata: {name: m, namespace: ns}
                spec:
                """ + specYaml.indent(2));
    }

    private static ObjectNode v3(String kind, String specYaml) {
        return Fixtures.yaml("""
                apiVersion: getambassador.io/v3alpha1
                kind: %s
                metadata: {name: x}
                spec:
                """.formatted(kind) + specYaml.indent(2));
    }

    private static JsonNode spec(Conversion c) {
        return c.converted().get("spec");
    }

    /**
     * Emissary's TLS table: v2 tls and service -> v3alpha1 service, v2ExplicitTLS.tls, v2ExplicitTLS.serviceScheme
     * ("-" for absent); and back again.
     */
    @ParameterizedTest(name = "tls={0} service={1}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // absent tls: nothing to record, whatever the scheme
        "-           | api            | api              | -          | -",
        "-           | HTTP://api     | HTTP://api       | -          | -",
        "-           | hTtPs://api    | hTtPs://api      | -          | -",
        // falsy tls: recorded, service untouched
        "false       | api            | api              | bool:false | -",
        "false       | https://api    | https://api      | bool:false | -",
        "''          | http://api     | http://api       | string     | -",
        "null        | HTTPS://api    | HTTPS://api      | null       | -",
        // tls: true moves into the scheme
        "true        | api            | https://api      | bool:true  | ''",
        "true        | http://api     | https://api      | bool:true  | http://",
        "true        | HTTP://api     | https://api      | bool:true  | HTTP://",
        "true        | https://api    | https://api      | bool:true  | -",
        "true        | Https://api    | Https://api      | bool:true  | -",
        // a TLSContext name stays
        "ctx         | api            | api              | -          | -",
        "ctx         | http://api     | http://api       | -          | -",
    })
    void tlsOrigination(String tls, String service, String v3Service, String explicitTls, String explicitScheme) {
        String tlsLine = tls == null ? "" : "tls: " + (tls.isEmpty() ? "\"\"" : tls) + "\n";
        ObjectNode v2 = mapping("prefix: /\nservice: " + service + "\n" + tlsLine);
        Conversion up = ToV3alpha1.convert(v2);
        assertThat(up.errors()).isEmpty();
        JsonNode s = spec(up);
        assertThat(s.get("service").textValue()).isEqualTo(v3Service);
        JsonNode explicit = s.get("v2ExplicitTLS");
        if (explicitTls == null && explicitScheme == null) {
            assertThat(explicit).isNull();
        } else {
            assertThat(explicit.path("tls").isMissingNode() ? null : explicit.path("tls").textValue())
                    .isEqualTo(explicitTls);
            assertThat(explicit.path("serviceScheme").isMissingNode() ? null
                    : explicit.path("serviceScheme").textValue()).isEqualTo(explicitScheme);
        }
        if ("ctx".equals(tls)) {
            assertThat(s.get("tls").textValue()).isEqualTo("ctx");
        } else {
            assertThat(s.has("tls")).isFalse();
        }
        if (tls != null && !"ctx".equals(tls)) {
            assertThat(up.notes()).anySatisfy(n -> assertThat(n).startsWith("spec.tls: "));
        }
        Conversion down = FromV3alpha1.convert(up.converted(), V2);
        assertThat(down.converted()).isEqualTo(v2);
    }

    @Test
    void tlsTrueNoteNamesTheField() {
        Conversion c = ToV3alpha1.convert(mapping("prefix: /\nservice: api\ntls: true"));
        assertThat(c.notes()).containsExactly("spec.tls: v2 boolean true became the https:// scheme of spec.service "
                + "(\"https://api\"); v2ExplicitTLS records the original spelling");
    }

    /** When a v3alpha1 author edits the resource, the v2ExplicitTLS hints that no longer fit are ignored. */
    @Test
    void staleV2ExplicitTlsHintsAreIgnored() {
        Conversion c = FromV3alpha1.convert(v3("Mapping", """
                prefix: /
                hostname: "*"
                service: HTTP://api
                v2ExplicitTLS: {tls: "bool:true", serviceScheme: "https://"}
                """), V2);
        assertThat(c.errors()).isEmpty();
        assertThat(spec(c).get("service").textValue()).isEqualTo("HTTP://api");
        assertThat(spec(c).has("tls")).isFalse();
        assertThat(spec(c).has("v2ExplicitTLS")).isFalse();
        assertThat(c.notes()).anySatisfy(n -> assertThat(n).startsWith("spec.v2ExplicitTLS.tls: "));
    }

    @Test
    void tcpMappingNeverRecordsAServiceScheme() {
        ObjectNode v2 = Fixtures.yaml("""
                apiVersion: getambassador.io/v2
                kind: TCPMapping
                metadata: {name: t}
                spec: {port: 9000, service: "http://db:9000", tls: true}
                """);
        Conversion c = ToV3alpha1.convert(v2);
        assertThat(spec(c).get("service").textValue()).isEqualTo("https://db:9000");
        assertThat(spec(c).get("v2ExplicitTLS")).isEqualTo(Fixtures.yaml("tls: 'bool:true'"));
        // v2 TCPMappings had no scheme, so the way back writes the bare service.
        Conversion back = FromV3alpha1.convert(c.converted(), V2);
        assertThat(back.converted().get("spec").get("service").textValue()).isEqualTo("db:9000");
        assertThat(back.converted().get("spec").get("tls").booleanValue()).isTrue();
    }

    @Test
    void hostnameWinsOverHostOnTheWayDown() {
        Conversion c = FromV3alpha1.convert(v3("Mapping", """
                prefix: /
                service: s
                hostname: shop.example
                host: other.example
                host_regex: true
                """), V2);
        assertThat(spec(c).get("host").textValue()).isEqualTo("shop.example");
        assertThat(spec(c).get("host_regex").booleanValue()).isFalse();
        assertThat(spec(c).has("hostname")).isFalse();
        assertThat(c.notes()).anySatisfy(n -> assertThat(n).startsWith("spec.host: ignored because hostname"));
    }

    @Test
    void absentHostnameMeansNoHostInV2() {
        Conversion c = FromV3alpha1.convert(v3("Mapping", "prefix: /\nservice: s"), V2);
        assertThat(spec(c).get("host").textValue()).isEqualTo("_skip_mapping_with_empty_host_");
        assertThat(spec(ToV3alpha1.convert(c.converted())).has("hostname")).isFalse();
    }

    @Test
    void presenceMatchesWithoutARegexAreIgnoredOnTheWayDown() {
        Conversion c = FromV3alpha1.convert(v3("Mapping", """
                prefix: /
                service: s
                hostname: "*"
                headers: {a: b}
                v2BoolHeaders: [gone]
                """), V2);
        assertThat(spec(c).get("headers")).isEqualTo(Fixtures.yaml("a: b"));
        assertThat(spec(c).has("v2BoolHeaders")).isFalse();
        assertThat(c.notes()).anySatisfy(n -> assertThat(n).startsWith("spec.v2BoolHeaders[0]: names gone"));
    }

    @Test
    void editedPresenceRegexIsKeptNextToTheBooleanMatch() {
        Conversion c = FromV3alpha1.convert(v3("Mapping", """
                prefix: /
                service: s
                hostname: "*"
                regex_headers: {x-a: "^v[0-9]$"}
                v2BoolHeaders: [x-a]
                """), V2);
        assertThat(spec(c).get("headers")).isEqualTo(Fixtures.yaml("x-a: true"));
        assertThat(spec(c).get("regex_headers")).isEqualTo(Fixtures.yaml("x-a: '^v[0-9]$'"));
    }

    @Test
    void headerValueOfTheWrongTypeIsAnError() {
        Conversion c = ToV3alpha1.convert(mapping("prefix: /\nservice: s\nheaders: {x-foo: [1]}"));
        assertThat(c.errors()).containsExactly("spec.headers.x-foo: expected a string or true, got a list");
    }

    @Test
    void genericLabelKeysSurviveBothWays() {
        // Emissary's v2 -> v3alpha1 drops v3Key; Legate keeps it, so that v3alpha1 -> v2 -> v3alpha1 is lossless.
        ObjectNode hub = v3("Mapping", """
                prefix: /
                service: s
                hostname: "*"
                labels:
                  ambassador:
                  - g:
                    - generic_key: {key: k, value: v}
                """);
        Conversion down = FromV3alpha1.convert(hub, V2);
        assertThat(spec(down).at("/labels/ambassador/0/g/0")).isEqualTo(Fixtures.yaml("{generic_key: v, v3Key: k}"));
        assertThat(ToV3alpha1.convert(down.converted()).converted()).isEqualTo(hub);
    }

    @Test
    void v3alpha1LabelWithSeveralActionsKeepsGosPrecedence() {
        Conversion c = FromV3alpha1.convert(v3("Mapping", """
                prefix: /
                service: s
                hostname: "*"
                labels:
                  d:
                  - g:
                    - {remote_address: {key: remote_address}, source_cluster: {key: source_cluster}}
                """), V2);
        assertThat(spec(c).at("/labels/d/0/g/0").textValue()).isEqualTo("source_cluster");
        assertThat(c.notes()).anySatisfy(n -> assertThat(n).contains("remote_address: ignored"));
    }

    @Test
    void badLabelSpecifiersAreErrors() {
        Conversion c = ToV3alpha1.convert(mapping("""
                prefix: /
                service: s
                labels:
                  d:
                  - g:
                    - 42
                    - {}
                    - {a: {header: x}, b: {header: y}}
                    - {k: {omit_if_not_present: true}}
                    - {generic_key: [x]}
                    - {something: else}
                """));
        assertThat(c.errors()).containsExactly(
                "spec.labels.d[0].g[0]: expected a label specifier (a string or an object), got an integer",
                "spec.labels.d[0].g[1]: expected a label specifier, got an empty object",
                "spec.labels.d[0].g[2]: a request-header label specifier must have exactly one key, got 2",
                "spec.labels.d[0].g[3].k.header: missing; a v2 request-header label needs the name of the header to"
                        + " read",
                "spec.labels.d[0].g[4].generic_key: expected a string, got a list",
                "spec.labels.d[0].g[5]: expected a label specifier: a string, {generic_key: <value>} or "
                        + "{<key>: {header: <name>}}");
    }

    @Test
    void fieldsSpelledTheV3alpha1WayInAV2DocumentAreReported() {
        Conversion both = ToV3alpha1.convert(mapping("prefix: /\nservice: s\nv3StatsName: a\nstats_name: b"));
        assertThat(spec(both).get("stats_name").textValue()).isEqualTo("a");
        assertThat(both.notes()).contains("spec.stats_name: not a getambassador.io/v2 field; replaced by the value of "
                + "spec.v3StatsName");
        Conversion stray = ToV3alpha1.convert(mapping("prefix: /\nservice: s\nstats_name: b"));
        assertThat(spec(stray).get("stats_name").textValue()).isEqualTo("b");
        assertThat(stray.notes()).anySatisfy(n -> assertThat(n).startsWith("spec.stats_name: not a "
                + "getambassador.io/v2 field (v2 spells it v3StatsName); passed through"));
        Conversion bookkeeping = ToV3alpha1.convert(mapping("prefix: /\nservice: s\nv2BoolHeaders: [a]"));
        assertThat(spec(bookkeeping).has("v2BoolHeaders")).isFalse();
        assertThat(bookkeeping.notes()).anySatisfy(n -> assertThat(n).startsWith("spec.v2BoolHeaders: "));
    }

    @Test
    void unknownFieldsPassThroughEverywhere() {
        ObjectNode v2 = Fixtures.yaml("""
                apiVersion: getambassador.io/v2
                kind: Mapping
                extraTopLevel: 1
                metadata: {name: m, uid: abc, finalizers: [x]}
                spec:
                  prefix: /
                  service: s
                  futureField: {a: [1, {b: 2}]}
                  retry_policy: {retry_on: 5xx, backoff: {base: 1s}}
                  cors: {origins: "a,b", x-extra: 1}
                status: {state: Inactive, reason: because, extra: true}
                """);
        Conversion c = ToV3alpha1.convert(v2);
        assertThat(c.errors()).isEmpty();
        assertThat(c.converted().get("extraTopLevel").intValue()).isEqualTo(1);
        assertThat(c.converted().get("metadata")).isEqualTo(v2.get("metadata"));
        assertThat(c.converted().get("status")).isEqualTo(v2.get("status"));
        assertThat(spec(c).get("futureField")).isEqualTo(v2.get("spec").get("futureField"));
        assertThat(spec(c).get("retry_policy")).isEqualTo(v2.get("spec").get("retry_policy"));
        assertThat(spec(c).at("/cors/x-extra").intValue()).isEqualTo(1);
        assertThat(FromV3alpha1.convert(c.converted(), V2).converted()).isEqualTo(v2);
    }

    @Test
    void emissaryAmbassadorIdMarkingIsAvailableAndUndone() {
        ObjectNode hub = v3("Module", "config: {}");
        Conversion marked = FromV3alpha1.convert(hub, V2, true);
        assertThat(spec(marked).get("ambassador_id"))
                .isEqualTo(Fixtures.YAML.createArrayNode().add("--apiVersion-v3alpha1-only--default"));
        Conversion up = ToV3alpha1.convert(marked.converted());
        assertThat(spec(up).get("ambassador_id")).isEqualTo(Fixtures.YAML.createArrayNode().add("default"));

        ObjectNode withIds = v3("Module", "ambassador_id: [a, --apiVersion-v3alpha1-only--b]");
        assertThat(spec(FromV3alpha1.convert(withIds, V2, true)).get("ambassador_id")).isEqualTo(
                Fixtures.YAML.createArrayNode().add("--apiVersion-v3alpha1-only--a")
                        .add("--apiVersion-v3alpha1-only--b"));
        assertThat(spec(FromV3alpha1.convert(withIds, V2)).get("ambassador_id")).isEqualTo(
                Fixtures.YAML.createArrayNode().add("a").add("b"));
    }

    @Test
    void hostSelectorsBothWays() {
        Conversion down = FromV3alpha1.convert(v3("Host", """
                hostname: h
                selector: {matchLabels: {old: "1"}}
                mappingSelector: {matchLabels: {new: "1"}}
                """), V2);
        assertThat(spec(down).get("selector")).isEqualTo(Fixtures.yaml("matchLabels: {new: '1'}"));
        assertThat(spec(down).has("mappingSelector")).isFalse();
        assertThat(down.notes()).anySatisfy(n -> assertThat(n).startsWith("spec.selector: the deprecated"));

        Conversion deprecatedOnly = FromV3alpha1.convert(v3("Host", "selector: {matchLabels: {old: '1'}}"), V2);
        assertThat(spec(deprecatedOnly).get("selector")).isEqualTo(Fixtures.yaml("matchLabels: {old: '1'}"));
    }

    @Test
    void tracingTagHeadersIgnoredNextToCustomTags() {
        Conversion up = ToV3alpha1.convert(Fixtures.yaml("""
                apiVersion: getambassador.io/v2
                kind: TracingService
                metadata: {name: t}
                spec:
                  driver: zipkin
                  service: z
                  tag_headers: [x-a]
                  v3CustomTags: [{tag: b, literal: {value: c}}]
                """));
        assertThat(spec(up).has("tag_headers")).isFalse();
        assertThat(spec(up).get("custom_tags")).hasSize(1);
        assertThat(up.notes()).anySatisfy(n -> assertThat(n).startsWith("spec.tag_headers: deprecated and ignored"));

        Conversion down = FromV3alpha1.convert(v3("TracingService", "driver: zipkin\nservice: z\ntag_headers: [x-a]"),
                V2);
        assertThat(spec(down).get("v3CustomTags")).isEqualTo(Fixtures.YAML.createArrayNode().add(
                Fixtures.yaml("{tag: x-a, request_header: {name: x-a}}")));
    }

    @Test
    void versionsAndKinds() {
        ObjectNode v1Host = Fixtures.yaml("""
                apiVersion: getambassador.io/v1
                kind: Host
                metadata: {name: h}
                spec: {hostname: h.example}
                """);
        Conversion up = ToV3alpha1.convert(v1Host);
        assertThat(up.errors()).isEmpty();
        assertThat(up.converted().get("apiVersion").textValue()).isEqualTo("getambassador.io/v3alpha1");
        assertThat(up.notes()).containsExactly("apiVersion: getambassador.io/v1 never defined Host; converted as "
                + "getambassador.io/v2");

        assertThat(FromV3alpha1.convert(up.converted(), "getambassador.io/v1").errors())
                .containsExactly("kind: Host does not exist in getambassador.io/v1");
        assertThat(FromV3alpha1.convert(v3("Listener", "port: 8080"), V2).errors())
                .containsExactly("kind: Listener exists only in getambassador.io/v3alpha1; it has no "
                        + "getambassador.io/v2 form");
        assertThat(FromV3alpha1.convert(v3("Mapping", "prefix: /"), "getambassador.io/v4").errors())
                .containsExactly("(target apiVersion): \"getambassador.io/v4\" is not one of getambassador.io/v1, "
                        + "getambassador.io/v2, getambassador.io/v3alpha1");

        // v1 <-> v2 only changes apiVersion; asking FromV3alpha1 for v3alpha1 converts up.
        ObjectNode v2 = mapping("prefix: /\nservice: s\ntls: true");
        Conversion v1 = FromV3alpha1.convert(v2, "getambassador.io/v1");
        assertThat(v1.converted().get("apiVersion").textValue()).isEqualTo("getambassador.io/v1");
        assertThat(v1.converted().get("spec")).isEqualTo(v2.get("spec"));
        assertThat(FromV3alpha1.convert(v2, "getambassador.io/v3alpha1").converted())
                .isEqualTo(ToV3alpha1.convert(v2).converted());
    }

    @Test
    void resolverWithoutSpecIsFine() {
        Conversion c = ToV3alpha1.convert(Fixtures.yaml("""
                apiVersion: getambassador.io/v2
                kind: KubernetesEndpointResolver
                metadata: {name: endpoint}
                spec: null
                """));
        assertThat(c.errors()).isEmpty();
        assertThat(c.converted().get("spec").isNull()).isTrue();
    }

    @Test
    void generateNameStandsInForAMissingName() {
        Conversion c = ToV3alpha1.convert(Fixtures.yaml("""
                apiVersion: getambassador.io/v2
                kind: Module
                metadata: {generateName: ambassador-}
                spec: {config: {}}
                """));
        assertThat(c.errors()).isEmpty();
    }
}
