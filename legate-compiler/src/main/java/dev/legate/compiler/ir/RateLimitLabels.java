package dev.legate.compiler.ir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.legate.compiler.Diagnostic;
import dev.legate.model.ModuleSpec;
import dev.legate.model.ResourceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A Mapping's v3alpha1 {@code labels} to {@link IrLabelGroup}s, with the ambassador Module's {@code default_labels}
 * prepended as Emissary's irhttpmappinggroup.py does. A specifier that is not one of Envoy's actions is reported on
 * the Mapping, naming it, and left out (as Emissary does); the Mapping still routes.
 */
final class RateLimitLabels {

    private RateLimitLabels() {
    }

    static List<IrLabelGroup> parse(@Nullable JsonNode labels, ModuleSpec.AmbassadorConfig module, ResourceKey key,
            List<Diagnostic> diagnostics) {
        JsonNode effective = withDefaults(labels, module);
        if (effective == null || effective.isNull()) {
            return List.of();
        }
        if (!effective.isObject()) {
            diagnostics.add(Diagnostic.warning(key, "spec.labels: expected an object of domains, got "
                    + effective.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + "; no rate limit"));
            return List.of();
        }
        List<IrLabelGroup> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> domain : effective.properties()) {
            String domainPath = "spec.labels." + domain.getKey();
            if (!domain.getValue().isArray()) {
                diagnostics.add(Diagnostic.warning(key, domainPath + ": expected a list of label groups; ignored"));
                continue;
            }
            for (int g = 0; g < domain.getValue().size(); g++) {
                JsonNode group = domain.getValue().get(g);
                String groupPath = domainPath + "[" + g + "]";
                if (!group.isObject() || group.size() != 1) {
                    diagnostics.add(Diagnostic.warning(key, groupPath + ": a label group must have exactly one "
                            + "name; ignored"));
                    continue;
                }
                Map.Entry<String, JsonNode> named = group.properties().iterator().next();
                List<IrLabelGroup.Action> actions = new ArrayList<>();
                JsonNode specifiers = named.getValue();
                String specifiersPath = groupPath + "." + named.getKey();
                if (!specifiers.isArray()) {
                    diagnostics.add(Diagnostic.warning(key, specifiersPath + ": expected a list of label "
                            + "specifiers; ignored"));
                    continue;
                }
                for (int i = 0; i < specifiers.size(); i++) {
                    IrLabelGroup.Action action = action(specifiers.get(i), specifiersPath + "[" + i + "]", key,
                            diagnostics);
                    if (action != null) {
                        actions.add(action);
                    }
                }
                if (!actions.isEmpty()) {
                    out.add(new IrLabelGroup(domain.getKey(), named.getKey(), actions));
                }
            }
        }
        return out;
    }

    private static IrLabelGroup.@Nullable Action action(JsonNode s, String path, ResourceKey key,
            List<Diagnostic> diagnostics) {
        if (!s.isObject() || s.size() != 1) {
            diagnostics.add(Diagnostic.warning(key, path + ": a label specifier must have exactly one of "
                    + "source_cluster, destination_cluster, remote_address, generic_key, request_headers; left out"));
            return null;
        }
        Map.Entry<String, JsonNode> only = s.properties().iterator().next();
        JsonNode body = only.getValue();
        String at = path + "." + only.getKey();
        switch (only.getKey()) {
            case "source_cluster":
                return new IrLabelGroup.SourceCluster();
            case "destination_cluster":
                return new IrLabelGroup.DestinationCluster();
            case "remote_address":
                return new IrLabelGroup.RemoteAddress();
            case "generic_key": {
                String value = text(body, "value");
                if (value == null || value.isEmpty()) {
                    diagnostics.add(Diagnostic.warning(key, at + ".value: required; left out"));
                    return null;
                }
                String k = text(body, "key");
                return new IrLabelGroup.GenericKey(k == null || k.isEmpty() ? "generic_key" : k, value);
            }
            case "request_headers": {
                String k = text(body, "key");
                String header = text(body, "header_name");
                if (k == null || k.isEmpty() || header == null || header.isEmpty()) {
                    diagnostics.add(Diagnostic.warning(key, at + ": key and header_name are required; left out"));
                    return null;
                }
                JsonNode omit = body.get("omit_if_not_present");
                return new IrLabelGroup.RequestHeaders(k, header,
                        omit != null && omit.isBoolean() ? omit.asBoolean() : null);
            }
            default:
                diagnostics.add(Diagnostic.warning(key, at + ": not a rate limit action (source_cluster, "
                        + "destination_cluster, remote_address, generic_key, request_headers); left out"));
                return null;
        }
    }

    private static @Nullable String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    /** Emissary: without labels, the default domain's defaults form a group named "defaults"; else prepend them. */
    private static @Nullable JsonNode withDefaults(@Nullable JsonNode labels, ModuleSpec.AmbassadorConfig module) {
        JsonNode defaults = module.defaultLabels();
        if (defaults == null || !defaults.isObject()) {
            return labels;
        }
        String defaultDomain = ServiceCompiler.defaultLabelDomain(module);
        if (labels == null || labels.isNull() || (labels.isObject() && labels.isEmpty())) {
            JsonNode list = defaults.path(defaultDomain).path("defaults");
            if (!list.isArray() || list.isEmpty()) {
                return labels;
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.putArray(defaultDomain).addObject().set("defaults", list.deepCopy());
            return out;
        }
        if (!labels.isObject()) {
            return labels;
        }
        ObjectNode out = (ObjectNode) labels.deepCopy();
        for (Map.Entry<String, JsonNode> domain : out.properties()) {
            JsonNode list = defaults.path(domain.getKey()).path("defaults");
            if (!list.isArray() || list.isEmpty() || !domain.getValue().isArray()) {
                continue;
            }
            for (JsonNode group : domain.getValue()) {
                if (group instanceof ObjectNode named && named.size() == 1) {
                    Map.Entry<String, JsonNode> entry = named.properties().iterator().next();
                    if (entry.getKey().startsWith("v0_ratelimit_") || !entry.getValue().isArray()) {
                        continue;
                    }
                    ArrayNode merged = JsonNodeFactory.instance.arrayNode();
                    merged.addAll((ArrayNode) list.deepCopy());
                    merged.addAll((ArrayNode) entry.getValue());
                    named.set(entry.getKey(), merged);
                }
            }
        }
        return out;
    }
}
