package dev.legate.model.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Mapping {@code labels} (rate-limit descriptors): {@code domain -> [ {group -> [specifier]} ]}.
 *
 * <p>v2 specifiers are a string ({@code source_cluster}, {@code destination_cluster}, {@code remote_address}, or
 * any other string as a generic key), {@code {generic_key: value}}, or {@code {key: {header, omit_if_not_present}}}.
 * v3alpha1 spells each as a one-key object mirroring Envoy's rate-limit actions; {@code v2Shorthand} on a generic
 * key remembers that v2 used the bare-string form.
 */
final class MappingLabels {

    private static final Set<String> WELL_KNOWN = Set.of("source_cluster", "destination_cluster", "remote_address");
    /** Go's precedence when a v3alpha1 specifier sets more than one action. */
    private static final List<String> V3_ACTIONS =
            List.of("source_cluster", "destination_cluster", "request_headers", "remote_address", "generic_key");

    private MappingLabels() {}

    private interface SpecifierConverter {
        @Nullable JsonNode convert(@Nullable JsonNode specifier, String path, Problems problems);
    }

    static void up(ObjectNode spec, String path, Problems problems) {
        walk(spec, path, problems, MappingLabels::specifierUp);
    }

    static void down(ObjectNode spec, String path, Problems problems) {
        walk(spec, path, problems, MappingLabels::specifierDown);
    }

    private static void walk(ObjectNode spec, String path, Problems problems, SpecifierConverter converter) {
        JsonNode labels = spec.get("labels");
        if (!(labels instanceof ObjectNode domains)) {
            return;
        }
        String labelsPath = Trees.child(path, "labels");
        for (Map.Entry<String, JsonNode> domain : domains.properties()) {
            if (!(domain.getValue() instanceof ArrayNode groups)) {
                continue;
            }
            String domainPath = Trees.child(labelsPath, domain.getKey());
            for (int g = 0; g < groups.size(); g++) {
                if (!(groups.get(g) instanceof ObjectNode group)) {
                    continue;
                }
                for (Map.Entry<String, JsonNode> named : group.properties()) {
                    if (!(named.getValue() instanceof ArrayNode specifiers)) {
                        continue;
                    }
                    String groupPath = Trees.child(Trees.index(domainPath, g), named.getKey());
                    for (int i = 0; i < specifiers.size(); i++) {
                        JsonNode converted = converter.convert(specifiers.get(i), Trees.index(groupPath, i), problems);
                        if (converted != null) {
                            specifiers.set(i, converted);
                        }
                    }
                }
            }
        }
    }

    /** Returns the v3alpha1 specifier, or null to leave the value unchanged (after reporting an error). */
    private static @Nullable JsonNode specifierUp(@Nullable JsonNode s, String path, Problems problems) {
        if (Trees.absent(s)) {
            problems.note(path, "a null label specifier adds nothing to the descriptor; v3alpha1 writes it as {}");
            return Trees.NODES.objectNode();
        }
        if (s.isTextual()) {
            String value = s.textValue();
            ObjectNode out = Trees.NODES.objectNode();
            if (WELL_KNOWN.contains(value)) {
                out.putObject(value).put("key", value);
            } else {
                out.putObject("generic_key").put("value", value).put("v2Shorthand", true);
            }
            return out;
        }
        if (!(s instanceof ObjectNode object)) {
            problems.error(path, "expected a label specifier (a string or an object), got " + Trees.describe(s));
            return null;
        }
        if (object.isEmpty()) {
            problems.error(path, "expected a label specifier, got an empty object");
            return null;
        }
        if (object.size() == 1) {
            Map.Entry<String, JsonNode> only = object.properties().iterator().next();
            if (only.getValue() != null && only.getValue().isObject()) {
                return headerUp(only.getKey(), (ObjectNode) only.getValue(), Trees.child(path, only.getKey()),
                        problems);
            }
        } else if (allObjects(object)) {
            problems.error(path, "a request-header label specifier must have exactly one key, got " + object.size());
            return null;
        }
        JsonNode genericKey = object.get("generic_key");
        if (genericKey != null && genericKey.isTextual()) {
            ObjectNode generic = Trees.NODES.objectNode();
            JsonNode v3Key = object.get("v3Key");
            if (v3Key != null && v3Key.isTextual() && !v3Key.textValue().isEmpty()) {
                generic.put("key", v3Key.textValue());
            } else if (v3Key != null && !v3Key.isNull() && !v3Key.isTextual()) {
                problems.error(Trees.child(path, "v3Key"), "expected a string, got " + Trees.describe(v3Key));
                return null;
            }
            generic.put("value", genericKey.textValue());
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                if (!e.getKey().equals("generic_key") && !e.getKey().equals("v3Key")) {
                    problems.note(Trees.child(path, e.getKey()), "not part of a v2 generic_key label; dropped");
                }
            }
            ObjectNode out = Trees.NODES.objectNode();
            out.set("generic_key", generic);
            return out;
        }
        if (genericKey != null) {
            problems.error(Trees.child(path, "generic_key"), "expected a string, got " + Trees.describe(genericKey));
            return null;
        }
        problems.error(path, "expected a label specifier: a string, {generic_key: <value>} or "
                + "{<key>: {header: <name>}}");
        return null;
    }

    private static boolean allObjects(ObjectNode object) {
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (e.getValue() == null || !e.getValue().isObject()) {
                return false;
            }
        }
        return true;
    }

    private static @Nullable JsonNode headerUp(String key, ObjectNode header, String path, Problems problems) {
        JsonNode name = header.get("header");
        JsonNode omit = header.get("omit_if_not_present");
        if (name == null || !name.isTextual()) {
            problems.error(Trees.child(path, "header"), name == null
                    ? "missing; a v2 request-header label needs the name of the header to read"
                    : "expected a string, got " + Trees.describe(name));
            return null;
        }
        if (omit != null && !omit.isNull() && !omit.isBoolean()) {
            problems.error(Trees.child(path, "omit_if_not_present"), "expected a boolean, got "
                    + Trees.describe(omit));
            return null;
        }
        ObjectNode requestHeaders = Trees.NODES.objectNode();
        requestHeaders.put("key", key);
        requestHeaders.put("header_name", name.textValue());
        if (omit != null && omit.isBoolean()) {
            requestHeaders.set("omit_if_not_present", omit);
        }
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            if (!e.getKey().equals("header") && !e.getKey().equals("omit_if_not_present")) {
                problems.note(Trees.child(path, e.getKey()), "not part of a v2 request-header label; dropped");
            }
        }
        ObjectNode out = Trees.NODES.objectNode();
        out.set("request_headers", requestHeaders);
        return out;
    }

    private static @Nullable JsonNode specifierDown(@Nullable JsonNode s, String path, Problems problems) {
        if (Trees.absent(s)) {
            return NullNode.getInstance();
        }
        if (!(s instanceof ObjectNode object)) {
            problems.error(path, "expected a label specifier object, got " + Trees.describe(s));
            return null;
        }
        String action = null;
        for (String candidate : V3_ACTIONS) {
            if (!Trees.absent(object.get(candidate))) {
                if (action == null) {
                    action = candidate;
                } else {
                    problems.note(Trees.child(path, candidate), "ignored because " + action
                            + " comes first (a label specifier sets a single action)");
                }
            }
        }
        if (action == null) {
            if (!object.isEmpty()) {
                problems.error(path, "expected one of " + String.join(", ", V3_ACTIONS));
                return null;
            }
            return NullNode.getInstance();
        }
        JsonNode body = object.get(action);
        String bodyPath = Trees.child(path, action);
        if (!(body instanceof ObjectNode fields)) {
            problems.error(bodyPath, "expected an object, got " + Trees.describe(body));
            return null;
        }
        switch (action) {
            case "request_headers" -> {
                String key = stringField(fields, "key", bodyPath, problems);
                String headerName = stringField(fields, "header_name", bodyPath, problems);
                JsonNode omit = fields.get("omit_if_not_present");
                if (key == null || headerName == null) {
                    return null;
                }
                if (omit != null && !omit.isNull() && !omit.isBoolean()) {
                    problems.error(Trees.child(bodyPath, "omit_if_not_present"), "expected a boolean, got "
                            + Trees.describe(omit));
                    return null;
                }
                ObjectNode header = Trees.NODES.objectNode();
                header.put("header", headerName);
                if (omit != null && omit.isBoolean()) {
                    header.set("omit_if_not_present", omit);
                }
                ObjectNode out = Trees.NODES.objectNode();
                out.set(key, header);
                return out;
            }
            case "generic_key" -> {
                String key = stringField(fields, "key", bodyPath, problems);
                String value = stringField(fields, "value", bodyPath, problems);
                JsonNode shorthand = fields.get("v2Shorthand");
                if (key == null || value == null) {
                    return null;
                }
                if (shorthand != null && !shorthand.isNull() && !shorthand.isBoolean()) {
                    problems.error(Trees.child(bodyPath, "v2Shorthand"), "expected a boolean, got "
                            + Trees.describe(shorthand));
                    return null;
                }
                if (Trees.isTrue(shorthand) && key.isEmpty()) {
                    return Trees.NODES.textNode(value);
                }
                ObjectNode out = Trees.NODES.objectNode();
                out.put("generic_key", value);
                if (!key.isEmpty()) {
                    out.put("v3Key", key);
                }
                return out;
            }
            default -> {
                String key = stringField(fields, "key", bodyPath, problems);
                return key == null ? null : Trees.NODES.textNode(key);
            }
        }
    }

    /** The string value of an optional string field ("" when absent), or null after reporting a wrong type. */
    private static @Nullable String stringField(ObjectNode fields, String name, String path, Problems problems) {
        JsonNode v = fields.get(name);
        if (Trees.absent(v)) {
            return "";
        }
        if (!v.isTextual()) {
            problems.error(Trees.child(path, name), "expected a string, got " + Trees.describe(v));
            return null;
        }
        return v.textValue();
    }
}
