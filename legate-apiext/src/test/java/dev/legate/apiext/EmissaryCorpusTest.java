package dev.legate.apiext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A local check against Emissary-ingress's own conversion test data (the {@code conversion} directory under
 * {@code EMISSARY_TESTDATA}, read in place, never copied): every v2 object round-trips through v3alpha1 (and v1) and
 * every v3alpha1 object through v2 (and v1), through the webhook, unchanged. Emissary's own test
 * ({@code pkg/api/getambassador.io/conversion_test.go}) checks the same round trips. Skipped, saying so, where that
 * data is absent (as in a plain clone).
 */
final class EmissaryCorpusTest {

    private final ConversionReviews reviews = new ConversionReviews(
            new ObjectConverter(ObjectConverter.AmbassadorIdMarking.UNCHANGED));

    private static Path corpus() {
        String dir = System.getenv().getOrDefault("EMISSARY_TESTDATA", "");
        Path path = Path.of(dir, "conversion");
        Assumptions.assumeTrue(Files.isDirectory(path), "Emissary's conversion corpus is not at " + path
                + " (set EMISSARY_TESTDATA); skipped");
        return path;
    }

    private static List<ObjectNode> load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return TestDocs.documents(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Stream<DynamicTest> roundTrips(String version, List<String> vias) {
        Path dir = corpus().resolve(version);
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                List<ObjectNode> docs = load(file);
                for (int i = 0; i < docs.size(); i++) {
                    ObjectNode doc = docs.get(i);
                    for (String via : vias) {
                        if (via.endsWith("/v1") && doc.path("kind").asText().equals("Host")) {
                            continue; // v1 never had Host
                        }
                        tests.add(dynamicTest(file.getFileName() + "[" + i + "] " + TestDocs.name(doc) + " via "
                                + via, () -> {
                                    ObjectNode mid = TestDocs.converted(TestDocs.send(reviews, via, List.of(doc)))
                                            .getFirst();
                                    ObjectNode back = TestDocs.converted(TestDocs.send(reviews,
                                            doc.get("apiVersion").textValue(), List.of(mid))).getFirst();
                                    assertThat(back).isEqualTo(doc);
                                }));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(tests).as("documents in " + dir).isNotEmpty();
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> emissaryV2ObjectsRoundTrip() {
        return roundTrips("v2", List.of("getambassador.io/v3alpha1", "getambassador.io/v1"));
    }

    @TestFactory
    Stream<DynamicTest> emissaryV3alpha1ObjectsRoundTrip() {
        return roundTrips("v3alpha1", List.of("getambassador.io/v2", "getambassador.io/v1"));
    }
}
