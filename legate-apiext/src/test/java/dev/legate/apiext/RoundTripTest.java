package dev.legate.apiext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Round trips through the webhook's ConversionReviews, on the project's own conversion fixtures (every kind):
 * v2 &rarr; v3alpha1 &rarr; v2, v1 &rarr; v3alpha1 &rarr; v1 and v3alpha1 &rarr; v2 (or v1) &rarr; v3alpha1 give
 * back exactly the object that went in; and so do those objects with random fields added that no version knows.
 */
final class RoundTripTest {

    private static final String V1 = "getambassador.io/v1";
    private static final String V2 = "getambassador.io/v2";
    private static final String V3 = "getambassador.io/v3alpha1";

    private final ConversionReviews reviews = new ConversionReviews(
            new ObjectConverter(ObjectConverter.AmbassadorIdMarking.UNCHANGED));

    /** Spoke documents that round-trip unchanged (the normalizing set is, by design, rewritten). */
    static List<ObjectNode> spokeDocuments() {
        List<ObjectNode> docs = new ArrayList<>();
        for (String file : TestDocs.fixtureFiles()) {
            if ((file.endsWith(".v2.yaml") && !file.startsWith("normalizing.")) || file.endsWith(".v1.yaml")) {
                docs.addAll(TestDocs.fixture(file));
            }
        }
        return docs;
    }

    static List<ObjectNode> hubDocuments() {
        List<ObjectNode> docs = new ArrayList<>();
        for (String file : TestDocs.fixtureFiles()) {
            if (file.endsWith(".v3alpha1.yaml")) {
                docs.addAll(TestDocs.fixture(file));
            }
        }
        return docs;
    }

    private ObjectNode through(ObjectNode doc, String via) {
        String back = doc.get("apiVersion").textValue();
        ObjectNode mid = TestDocs.converted(TestDocs.send(reviews, via, List.of(doc))).getFirst();
        assertThat(mid.get("apiVersion").textValue()).isEqualTo(via);
        return TestDocs.converted(TestDocs.send(reviews, back, List.of(mid))).getFirst();
    }

    @Test
    void theFixturesCoverEveryKindTheCrdsServeInMoreThanOneVersion() {
        Set<String> kinds = new TreeSet<>();
        spokeDocuments().forEach(d -> kinds.add(d.get("kind").textValue()));
        assertThat(kinds).containsExactlyInAnyOrder("AuthService", "ConsulResolver", "DevPortal", "Host",
                "KubernetesEndpointResolver", "KubernetesServiceResolver", "LogService", "Mapping", "Module",
                "RateLimitService", "TCPMapping", "TLSContext", "TracingService");
        Set<String> hubKinds = new TreeSet<>();
        hubDocuments().forEach(d -> hubKinds.add(d.get("kind").textValue()));
        assertThat(hubKinds).containsAll(kinds);
    }

    @TestFactory
    Stream<DynamicTest> spokeThroughV3alpha1IsIdentical() {
        return spokeDocuments().stream().map(doc -> dynamicTest(TestDocs.name(doc), () ->
                assertThat(through(doc, V3)).isEqualTo(doc)));
    }

    @TestFactory
    Stream<DynamicTest> v3alpha1ThroughV2IsIdentical() {
        return hubDocuments().stream().map(doc -> dynamicTest(TestDocs.name(doc), () ->
                assertThat(through(doc, V2)).isEqualTo(doc)));
    }

    @TestFactory
    Stream<DynamicTest> v3alpha1ThroughV1IsIdentical() {
        // v1 has every kind but Host.
        return hubDocuments().stream().filter(d -> !d.get("kind").textValue().equals("Host"))
                .map(doc -> dynamicTest(TestDocs.name(doc), () -> assertThat(through(doc, V1)).isEqualTo(doc)));
    }

    @Test
    void aReviewOfEveryFixtureAtOnceKeepsOrderAndCount() {
        List<ObjectNode> all = new ArrayList<>(spokeDocuments());
        all.addAll(hubDocuments());
        Collections.shuffle(all, new Random(5));
        List<ObjectNode> up = TestDocs.converted(TestDocs.send(reviews, V3, all));
        assertThat(up).hasSameSizeAs(all);
        for (int i = 0; i < all.size(); i++) {
            assertThat(up.get(i).get("metadata")).isEqualTo(all.get(i).get("metadata"));
            assertThat(up.get(i).get("apiVersion").textValue()).isEqualTo(V3);
        }
        // Each back to where it came from (one review per version, as the API server would ask).
        for (int i = 0; i < all.size(); i++) {
            String back = all.get(i).get("apiVersion").textValue();
            assertThat(TestDocs.converted(TestDocs.send(reviews, back, List.of(up.get(i)))).getFirst())
                    .as(TestDocs.name(all.get(i))).isEqualTo(all.get(i));
        }
    }

    // ---- property: fields no version knows survive ------------------------------------------------------------

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A random JSON value, at most {@code depth} levels deep. */
    private static JsonNode randomValue(Random random, int depth) {
        return switch (random.nextInt(depth > 0 ? 7 : 5)) {
            case 0 -> NODES.textNode("v" + random.nextInt(1000));
            case 1 -> NODES.numberNode(random.nextInt(100_000) - 50_000);
            case 2 -> NODES.booleanNode(random.nextBoolean());
            case 3 -> NODES.numberNode(random.nextDouble());
            case 4 -> NODES.textNode("");
            case 5 -> {
                ObjectNode o = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    o.set("k" + random.nextInt(50), randomValue(random, depth - 1));
                }
                yield o;
            }
            default -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    a.add(randomValue(random, depth - 1));
                }
                yield a;
            }
        };
    }

    /**
     * Adds fields no getambassador.io version defines: at the top of {@code spec}, in {@code metadata} labels and
     * annotations, and in {@code status}.
     */
    private static ObjectNode withUnknownFields(ObjectNode doc, Random random) {
        ObjectNode copy = doc.deepCopy();
        ObjectNode spec = copy.get("spec") instanceof ObjectNode s ? s : copy.putObject("spec");
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            spec.set("x_legate_test_" + random.nextInt(1000), randomValue(random, 3));
        }
        ObjectNode metadata = (ObjectNode) copy.get("metadata");
        if (random.nextBoolean()) {
            ObjectNode labels = metadata.get("labels") instanceof ObjectNode l ? l : metadata.putObject("labels");
            labels.put("test.legate.dev/l" + random.nextInt(100), "v" + random.nextInt(100));
        }
        if (random.nextBoolean()) {
            ObjectNode annotations = metadata.get("annotations") instanceof ObjectNode a ? a
                    : metadata.putObject("annotations");
            annotations.put("test.legate.dev/a" + random.nextInt(100), "{\"x\": " + random.nextInt(100) + "}");
        }
        if (random.nextInt(3) == 0) {
            copy.set("status", randomValue(random, 2) instanceof ObjectNode o ? o : NODES.objectNode());
        }
        return copy;
    }

    @Test
    void unknownFieldsSurviveEveryRoundTrip() {
        List<ObjectNode> spokes = spokeDocuments();
        List<ObjectNode> hubs = hubDocuments();
        Map<String, List<ObjectNode>> byVia = Map.of(V3, spokes, V2, hubs);
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            for (Map.Entry<String, List<ObjectNode>> e : byVia.entrySet()) {
                List<ObjectNode> originals = e.getValue().stream().map(d -> withUnknownFields(d, random)).toList();
                List<ObjectNode> mid = TestDocs.converted(TestDocs.send(reviews, e.getKey(), originals));
                for (int i = 0; i < originals.size(); i++) {
                    ObjectNode original = originals.get(i);
                    ObjectNode back = TestDocs.converted(TestDocs.send(reviews,
                            original.get("apiVersion").textValue(), List.of(mid.get(i)))).getFirst();
                    assertThat(back).as("seed %d: %s via %s", seed, TestDocs.name(original), e.getKey())
                            .isEqualTo(original);
                }
            }
        }
    }
}
