package dev.legate.model.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.legate.model.MappingSpec;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The checked-in CRDs are what the generator makes of the model now (regenerate with
 * {@code ./mvnw -B -pl legate-model -am verify -Dcrds.update=true}), they have the shape Kubernetes requires, and
 * (where Emissary's CRDs are given in EMISSARY_TESTDATA) they accept everything Emissary's accept.
 */
final class CrdGeneratorTest {

    /** The manifest, and the Helm chart's copy of it (Helm installs CRDs from a chart's crds/ as they are). */
    static final List<Path> CHECKED_IN = List.of(Path.of("../deploy/crds/legate-crds.yaml"),
            Path.of("../deploy/chart/legate/crds/legate-crds.yaml"));
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void theCheckedInCrdsAreCurrent() throws IOException {
        String generated = CrdGenerator.yaml();
        if (Boolean.getBoolean("crds.update")) {
            for (Path file : CHECKED_IN) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, generated, StandardCharsets.UTF_8);
            }
        }
        for (Path file : CHECKED_IN) {
            assertThat(Files.isRegularFile(file)).as(file + " exists").isTrue();
            assertThat(Files.readString(file, StandardCharsets.UTF_8))
                    .as(file + " is stale: regenerate with ./mvnw -B -pl legate-model -am verify -Dcrds.update=true")
                    .isEqualTo(generated);
        }
    }

    @Test
    void generationIsDeterministic() {
        assertThat(CrdGenerator.yaml()).isEqualTo(CrdGenerator.yaml());
    }

    private static List<ObjectNode> documents(InputStream in) throws IOException {
        List<ObjectNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(in)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc instanceof ObjectNode o) {
                    docs.add(o);
                }
            }
        }
        return docs;
    }

    @Test
    void everyKindHasOneStorageVersionAndASchemaPerVersion() throws IOException {
        List<ObjectNode> crds = documents(new java.io.ByteArrayInputStream(
                CrdGenerator.yaml().getBytes(StandardCharsets.UTF_8)));
        Map<String, List<String>> versions = new TreeMap<>();
        for (ObjectNode crd : crds) {
            String kind = crd.at("/spec/names/kind").asText();
            int storage = 0;
            for (JsonNode v : crd.at("/spec/versions")) {
                versions.computeIfAbsent(kind, k -> new ArrayList<>()).add(v.path("name").asText());
                assertThat(v.path("served").asBoolean()).as(kind).isTrue();
                storage += v.path("storage").asBoolean() ? 1 : 0;
                if (v.path("storage").asBoolean()) {
                    assertThat(v.path("name").asText()).isEqualTo("v3alpha1");
                }
                assertThat(v.at("/schema/openAPIV3Schema/properties/spec/type").asText()).as(kind).isEqualTo("object");
            }
            assertThat(storage).as(kind).isEqualTo(1);
            boolean multi = crd.at("/spec/versions").size() > 1;
            assertThat(crd.at("/spec/conversion/strategy").asText()).as(kind).isEqualTo(multi ? "Webhook" : "");
        }
        assertThat(versions).containsOnlyKeys("AuthService", "ConsulResolver", "DevPortal", "Host",
                "KubernetesEndpointResolver", "KubernetesServiceResolver", "Listener", "LogService", "Mapping",
                "Module", "RateLimitService", "TCPMapping", "TLSContext", "TracingService");
        assertThat(versions.get("Mapping")).containsExactly("v1", "v2", "v3alpha1");
        assertThat(versions.get("Host")).containsExactly("v2", "v3alpha1");
        assertThat(versions.get("Listener")).containsExactly("v3alpha1");
        for (String kind : List.of("Mapping", "TCPMapping", "Host", "Listener")) {
            ObjectNode crd = crds.stream().filter(c -> c.at("/spec/names/kind").asText().equals(kind)).findFirst()
                    .orElseThrow();
            for (JsonNode v : crd.at("/spec/versions")) {
                assertThat(v.at("/subresources/status").isObject()).as(kind + " status subresource").isTrue();
                assertThat(v.at("/schema/openAPIV3Schema/properties/status/properties/conditions/type").asText())
                        .isEqualTo("array");
            }
        }
    }

    @Test
    void theMappingSchemaHasEveryFieldOfTheRecord() {
        ObjectNode mapping = CrdGenerator.crds().stream()
                .filter(c -> c.at("/spec/names/kind").asText().equals("Mapping")).findFirst().orElseThrow();
        JsonNode v3 = mapping.at("/spec/versions/2/schema/openAPIV3Schema/properties/spec/properties");
        TreeSet<String> expected = new TreeSet<>();
        for (RecordComponent c : MappingSpec.class.getRecordComponents()) {
            try {
                expected.add(MappingSpec.class.getDeclaredField(c.getName())
                        .getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class).value());
            } catch (NoSuchFieldException e) {
                throw new AssertionError(e);
            }
        }
        expected.add("ambassador_id");
        TreeSet<String> actual = new TreeSet<>();
        v3.fieldNames().forEachRemaining(actual::add);
        assertThat(actual).isEqualTo(expected);
        assertThat(v3.at("/timeout_ms/type").asText()).isEqualTo("integer");
        assertThat(v3.at("/add_request_headers/additionalProperties/properties/append/type").asText())
                .isEqualTo("boolean");
        assertThat(mapping.at("/spec/versions/1/schema/openAPIV3Schema/properties/spec/properties/tls"
                + "/x-kubernetes-preserve-unknown-fields").asBoolean()).as("v2 tls is a bool or a string").isTrue();
    }

    /**
     * Everything Emissary's CRDs accept in a spec, ours accept too: every property Emissary's schema names is there
     * (or kept by a parent that preserves unknown fields) with a compatible type. Checked against Emissary's CRDs
     * in EMISSARY_TESTDATA (never copied into the project); skipped when they are not there.
     */
    @Test
    void theSchemasAcceptWhatEmissarysAccept() throws IOException {
        Path file = Path.of(System.getenv().getOrDefault("EMISSARY_TESTDATA", ""),
                "crds.yaml");
        Assumptions.assumeTrue(Files.isRegularFile(file), "Emissary's crds.yaml is not at " + file + " (set EMISSARY_TESTDATA); skipped");
        Map<String, ObjectNode> ours = new TreeMap<>();
        for (ObjectNode crd : CrdGenerator.crds()) {
            for (JsonNode v : crd.at("/spec/versions")) {
                ours.put(crd.at("/spec/names/kind").asText() + "/" + v.path("name").asText(),
                        (ObjectNode) v.at("/schema/openAPIV3Schema/properties/spec"));
            }
        }
        List<String> problems = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (ObjectNode crd : documents(in)) {
                for (JsonNode v : crd.at("/spec/versions")) {
                    String key = crd.at("/spec/names/kind").asText() + "/" + v.path("name").asText();
                    ObjectNode mine = ours.get(key);
                    if (mine == null) {
                        problems.add(key + ": not served");
                        continue;
                    }
                    compare(key + " spec", v.at("/schema/openAPIV3Schema/properties/spec"), mine, problems);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    private static boolean anything(JsonNode schema) {
        return schema.path("x-kubernetes-preserve-unknown-fields").asBoolean() && !schema.has("type");
    }

    private static void compare(String path, JsonNode theirs, JsonNode mine, List<String> problems) {
        if (anything(mine)) {
            return;
        }
        String theirType = theirs.path("type").asText();
        String myType = mine.path("type").asText();
        if (theirType.isEmpty()) {
            if (!theirs.path("x-kubernetes-int-or-string").asBoolean() || !myType.isEmpty()) {
                problems.add(path + ": Emissary takes any type; ours takes " + myType);
            }
            return;
        }
        if (!theirType.equals(myType) && !(theirType.equals("integer") && myType.equals("number"))) {
            problems.add(path + ": Emissary takes " + theirType + "; ours takes " + myType);
            return;
        }
        switch (theirType) {
            case "object" -> {
                boolean keepsUnknown = mine.path("x-kubernetes-preserve-unknown-fields").asBoolean();
                theirs.path("properties").properties().forEach(e -> {
                    JsonNode child = mine.path("properties").get(e.getKey());
                    if (child == null) {
                        if (!keepsUnknown) {
                            problems.add(path + "." + e.getKey() + ": missing, and pruned");
                        }
                    } else {
                        compare(path + "." + e.getKey(), e.getValue(), child, problems);
                    }
                });
                if (theirs.has("additionalProperties")) {
                    JsonNode myValues = mine.get("additionalProperties");
                    if (myValues == null) {
                        if (!keepsUnknown || mine.has("properties")) {
                            problems.add(path + "{}: Emissary takes any key; ours does not");
                        }
                    } else {
                        compare(path + "{}", theirs.get("additionalProperties"), myValues, problems);
                    }
                }
            }
            case "array" -> compare(path + "[]", theirs.path("items"), mine.path("items"), problems);
            default -> {
                if (theirs.has("enum") || !mine.has("enum")) {
                    return;
                }
                problems.add(path + ": Emissary takes any value; ours an enum");
            }
        }
    }
}
