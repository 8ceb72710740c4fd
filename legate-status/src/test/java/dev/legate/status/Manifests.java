package dev.legate.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads manifests the way the API server would: every YAML document into fabric8's typed Kubernetes classes, with
 * any field those classes do not know reported (fabric8 keeps unknown fields in {@code additionalProperties} rather
 * than failing, so they are looked for); getambassador.io objects are checked against the project's own CRD
 * schemas.
 */
final class Manifests {

    static final YAMLMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Manifests() {}

    /** The YAML documents of {@code text} (empty documents skipped). */
    static List<ObjectNode> documents(String text) throws IOException {
        List<ObjectNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(new StringReader(text))) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc instanceof ObjectNode o && !o.isEmpty()) {
                    docs.add(o);
                }
            }
        }
        return docs;
    }

    /** The typed object of a document, and every problem found with it. */
    static HasMetadata typed(ObjectNode doc, List<String> problems) {
        HasMetadata resource = (HasMetadata) SERIALIZATION.unmarshal(doc.toString(), KubernetesResource.class);
        String where = doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
        if (!(resource instanceof GenericKubernetesResource)) {
            unknownFields(where, resource, problems);
        }
        return resource;
    }

    /** Reports every non-empty {@code additionalProperties} below {@code value}: fields its type does not have. */
    static void unknownFields(String path, Object value, List<String> problems) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?>) {
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                unknownFields(path + "[" + i++ + "]", item, problems);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(path + "." + k, v, problems));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : value.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child;
            try {
                child = m.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": unknown fields " + extra.keySet());
                }
                continue;
            }
            unknownFields(path + "." + m.getName().substring(3), child, problems);
        }
    }

    /** Checks {@code value} against an OpenAPI v3 schema of a CRD (types, properties, required, enums). */
    static void validate(String path, JsonNode value, JSONSchemaProps schema, List<String> problems) {
        if (Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields()) && schema.getType() == null) {
            return;
        }
        String type = schema.getType();
        boolean fits = switch (type == null ? "" : type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
        if (!fits) {
            problems.add(path + ": expected " + type + ", got " + value.getNodeType());
            return;
        }
        if (schema.getEnum() != null && !schema.getEnum().isEmpty()
                && schema.getEnum().stream().noneMatch(e -> JSON.valueToTree(e).equals(value))) {
            problems.add(path + ": " + value + " is not one of " + schema.getEnum());
        }
        if (value.isObject()) {
            Map<String, JSONSchemaProps> properties = schema.getProperties() == null ? Map.of()
                    : schema.getProperties();
            for (String required : schema.getRequired() == null ? List.<String>of() : schema.getRequired()) {
                if (!value.has(required)) {
                    problems.add(path + ": " + required + " is required");
                }
            }
            value.properties().forEach(e -> {
                JSONSchemaProps child = properties.get(e.getKey());
                if (child != null) {
                    validate(path + "." + e.getKey(), e.getValue(), child, problems);
                } else if (schema.getAdditionalProperties() != null
                        && schema.getAdditionalProperties().getSchema() != null) {
                    validate(path + "." + e.getKey(), e.getValue(), schema.getAdditionalProperties().getSchema(),
                            problems);
                } else if (!Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())) {
                    problems.add(path + "." + e.getKey() + ": not in the schema (would be pruned)");
                }
            });
        }
        if (value.isArray() && schema.getItems() != null && schema.getItems().getSchema() != null) {
            for (int i = 0; i < value.size(); i++) {
                validate(path + "[" + i + "]", value.get(i), schema.getItems().getSchema(), problems);
            }
        }
    }

    /** Structural-schema rules the API server enforces on a CRD: every node typed, unless it preserves anything. */
    static void structural(String path, JSONSchemaProps schema, List<String> problems) {
        boolean anything = Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())
                || Boolean.TRUE.equals(schema.getXKubernetesIntOrString());
        if (schema.getType() == null && !anything) {
            problems.add(path + ": no type");
        }
        if (schema.getProperties() != null && !schema.getProperties().isEmpty()
                && schema.getAdditionalProperties() != null) {
            problems.add(path + ": both properties and additionalProperties");
        }
        for (List<JSONSchemaProps> alternatives : java.util.Arrays.asList(schema.getOneOf(), schema.getAnyOf(),
                schema.getAllOf())) {
            if (alternatives != null) {
                for (JSONSchemaProps alternative : alternatives) {
                    if (alternative.getType() != null) {
                        problems.add(path + ": a type inside oneOf/anyOf/allOf");
                    }
                }
            }
        }
        if (schema.getProperties() != null) {
            schema.getProperties().forEach((k, v) -> structural(path + "." + k, v, problems));
        }
        if (schema.getItems() != null && schema.getItems().getSchema() != null) {
            structural(path + "[]", schema.getItems().getSchema(), problems);
        }
        if (schema.getAdditionalProperties() != null && schema.getAdditionalProperties().getSchema() != null) {
            structural(path + "{}", schema.getAdditionalProperties().getSchema(), problems);
        }
    }

    /** The v3alpha1 schema of each kind in a CRD manifest. */
    static Map<String, JSONSchemaProps> storageSchemas(List<CustomResourceDefinition> crds) {
        Map<String, JSONSchemaProps> schemas = new java.util.TreeMap<>();
        for (CustomResourceDefinition crd : crds) {
            crd.getSpec().getVersions().stream().filter(v -> v.getName().equals("v3alpha1")).forEach(v ->
                    schemas.put(crd.getSpec().getNames().getKind(), v.getSchema().getOpenAPIV3Schema()));
        }
        return schemas;
    }

    static final Set<String> AMBASSADOR_GROUP_PREFIXES = Set.of("getambassador.io/");
}
