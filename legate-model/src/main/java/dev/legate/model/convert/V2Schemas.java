package dev.legate.model.convert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code getambassador.io/v2} (and v1) spec shapes this package converts from, as OpenAPI v3 schemas for the
 * CRDs: the CRDs then accept exactly what the conversion understands. A field that takes several JSON types
 * (Emissary's {@code StringOrStringList}, {@code BoolOrString}, v2 header values) cannot be typed in a structural
 * schema, so it preserves whatever it holds; objects keep fields they do not list (the conversion passes unknown
 * fields through, losslessly).
 */
public final class V2Schemas {

    private V2Schemas() {}

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** The kinds served as v2 (every convertible kind); {@code Host} is not served as v1. */
    public static Set<String> kinds() {
        return Kinds.CONVERTIBLE;
    }

    /** The spec schema of {@code kind} in v2, if it has one. */
    public static Optional<ObjectNode> specSchema(String kind) {
        Shape shape = V2Shapes.BY_KIND.get(kind);
        if (shape == null) {
            return Optional.empty();
        }
        ObjectNode schema = schema(shape);
        List<String> required = Kinds.REQUIRED.getOrDefault(kind, List.of());
        if (!required.isEmpty()) {
            ArrayNode list = schema.putArray("required");
            required.stream().sorted().forEach(list::add);
        }
        return Optional.of(schema);
    }

    /** The spec fields Emissary's CRDs mark required for {@code kind} in v1/v2. */
    public static List<String> requiredSpecFields(String kind) {
        return Kinds.REQUIRED.getOrDefault(kind, List.of());
    }

    private static ObjectNode schema(Shape shape) {
        ObjectNode node = JSON.objectNode();
        switch (shape) {
            case Shape.Str s -> node.put("type", "string");
            case Shape.Bool b -> node.put("type", "boolean");
            case Shape.Int i -> node.put("type", "integer");
            case Shape.Any a -> node.put("x-kubernetes-preserve-unknown-fields", true);
            case Shape.Alt alt -> node.put("x-kubernetes-preserve-unknown-fields", true);
            case Shape.AnyObject o -> {
                node.put("type", "object");
                node.put("x-kubernetes-preserve-unknown-fields", true);
            }
            case Shape.ListOf l -> {
                node.put("type", "array");
                node.set("items", schema(l.item()));
            }
            case Shape.MapOf m -> {
                node.put("type", "object");
                node.set("additionalProperties", schema(m.value()));
            }
            case Shape.Obj o -> {
                node.put("type", "object");
                ObjectNode properties = node.putObject("properties");
                new TreeMap<>(o.fields()).forEach((name, field) -> properties.set(name, schema(field)));
                node.put("x-kubernetes-preserve-unknown-fields", true);
            }
        }
        return node;
    }
}
