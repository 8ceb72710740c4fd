package dev.legate.model.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Converts a v2 (or v1) spec into a v3alpha1 spec in place, per kind, after Emissary's conversion functions. */
final class SpecUp {

    /** Emissary prefixes ambassador_id items with this when it stores a v3alpha1-only resource as v2. */
    static final String AMBASSADOR_ID_MANGLE = "--apiVersion-v3alpha1-only--";
    /** v2's spelling of "this Mapping matches no host" (v3alpha1: an empty hostname). */
    static final String SKIP_HOST = "_skip_mapping_with_empty_host_";

    private SpecUp() {}

    static void convert(String kind, ObjectNode spec, String path, Problems problems) {
        ambassadorId(spec, path, problems);
        switch (kind) {
            case Kinds.MAPPING -> mapping(spec, path, problems);
            case Kinds.TCP_MAPPING -> {
                dropBookkeeping(spec, path, problems, TlsOrigination.EXPLICIT);
                rename(spec, "v3StatsName", "stats_name", path, problems);
                TlsOrigination.up(spec, "service", true, path, problems);
            }
            case Kinds.HOST -> host(spec, path, problems);
            case Kinds.TLS_CONTEXT -> rename(spec, "v3CRLSecret", "crl_secret", path, problems);
            case Kinds.AUTH_SERVICE -> {
                dropBookkeeping(spec, path, problems, TlsOrigination.EXPLICIT);
                rename(spec, "v3StatsName", "stats_name", path, problems);
                rename(spec, "v3CircuitBreakers", "circuit_breakers", path, problems);
                TlsOrigination.up(spec, "auth_service", false, path, problems);
            }
            case Kinds.RATE_LIMIT_SERVICE -> {
                dropBookkeeping(spec, path, problems, TlsOrigination.EXPLICIT);
                rename(spec, "v3StatsName", "stats_name", path, problems);
                rename(spec, "v3GRPC", "grpc", path, problems);
                TlsOrigination.up(spec, "service", false, path, problems);
            }
            case Kinds.LOG_SERVICE -> {
                rename(spec, "v3ProtocolVersion", "protocol_version", path, problems);
                rename(spec, "v3StatsName", "stats_name", path, problems);
            }
            case Kinds.TRACING_SERVICE -> tracingService(spec, path, problems);
            default -> {
                // Module, the resolvers and DevPortal are the same in both versions apart from ambassador_id.
            }
        }
    }

    // ---- shared rules --------------------------------------------------------------------------------------------

    /**
     * v2 accepts a single string or a list; v3alpha1 only a list. Emissary's v3alpha1-only marker is removed.
     */
    static void ambassadorId(ObjectNode spec, String path, Problems problems) {
        String idPath = Trees.child(path, "ambassador_id");
        JsonNode id = spec.get("ambassador_id");
        if (id != null && id.isTextual()) {
            ArrayNode list = Trees.NODES.arrayNode().add(id.textValue());
            spec.set("ambassador_id", list);
            problems.note(idPath, "the v2 single string \"" + id.textValue()
                    + "\" became a one-element list (converting back writes the list)");
            id = list;
        }
        if (id instanceof ArrayNode list) {
            for (int i = 0; i < list.size(); i++) {
                String item = Trees.text(list.get(i));
                if (item != null && item.startsWith(AMBASSADOR_ID_MANGLE)) {
                    list.set(i, Trees.NODES.textNode(item.substring(AMBASSADOR_ID_MANGLE.length())));
                    problems.note(Trees.index(idPath, i), "removed Emissary's \"" + AMBASSADOR_ID_MANGLE
                            + "\" marker (this resource was written as v3alpha1)");
                }
            }
        }
    }

    /**
     * Moves a v2 field to its v3alpha1 name. A field already spelled the v3alpha1 way is not a v2 field: it is
     * replaced when the v2 field is present, and otherwise passed through unchanged.
     */
    static void rename(ObjectNode obj, String from, String to, String path, Problems problems) {
        boolean hasFrom = obj.has(from);
        boolean hasTo = obj.has(to);
        if (hasFrom && hasTo) {
            problems.note(Trees.child(path, to), "not a getambassador.io/v2 field; replaced by the value of "
                    + Trees.child(path, from));
        } else if (hasTo) {
            problems.note(Trees.child(path, to), "not a getambassador.io/v2 field (v2 spells it " + from
                    + "); passed through unchanged, and v3alpha1 reads it");
        }
        Trees.renameInPlace(obj, from, to);
    }

    /** Removes v3alpha1's conversion bookkeeping fields from a v2 document, where they mean nothing. */
    static void dropBookkeeping(ObjectNode obj, String path, Problems problems, String... fields) {
        for (String field : fields) {
            if (obj.remove(field) != null) {
                problems.note(Trees.child(path, field), "v3alpha1 conversion bookkeeping is not a "
                        + "getambassador.io/v2 field; dropped");
            }
        }
    }

    /** A v2 StringOrStringList field: v3alpha1 only has the list form. */
    static void stringOrList(ObjectNode obj, String field, String path, Problems problems) {
        JsonNode value = obj.get(field);
        if (value != null && value.isTextual()) {
            obj.set(field, Trees.NODES.arrayNode().add(value.textValue()));
            problems.note(Trees.child(path, field), "the v2 single string \"" + value.textValue()
                    + "\" became a one-element list (converting back writes the list)");
        }
    }

    // ---- Mapping -------------------------------------------------------------------------------------------------

    private static void mapping(ObjectNode spec, String path, Problems problems) {
        dropBookkeeping(spec, path, problems, TlsOrigination.EXPLICIT, "v2BoolHeaders", "v2BoolQueryParameters");
        rename(spec, "v3health_checks", "health_checks", path, problems);
        rename(spec, "v3StatsName", "stats_name", path, problems);
        hostToHostname(spec, path, problems);
        boolMatches(spec, "headers", "regex_headers", "v2BoolHeaders", path, problems);
        boolMatches(spec, "query_parameters", "regex_query_parameters", "v2BoolQueryParameters", path, problems);
        addedHeaders(spec, "add_request_headers", path, problems);
        addedHeaders(spec, "add_response_headers", path, problems);
        stringOrList(spec, "remove_request_headers", path, problems);
        stringOrList(spec, "remove_response_headers", path, problems);
        cors(spec, path, problems);
        MappingLabels.up(spec, path, problems);
        TlsOrigination.up(spec, "service", false, path, problems);
    }

    /**
     * v2 {@code host} is an exact host (or a regex with {@code host_regex: true}); v3alpha1 has {@code hostname}
     * (a DNS glob) and keeps {@code host} only for the regex case. A v2 Mapping without host matches any host:
     * {@code hostname: "*"}.
     */
    private static void hostToHostname(ObjectNode spec, String path, Problems problems) {
        JsonNode host = spec.get("host");
        if (host != null && !host.isTextual() && !host.isNull()) {
            return;
        }
        JsonNode stray = spec.get("hostname");
        String hostnamePath = Trees.child(path, "hostname");
        if (Trees.isTrue(spec.get("host_regex"))) {
            if (spec.remove("hostname") != null) {
                problems.note(hostnamePath, "not a getambassador.io/v2 field; dropped, since host_regex keeps "
                        + "spec.host as a regex");
            }
            return;
        }
        String h = host != null && host.isTextual() ? host.textValue() : "";
        String hostname = h.isEmpty() ? "*" : h.equals(SKIP_HOST) ? "" : h;
        if (stray != null && !(stray.isTextual() && stray.textValue().equals(hostname))) {
            problems.note(hostnamePath, "not a getambassador.io/v2 field; replaced by the value converted from "
                    + Trees.child(path, "host"));
        }
        spec.remove("hostname");
        if (hostname.isEmpty()) {
            spec.remove("host");
        } else if (host != null) {
            Trees.replaceInPlace(spec, "host", "hostname", Trees.NODES.textNode(hostname));
        } else {
            spec.put("hostname", hostname);
        }
    }

    /**
     * v2 {@code headers} / {@code query_parameters} values are a string (exact match) or {@code true} (present
     * with any value). v3alpha1 only has strings, so {@code true} becomes the regex {@code ".*"} and the name is
     * recorded in {@code v2BoolHeaders} / {@code v2BoolQueryParameters}.
     */
    private static void boolMatches(ObjectNode spec, String field, String regexField, String markerField,
            String path, Problems problems) {
        if (!(spec.get(field) instanceof ObjectNode matches)) {
            return;
        }
        JsonNode regexNode = spec.get(regexField);
        if (regexNode != null && !regexNode.isObject() && !regexNode.isNull()) {
            return;
        }
        String fieldPath = Trees.child(path, field);
        String regexPath = Trees.child(path, regexField);
        ObjectNode regex = regexNode instanceof ObjectNode o ? o : null;
        ObjectNode exact = Trees.NODES.objectNode();
        List<String> presence = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : matches.properties()) {
            String name = e.getKey();
            JsonNode value = e.getValue();
            String entryPath = Trees.child(fieldPath, name);
            if (Trees.isTrue(value)) {
                if (regex == null) {
                    regex = Trees.NODES.objectNode();
                    spec.set(regexField, regex);
                }
                if (regex.has(name)) {
                    problems.note(entryPath, "v2 presence match (true) is covered by "
                            + Trees.child(regexPath, name) + "; recorded in " + markerField);
                } else {
                    regex.put(name, ".*");
                    problems.note(entryPath, "v2 presence match (true) became " + Trees.child(regexPath, name)
                            + " \".*\"; recorded in " + markerField);
                }
                presence.add(name);
            } else if (value != null && (value.isBoolean() || value.isNull())) {
                problems.note(entryPath, "v2 value " + (value.isNull() ? "null" : "false")
                        + " matches nothing and has no v3alpha1 counterpart; dropped (as Emissary does)");
            } else {
                exact.set(name, value);
            }
        }
        if (exact.isEmpty() && !matches.isEmpty()) {
            spec.remove(field);
        } else {
            spec.set(field, exact);
        }
        if (!presence.isEmpty()) {
            spec.set(markerField, Trees.stringList(presence));
        }
    }

    /**
     * v2 added headers are a plain string, {value, append}, or null; v3alpha1 only has the object, and
     * {@code v2Representation} remembers a string ("string") or null ("null").
     */
    private static void addedHeaders(ObjectNode spec, String field, String path, Problems problems) {
        if (!(spec.get(field) instanceof ObjectNode headers)) {
            return;
        }
        String fieldPath = Trees.child(path, field);
        for (Map.Entry<String, JsonNode> e : Trees.entries(headers)) {
            JsonNode value = e.getValue();
            if (value == null || value.isNull()) {
                headers.set(e.getKey(), Trees.NODES.objectNode().put("v2Representation", "null"));
            } else if (value.isTextual()) {
                headers.set(e.getKey(), Trees.NODES.objectNode()
                        .put("value", value.textValue()).put("v2Representation", "string"));
            } else if (value instanceof ObjectNode full) {
                dropBookkeeping(full, Trees.child(fieldPath, e.getKey()), problems, "v2Representation");
            }
        }
    }

    /** CORS: v2 origins may be a comma-separated string; methods/headers/exposed_headers a single string. */
    private static void cors(ObjectNode spec, String path, Problems problems) {
        if (!(spec.get("cors") instanceof ObjectNode cors)) {
            return;
        }
        String corsPath = Trees.child(path, "cors");
        dropBookkeeping(cors, corsPath, problems, "v2CommaSeparatedOrigins");
        JsonNode origins = cors.get("origins");
        if (origins != null && origins.isTextual()) {
            cors.set("origins", Trees.stringList(List.of(origins.textValue().split(",", -1))));
            cors.put("v2CommaSeparatedOrigins", true);
        }
        stringOrList(cors, "methods", corsPath, problems);
        stringOrList(cors, "headers", corsPath, problems);
        stringOrList(cors, "exposed_headers", corsPath, problems);
    }

    // ---- Host ------------------------------------------------------------------------------------------------

    private static void host(ObjectNode spec, String path, Problems problems) {
        JsonNode deprecated = spec.get("ambassadorId");
        String deprecatedPath = Trees.child(path, "ambassadorId");
        if (deprecated != null) {
            List<String> extra = new ArrayList<>();
            if (deprecated.isTextual()) {
                extra.add(deprecated.textValue());
            } else if (deprecated instanceof ArrayNode list) {
                for (JsonNode item : list) {
                    if (item.isTextual()) {
                        extra.add(item.textValue());
                    }
                }
            }
            if (!deprecated.isNull() && !deprecated.isTextual() && !deprecated.isArray()) {
                return; // wrong type, already reported
            }
            if (extra.isEmpty()) {
                spec.remove("ambassadorId");
                problems.note(deprecatedPath, "the deprecated spelling of ambassador_id is empty; dropped");
            } else {
                JsonNode main = spec.get("ambassador_id");
                ArrayNode merged = main instanceof ArrayNode a ? a : Trees.NODES.arrayNode();
                extra.forEach(item -> merged.add(item.startsWith(AMBASSADOR_ID_MANGLE)
                        ? item.substring(AMBASSADOR_ID_MANGLE.length()) : item));
                if (main instanceof ArrayNode) {
                    spec.remove("ambassadorId");
                } else {
                    Trees.replaceInPlace(spec, "ambassadorId", "ambassador_id", merged);
                }
                problems.note(deprecatedPath, "the deprecated spelling of ambassador_id was merged into "
                        + Trees.child(path, "ambassador_id") + " (v3alpha1 has only that field)");
            }
        }
        rename(spec, "selector", "mappingSelector", path, problems);
        if (spec.get("tls") instanceof ObjectNode tls) {
            rename(tls, "v3CRLSecret", "crl_secret", Trees.child(path, "tls"), problems);
        }
    }

    // ---- TracingService ----------------------------------------------------------------------------------------

    private static void tracingService(ObjectNode spec, String path, Problems problems) {
        rename(spec, "v3StatsName", "stats_name", path, problems);
        JsonNode tagHeaders = spec.get("tag_headers");
        String tagPath = Trees.child(path, "tag_headers");
        if (tagHeaders instanceof ArrayNode headers && Trees.absent(spec.get("v3CustomTags"))) {
            // Emissary: tag_headers alone become custom_tags (v3alpha1's deprecated tag_headers stays unset).
            ArrayNode customTags = Trees.NODES.arrayNode();
            for (JsonNode header : headers) {
                if (header.isTextual()) {
                    ObjectNode tag = customTags.addObject();
                    tag.put("tag", header.textValue());
                    tag.putObject("request_header").put("name", header.textValue());
                }
            }
            spec.remove("v3CustomTags");
            if (spec.remove("custom_tags") != null) {
                problems.note(Trees.child(path, "custom_tags"), "not a getambassador.io/v2 field; replaced by "
                        + "the value converted from " + tagPath);
            }
            Trees.replaceInPlace(spec, "tag_headers", "custom_tags", customTags);
            problems.note(tagPath, "deprecated; became custom_tags with one request_header tag per header "
                    + "(converting back writes v3CustomTags, not tag_headers)");
        } else {
            if (tagHeaders instanceof ArrayNode) {
                spec.remove("tag_headers");
                problems.note(tagPath, "deprecated and ignored because v3CustomTags is set; dropped (as Emissary "
                        + "does)");
            } else if (tagHeaders != null && tagHeaders.isNull()) {
                spec.remove("tag_headers");
            }
            rename(spec, "v3CustomTags", "custom_tags", path, problems);
        }
        if (spec.get("config") instanceof ObjectNode config) {
            rename(config, "v3PropagationModes", "propagation_modes", Trees.child(path, "config"), problems);
        }
    }
}
