package dev.legate.apiext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Test documents: the project's conversion fixtures, and ConversionReviews built around them. */
final class TestDocs {

    static final YAMLMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();

    private TestDocs() {}

    /** Every {@code convert/*.yaml} fixture file name (shared with legate-model's tests). */
    static List<String> fixtureFiles() {
        try {
            Path dir = Path.of(TestDocs.class.getResource("/convert").toURI());
            try (Stream<Path> files = Files.list(dir)) {
                return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The documents of a fixture file (multi-document YAML, or one YAML list). */
    static List<ObjectNode> fixture(String file) {
        try (InputStream in = TestDocs.class.getResourceAsStream("/convert/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + file);
            }
            return documents(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<ObjectNode> documents(InputStream in) throws IOException {
        List<ObjectNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(in)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc instanceof ObjectNode object) {
                    docs.add(object);
                } else if (doc instanceof ArrayNode list) {
                    list.forEach(item -> docs.add((ObjectNode) item));
                }
            }
        }
        return docs;
    }

    static ObjectNode yaml(String text) {
        try {
            return (ObjectNode) YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode json(byte[] body) {
        try {
            return (ObjectNode) JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A ConversionReview request. */
    static ObjectNode review(String uid, String desiredApiVersion, List<? extends JsonNode> objects) {
        ObjectNode review = JSON.createObjectNode();
        review.put("apiVersion", "apiextensions.k8s.io/v1");
        review.put("kind", "ConversionReview");
        ObjectNode request = review.putObject("request");
        request.put("uid", uid);
        request.put("desiredAPIVersion", desiredApiVersion);
        ArrayNode list = request.putArray("objects");
        objects.forEach(o -> list.add(o.deepCopy()));
        return review;
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a review through {@code reviews}; asserts nothing. */
    static Reply send(ConversionReviews reviews, String desired, List<? extends JsonNode> objects) {
        return reviews.review(bytes(review("uid-" + desired, desired, objects)));
    }

    /** The converted objects of a successful reply, or an AssertionError with the failure message. */
    static List<ObjectNode> converted(Reply reply) {
        if (reply.status() != 200) {
            throw new AssertionError("HTTP " + reply.status() + ": " + reply.bodyText());
        }
        ObjectNode response = (ObjectNode) json(reply.body()).get("response");
        String status = response.path("result").path("status").asText();
        if (!status.equals("Success")) {
            throw new AssertionError("review failed: " + response.path("result").path("message").asText());
        }
        List<ObjectNode> out = new ArrayList<>();
        response.get("convertedObjects").forEach(o -> out.add((ObjectNode) o));
        return out;
    }

    static String name(JsonNode doc) {
        return doc.path("apiVersion").asText() + " " + doc.path("kind").asText() + " "
                + doc.path("metadata").path("name").asText();
    }
}
