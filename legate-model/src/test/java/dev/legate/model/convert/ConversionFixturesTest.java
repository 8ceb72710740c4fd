package dev.legate.model.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every fixture pair: {@code <set>.v2.yaml} converts to {@code <set>.v3alpha1.yaml}, the result converts back to the
 * v2 document unchanged, and the v3alpha1 fixture converts down to the v2 fixture.
 */
final class ConversionFixturesTest {

    private record Pair(String label, ObjectNode spoke, ObjectNode hub) {}

    private static List<Pair> pairs(String set, String spokeSuffix) {
        List<ObjectNode> spoke = Fixtures.load(set + "." + spokeSuffix + ".yaml");
        List<ObjectNode> hub = Fixtures.load(set + ".v3alpha1.yaml");
        assertThat(hub).as(set + ": both fixture files hold the same number of documents").hasSameSizeAs(spoke);
        List<Pair> out = new ArrayList<>();
        for (int i = 0; i < spoke.size(); i++) {
            out.add(new Pair(set + "[" + i + "] " + Fixtures.name(spoke.get(i)), spoke.get(i), hub.get(i)));
        }
        return out;
    }

    private static Stream<Pair> losslessPairs() {
        List<Pair> all = new ArrayList<>();
        Fixtures.LOSSLESS.forEach(set -> all.addAll(pairs(set, "v2")));
        all.addAll(pairs("v1", "v1"));
        return all.stream();
    }

    @TestFactory
    Stream<DynamicTest> spokeConvertsToExpectedV3alpha1() {
        return losslessPairs().map(p -> dynamicTest(p.label(), () -> {
            ObjectNode before = p.spoke().deepCopy();
            Conversion c = ToV3alpha1.convert(p.spoke());
            assertThat(c.errors()).as("errors").isEmpty();
            assertThat(c.converted()).isEqualTo(p.hub());
            assertThat(p.spoke()).as("input left untouched").isEqualTo(before);
        }));
    }

    @TestFactory
    Stream<DynamicTest> spokeRoundTripsThroughV3alpha1Unchanged() {
        return losslessPairs().map(p -> dynamicTest(p.label(), () -> {
            String apiVersion = p.spoke().get("apiVersion").textValue();
            Conversion up = ToV3alpha1.convert(p.spoke());
            ObjectNode hub = up.converted().deepCopy();
            Conversion down = FromV3alpha1.convert(up.converted(), apiVersion);
            assertThat(down.errors()).as("errors").isEmpty();
            assertThat(down.converted()).isEqualTo(p.spoke());
            assertThat(up.converted()).as("input left untouched").isEqualTo(hub);
        }));
    }

    @TestFactory
    Stream<DynamicTest> hubConvertsDownToTheSpokeFixtureAndBack() {
        return losslessPairs().map(p -> dynamicTest(p.label(), () -> {
            String apiVersion = p.spoke().get("apiVersion").textValue();
            Conversion down = FromV3alpha1.convert(p.hub(), apiVersion);
            assertThat(down.errors()).as("errors").isEmpty();
            assertThat(down.converted()).isEqualTo(p.spoke());
            Conversion up = ToV3alpha1.convert(down.converted());
            assertThat(up.errors()).as("errors").isEmpty();
            assertThat(up.converted()).isEqualTo(p.hub());
        }));
    }

    @TestFactory
    Stream<DynamicTest> hubDocumentsAreCopiedUnchangedWithoutNotes() {
        return losslessPairs().map(p -> dynamicTest(p.label(), () -> {
            Conversion c = ToV3alpha1.convert(p.hub());
            assertThat(c.converted()).isEqualTo(p.hub()).isNotSameAs(p.hub());
            assertThat(c.notes()).isEmpty();
            assertThat(c.errors()).isEmpty();
            Conversion same = FromV3alpha1.convert(p.hub(), "getambassador.io/v3alpha1");
            assertThat(same.converted()).isEqualTo(p.hub()).isNotSameAs(p.hub());
            assertThat(same.notes()).isEmpty();
        }));
    }

    /** Spellings Emissary itself normalizes: the round trip gives the canonical spelling, and a note says so. */
    @TestFactory
    Stream<DynamicTest> normalizingSpellingsRoundTripToTheirCanonicalForm() {
        List<ObjectNode> v2 = Fixtures.load("normalizing.v2.yaml");
        List<ObjectNode> v3 = Fixtures.load("normalizing.v3alpha1.yaml");
        List<ObjectNode> canonical = Fixtures.load("normalizing.v2-roundtrip.yaml");
        assertThat(v3).hasSameSizeAs(v2);
        assertThat(canonical).hasSameSizeAs(v2);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < v2.size(); i++) {
            int n = i;
            tests.add(dynamicTest("normalizing[" + n + "] " + Fixtures.name(v2.get(n)), () -> {
                Conversion up = ToV3alpha1.convert(v2.get(n));
                assertThat(up.errors()).isEmpty();
                assertThat(up.notes()).as("a normalization is always reported").isNotEmpty();
                assertThat(up.converted()).isEqualTo(v3.get(n));
                Conversion down = FromV3alpha1.convert(up.converted(), "getambassador.io/v2");
                assertThat(down.errors()).isEmpty();
                assertThat(down.converted()).isEqualTo(canonical.get(n));
                // The canonical spelling is a fixed point.
                Conversion again = ToV3alpha1.convert(down.converted());
                assertThat(again.converted()).isEqualTo(v3.get(n));
                assertThat(FromV3alpha1.convert(again.converted(), "getambassador.io/v2").converted())
                        .isEqualTo(canonical.get(n));
            }));
        }
        return tests.stream();
    }

    @Test
    void everyKindIsCovered() {
        List<String> kinds = new ArrayList<>();
        Fixtures.LOSSLESS.forEach(set -> Fixtures.load(set + ".v2.yaml")
                .forEach(d -> kinds.add(d.get("kind").textValue())));
        assertThat(kinds).contains("Mapping", "TCPMapping", "Host", "TLSContext", "Module", "AuthService",
                "RateLimitService", "LogService", "TracingService", "KubernetesServiceResolver",
                "KubernetesEndpointResolver", "ConsulResolver", "DevPortal");
    }
}
