package dev.legate.model.crd;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * OpenAPI v3 (structural) schemas from the model's records: each component, under its {@code @JsonProperty} name
 * (and its {@code @JsonAlias} spellings, which the records also accept), typed from its Java type. Objects keep
 * fields they do not list (the API server would otherwise prune what the model does not know yet). Untyped
 * ({@code JsonNode}, {@code Object}) values preserve whatever they hold. {@code loose} names the JSON paths
 * (e.g. {@code config} or {@code add_request_headers}) whose schema is replaced by "anything": the places where
 * Emissary's own CRDs accept more than one JSON type, or any object.
 */
final class RecordSchemas {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private RecordSchemas() {}

    static ObjectNode of(Class<?> record, Set<String> loose) {
        return schema(record, "", loose);
    }

    private static ObjectNode schema(Type type, String path, Set<String> loose) {
        if (loose.contains(path)) {
            return anything();
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw)) {
                ObjectNode node = JSON.objectNode().put("type", "array");
                node.set("items", schema(args[0], path + "[]", loose));
                return node;
            }
            if (Map.class.isAssignableFrom(raw)) {
                ObjectNode node = JSON.objectNode().put("type", "object");
                if (args[1] == Object.class) {
                    return node.put("x-kubernetes-preserve-unknown-fields", true);
                }
                node.set("additionalProperties", schema(args[1], path + "{}", loose));
                return node;
            }
        }
        if (!(type instanceof Class<?> c)) {
            throw new IllegalArgumentException(path + ": no schema for " + type);
        }
        if (c == String.class) {
            return JSON.objectNode().put("type", "string");
        }
        if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
            return JSON.objectNode().put("type", "integer");
        }
        if (c == Double.class || c == double.class || c == Float.class || c == float.class) {
            return JSON.objectNode().put("type", "number");
        }
        if (c == Boolean.class || c == boolean.class) {
            return JSON.objectNode().put("type", "boolean");
        }
        if (c.isEnum()) {
            ObjectNode node = JSON.objectNode().put("type", "string");
            var values = node.putArray("enum");
            for (Object constant : c.getEnumConstants()) {
                values.add(constant.toString());
            }
            return node;
        }
        if (JsonNode.class.isAssignableFrom(c) || c == Object.class) {
            return anything();
        }
        if (c.isRecord()) {
            Map<String, ObjectNode> properties = new TreeMap<>();
            for (RecordComponent component : c.getRecordComponents()) {
                Field field;
                try {
                    field = c.getDeclaredField(component.getName());
                } catch (NoSuchFieldException e) {
                    throw new IllegalStateException(e);
                }
                JsonProperty property = field.getAnnotation(JsonProperty.class);
                String name = property != null && !property.value().isEmpty() ? property.value() : component.getName();
                String childPath = path.isEmpty() ? name : path + "." + name;
                ObjectNode child = schema(component.getGenericType(), childPath, loose);
                properties.put(name, child);
                JsonAlias alias = field.getAnnotation(JsonAlias.class);
                if (alias != null) {
                    for (String other : alias.value()) {
                        properties.put(other, child.deepCopy());
                    }
                }
            }
            ObjectNode node = JSON.objectNode().put("type", "object");
            ObjectNode props = node.putObject("properties");
            properties.forEach(props::set);
            // Fields the model does not know yet are kept, never pruned: nothing Emissary's CRDs accepted is lost.
            return node.put("x-kubernetes-preserve-unknown-fields", true);
        }
        throw new IllegalArgumentException(path + ": no schema for " + c.getName());
    }

    /** Any JSON value at all. */
    static ObjectNode anything() {
        return JSON.objectNode().put("x-kubernetes-preserve-unknown-fields", true);
    }
}
