package dev.legate.model.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Loads the multi-document YAML fixtures under {@code src/test/resources/convert}. */
final class Fixtures {

    static final YAMLMapper YAML = new YAMLMapper();

    /** Fixture sets whose v2 (or v1) documents survive v2 -> v3alpha1 -> v2 unchanged. */
    static final List<String> LOSSLESS = List.of("mapping", "tcpmapping", "host", "tlscontext", "module",
            "authservice", "ratelimitservice", "logservice", "tracingservice", "resolvers", "devportal");

    private Fixtures() {}

    static List<ObjectNode> load(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/convert/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + resource);
            }
            List<ObjectNode> docs = new ArrayList<>();
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(in)) {
                while (it.hasNext()) {
                    JsonNode doc = it.next();
                    if (doc instanceof ObjectNode object) {
                        docs.add(object);
                    }
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode yaml(String text) {
        try {
            return (ObjectNode) YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String name(ObjectNode doc) {
        return doc.path("kind").asText() + " " + doc.path("metadata").path("name").asText();
    }
}
