package dev.legate.model.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Converts a v3alpha1 spec into a v2 (or v1) spec in place, per kind: the inverse of {@link SpecUp}. */
final class SpecDown {

    private SpecDown() {}

    static void convert(String kind, ObjectNode spec, boolean mangleAmbassadorId, String path, Problems problems) {
        ambassadorId(spec, mangleAmbassadorId, path, problems);
        switch (kind) {
            case Kinds.MAPPING -> mapping(spec, path, problems);
            case Kinds.TCP_MAPPING -> {
                rename(spec, "stats_name", "v3StatsName", path, problems);
                TlsOrigination.down(spec, "service", true, path, problems);
            }
            case Kinds.HOST -> host(spec, path, problems);
            case Kinds.TLS_CONTEXT -> rename(spec, "crl_secret", "v3CRLSecret", path, problems);
            case Kinds.AUTH_SERVICE -> {
                rename(spec, "stats_name", "v3StatsName", path, problems);
                rename(spec, "circuit_breakers", "v3CircuitBreakers", path, problems);
                TlsOrigination.down(spec, "auth_service", false, path, problems);
            }
            case Kinds.RATE_LIMIT_SERVICE -> {
                rename(spec, "stats_name", "v3StatsName", path, problems);
                rename(spec, "grpc", "v3GRPC", path, problems);
                TlsOrigination.down(spec, "service", false, path, problems);
            }
            case Kinds.LOG_SERVICE -> {
                rename(spec, "protocol_version", "v3ProtocolVersion", path, problems);
                rename(spec, "stats_name", "v3StatsName", path, problems);
            }
            case Kinds.TRACING_SERVICE -> tracingService(spec, path, problems);
            default -> {
                // Module, the resolvers and DevPortal are the same in both versions apart from ambassador_id.
            }
        }
    }

    /**
     * v3alpha1 ambassador_id is a list. With {@code mangle}, every item gets Emissary's v3alpha1-only marker (and
     * an absent list becomes the marked "default"), as Emissary's webhook does so that v2-only readers skip the
     * resource; without it the list is written as is.
     */
    private static void ambassadorId(ObjectNode spec, boolean mangle, String path, Problems problems) {
        JsonNode id = spec.get("ambassador_id");
        String idPath = Trees.child(path, "ambassador_id");
        if (Trees.absent(id)) {
            if (mangle) {
                spec.set("ambassador_id", Trees.NODES.arrayNode().add(SpecUp.AMBASSADOR_ID_MANGLE + "default"));
            }
            return;
        }
        if (!(id instanceof ArrayNode list)) {
            problems.error(idPath, "expected a list of strings, got " + Trees.describe(id));
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            if (!item.isTextual()) {
                problems.error(Trees.index(idPath, i), "expected a string, got " + Trees.describe(item));
                continue;
            }
            String value = item.textValue();
            if (value.startsWith(SpecUp.AMBASSADOR_ID_MANGLE)) {
                value = value.substring(SpecUp.AMBASSADOR_ID_MANGLE.length());
            }
            list.set(i, Trees.NODES.textNode(mangle ? SpecUp.AMBASSADOR_ID_MANGLE + value : value));
        }
    }

    /** Moves a v3alpha1 field to its v2 name; a field already spelled the v2 way is replaced or passed through. */
    private static void rename(ObjectNode obj, String from, String to, String path, Problems problems) {
        boolean hasFrom = obj.has(from);
        boolean hasTo = obj.has(to);
        if (hasFrom && hasTo) {
            problems.note(Trees.child(path, to), "not a getambassador.io/v3alpha1 field; replaced by the value of "
                    + Trees.child(path, from));
        } else if (hasTo) {
            problems.note(Trees.child(path, to), "not a getambassador.io/v3alpha1 field (v3alpha1 spells it " + from
                    + "); passed through unchanged");
        }
        Trees.renameInPlace(obj, from, to);
    }

    // ---- Mapping -------------------------------------------------------------------------------------------------

    private static void mapping(ObjectNode spec, String path, Problems problems) {
        rename(spec, "health_checks", "v3health_checks", path, problems);
        rename(spec, "stats_name", "v3StatsName", path, problems);
        hostnameToHost(spec, path, problems);
        boolMatches(spec, "headers", "regex_headers", "v2BoolHeaders", path, problems);
        boolMatches(spec, "query_parameters", "regex_query_parameters", "v2BoolQueryParameters", path, problems);
        addedHeaders(spec, "add_request_headers", path, problems);
        addedHeaders(spec, "add_response_headers", path, problems);
        cors(spec, path, problems);
        MappingLabels.down(spec, path, problems);
        TlsOrigination.down(spec, "service", false, path, problems);
    }

    private static void hostnameToHost(ObjectNode spec, String path, Problems problems) {
        JsonNode hostnameNode = spec.get("hostname");
        JsonNode hostNode = spec.get("host");
        JsonNode regexNode = spec.get("host_regex");
        boolean bad = false;
        for (String field : List.of("hostname", "host")) {
            JsonNode value = spec.get(field);
            if (value != null && !value.isTextual() && !value.isNull()) {
                problems.error(Trees.child(path, field), "expected a string, got " + Trees.describe(value));
                bad = true;
            }
        }
        if (regexNode != null && !regexNode.isBoolean() && !regexNode.isNull()) {
            problems.error(Trees.child(path, "host_regex"), "expected a boolean, got " + Trees.describe(regexNode));
            bad = true;
        }
        if (bad) {
            return;
        }
        String hostname = hostnameNode != null && hostnameNode.isTextual() ? hostnameNode.textValue() : "";
        String host = hostNode != null && hostNode.isTextual() ? hostNode.textValue() : "";
        boolean regex = Trees.isTrue(regexNode);
        if (!hostname.isEmpty()) {
            if (!host.isEmpty()) {
                problems.note(Trees.child(path, "host"), "ignored because hostname is set (as Emissary does); "
                        + "dropped");
                host = "";
            }
            if (regexNode != null && !regexNode.isNull()) {
                if (regex) {
                    problems.note(Trees.child(path, "host_regex"), "ignored because hostname is set; written as "
                            + "false");
                }
                spec.put("host_regex", false);
                regex = false;
            }
        } else if (host.isEmpty() && !regex) {
            hostname = SpecUp.SKIP_HOST;
        }
        String v2Host = host.isEmpty() ? hostname : host;
        if (!regex && v2Host.equals("*")) {
            v2Host = "";
        }
        if (v2Host.isEmpty()) {
            spec.remove("host");
            spec.remove("hostname");
        } else if (spec.has("host")) {
            spec.put("host", v2Host);
            spec.remove("hostname");
        } else {
            Trees.replaceInPlace(spec, "hostname", "host", Trees.NODES.textNode(v2Host));
        }
    }

    /** Names in v2BoolHeaders / v2BoolQueryParameters go back to {@code name: true}. */
    private static void boolMatches(ObjectNode spec, String field, String regexField, String markerField,
            String path, Problems problems) {
        JsonNode marker = spec.get(markerField);
        JsonNode exactNode = spec.get(field);
        JsonNode regexNode = spec.get(regexField);
        String markerPath = Trees.child(path, markerField);
        boolean bad = false;
        if (marker != null && !marker.isNull() && !marker.isArray()) {
            problems.error(markerPath, "expected a list of strings, got " + Trees.describe(marker));
            bad = true;
        }
        for (String f : new String[] {field, regexField}) {
            JsonNode n = spec.get(f);
            if (n != null && !n.isNull() && !n.isObject()) {
                problems.error(Trees.child(path, f), "expected an object, got " + Trees.describe(n));
                bad = true;
            } else if (n instanceof ObjectNode o) {
                for (Map.Entry<String, JsonNode> e : o.properties()) {
                    if (!e.getValue().isTextual() && !e.getValue().isNull()) {
                        problems.error(Trees.child(Trees.child(path, f), e.getKey()), "expected a string, got "
                                + Trees.describe(e.getValue()));
                        bad = true;
                    }
                }
            }
        }
        if (bad || marker == null) {
            return;
        }
        spec.remove(markerField);
        if (!(marker instanceof ArrayNode names)) {
            return;
        }
        ObjectNode regex = regexNode instanceof ObjectNode o ? o : null;
        ObjectNode exact = exactNode instanceof ObjectNode o ? o : null;
        boolean removedRegex = false;
        for (int i = 0; i < names.size(); i++) {
            JsonNode nameNode = names.get(i);
            if (!nameNode.isTextual()) {
                problems.error(Trees.index(markerPath, i), "expected a string, got " + Trees.describe(nameNode));
                continue;
            }
            String name = nameNode.textValue();
            JsonNode re = regex == null ? null : regex.get(name);
            if (re == null) {
                problems.note(Trees.index(markerPath, i), "names " + name + " but " + regexField
                        + " has no such entry; ignored");
                continue;
            }
            if (exact == null) {
                exact = Trees.NODES.objectNode();
                spec.set(field, exact);
            }
            if (exact.has(name)) {
                problems.note(Trees.index(markerPath, i), "names " + name + " but " + field
                        + " already matches it exactly; ignored");
                continue;
            }
            exact.put(name, true);
            if (".*".equals(Trees.text(re))) {
                regex.remove(name);
                removedRegex = true;
            }
        }
        if (removedRegex && regex.isEmpty()) {
            spec.remove(regexField);
        }
    }

    /** v3alpha1 {value, append, v2Representation} back to the v2 string / object / null. */
    private static void addedHeaders(ObjectNode spec, String field, String path, Problems problems) {
        JsonNode node = spec.get(field);
        String fieldPath = Trees.child(path, field);
        if (node != null && !node.isNull() && !node.isObject()) {
            problems.error(fieldPath, "expected an object, got " + Trees.describe(node));
            return;
        }
        if (!(node instanceof ObjectNode headers)) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : Trees.entries(headers)) {
            String entryPath = Trees.child(fieldPath, e.getKey());
            if (!(e.getValue() instanceof ObjectNode header)) {
                problems.error(entryPath, "expected an object {value, append}, got " + Trees.describe(e.getValue()));
                continue;
            }
            JsonNode value = header.get("value");
            JsonNode append = header.get("append");
            JsonNode representation = header.get("v2Representation");
            if (value != null && !value.isTextual() && !value.isNull()) {
                problems.error(Trees.child(entryPath, "value"), "expected a string, got " + Trees.describe(value));
                continue;
            }
            if (append != null && !append.isBoolean() && !append.isNull()) {
                problems.error(Trees.child(entryPath, "append"), "expected a boolean, got " + Trees.describe(append));
                continue;
            }
            if (representation != null && !representation.isNull()
                    && !Set.of("", "string", "null").contains(String.valueOf(Trees.text(representation)))) {
                problems.error(Trees.child(entryPath, "v2Representation"), "expected \"\", \"string\" or \"null\", "
                        + "got " + (representation.isTextual() ? "\"" + representation.textValue() + "\""
                        : Trees.describe(representation)));
                continue;
            }
            String rep = Trees.text(representation) == null ? "" : Trees.text(representation);
            String v = Trees.text(value) == null ? "" : Trees.text(value);
            boolean noAppend = Trees.absent(append);
            if (rep.equals("string") && noAppend) {
                headers.put(e.getKey(), v);
            } else if (rep.equals("null") && noAppend && v.isEmpty()) {
                headers.putNull(e.getKey());
            } else {
                header.remove("v2Representation");
            }
        }
    }

    private static void cors(ObjectNode spec, String path, Problems problems) {
        if (!(spec.get("cors") instanceof ObjectNode cors)) {
            return;
        }
        String corsPath = Trees.child(path, "cors");
        JsonNode comma = cors.remove("v2CommaSeparatedOrigins");
        if (comma != null && !comma.isNull() && !comma.isBoolean()) {
            problems.error(Trees.child(corsPath, "v2CommaSeparatedOrigins"), "expected a boolean, got "
                    + Trees.describe(comma));
            cors.set("v2CommaSeparatedOrigins", comma);
            return;
        }
        JsonNode origins = cors.get("origins");
        if (Trees.isTrue(comma) && origins instanceof ArrayNode list) {
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < list.size(); i++) {
                if (!list.get(i).isTextual()) {
                    problems.error(Trees.index(Trees.child(corsPath, "origins"), i), "expected a string, got "
                            + Trees.describe(list.get(i)));
                    return;
                }
                if (i > 0) {
                    joined.append(',');
                }
                joined.append(list.get(i).textValue());
            }
            cors.put("origins", joined.toString());
        }
    }

    // ---- Host --------------------------------------------------------------------------------------------------

    private static void host(ObjectNode spec, String path, Problems problems) {
        boolean hasMappingSelector = !Trees.absent(spec.get("mappingSelector"));
        if (hasMappingSelector) {
            if (!Trees.absent(spec.get("selector"))) {
                problems.note(Trees.child(path, "selector"), "the deprecated v3alpha1 selector is ignored because "
                        + "mappingSelector is set; dropped");
            }
            spec.remove("selector");
            Trees.renameInPlace(spec, "mappingSelector", "selector");
        } else {
            // Emissary falls back to the deprecated selector when mappingSelector is unset.
            JsonNode mappingSelector = spec.remove("mappingSelector");
            if (mappingSelector != null && !spec.has("selector")) {
                spec.set("selector", mappingSelector);
            }
        }
        if (spec.get("tls") instanceof ObjectNode tls) {
            rename(tls, "crl_secret", "v3CRLSecret", Trees.child(path, "tls"), problems);
        }
    }

    // ---- TracingService -----------------------------------------------------------------------------------------

    private static void tracingService(ObjectNode spec, String path, Problems problems) {
        rename(spec, "stats_name", "v3StatsName", path, problems);
        JsonNode tagHeaders = spec.get("tag_headers");
        String tagPath = Trees.child(path, "tag_headers");
        if (tagHeaders != null && !tagHeaders.isNull() && !tagHeaders.isArray()) {
            problems.error(tagPath, "expected a list of strings, got " + Trees.describe(tagHeaders));
        } else if (tagHeaders instanceof ArrayNode headers) {
            if (Trees.absent(spec.get("custom_tags"))) {
                ArrayNode customTags = Trees.NODES.arrayNode();
                for (int i = 0; i < headers.size(); i++) {
                    JsonNode header = headers.get(i);
                    if (!header.isTextual()) {
                        problems.error(Trees.index(tagPath, i), "expected a string, got " + Trees.describe(header));
                        continue;
                    }
                    ObjectNode tag = customTags.addObject();
                    tag.put("tag", header.textValue());
                    tag.putObject("request_header").put("name", header.textValue());
                }
                spec.remove("custom_tags");
                Trees.replaceInPlace(spec, "tag_headers", "custom_tags", customTags);
                problems.note(tagPath, "deprecated; became v3CustomTags with one request_header tag per header");
            } else {
                spec.remove("tag_headers");
                problems.note(tagPath, "deprecated and ignored because custom_tags is set; dropped (as Emissary "
                        + "does)");
            }
        } else if (tagHeaders != null) {
            spec.remove("tag_headers");
        }
        rename(spec, "custom_tags", "v3CustomTags", path, problems);
        if (spec.get("config") instanceof ObjectNode config) {
            rename(config, "propagation_modes", "v3PropagationModes", Trees.child(path, "config"), problems);
        }
    }
}
