package dev.legate.model.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Document-level checks shared by both directions. */
final class Documents {

    private Documents() {}

    static Conversion result(ObjectNode converted, Problems problems) {
        return new Conversion(converted, problems.notes(), problems.errors());
    }

    /** The kind, or null after reporting why there is none. */
    static @Nullable String kind(ObjectNode doc, Problems problems) {
        JsonNode kind = doc.get("kind");
        if (kind == null) {
            problems.error("kind", "missing");
            return null;
        }
        if (!kind.isTextual()) {
            problems.error("kind", "expected a string, got " + Trees.describe(kind));
            return null;
        }
        return kind.textValue();
    }

    /** Kubernetes needs metadata.name; Legate keys every resource by it. */
    static void checkMetadata(ObjectNode doc, Problems problems) {
        JsonNode metadata = doc.get("metadata");
        if (metadata == null) {
            problems.error("metadata", "missing; every resource needs metadata.name");
            return;
        }
        if (!metadata.isObject()) {
            problems.error("metadata", "expected an object, got " + Trees.describe(metadata));
            return;
        }
        JsonNode name = metadata.get("name");
        JsonNode generateName = metadata.get("generateName");
        boolean generated = generateName != null && generateName.isTextual() && !generateName.textValue().isEmpty();
        if (name == null || name.isNull()) {
            if (!generated) {
                // (An object being created with generateName has no name yet.)
                problems.error("metadata.name", "missing");
            }
        } else if (!name.isTextual()) {
            problems.error("metadata.name", "expected a string, got " + Trees.describe(name));
        } else if (name.textValue().isEmpty() && !generated) {
            problems.error("metadata.name", "must not be empty");
        }
        for (String field : List.of("namespace", "generateName")) {
            JsonNode value = metadata.get(field);
            if (value != null && !value.isNull() && !value.isTextual()) {
                problems.error("metadata." + field, "expected a string, got " + Trees.describe(value));
            }
        }
        for (String field : List.of("labels", "annotations")) {
            JsonNode value = metadata.get(field);
            if (value != null && !value.isNull()) {
                Shape.check(value, Shape.STR_MAP, "metadata." + field, problems);
            }
        }
    }

    /**
     * The spec to convert, or null when there is none to convert (absent, null, or the wrong type; the latter is
     * reported).
     */
    static @Nullable ObjectNode spec(ObjectNode doc, Problems problems) {
        JsonNode spec = doc.get("spec");
        if (spec == null || spec.isNull()) {
            return null;
        }
        if (!(spec instanceof ObjectNode object)) {
            problems.error("spec", "expected an object, got " + Trees.describe(spec));
            return null;
        }
        return object;
    }

    /** Sets apiVersion keeping its position. */
    static void setApiVersion(ObjectNode doc, String apiVersion) {
        Trees.replaceInPlace(doc, "apiVersion", "apiVersion", Trees.NODES.textNode(apiVersion));
    }
}
