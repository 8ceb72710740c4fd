package dev.legate.apiext;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one {@code apiextensions.k8s.io/v1} ConversionReview.
 *
 * <p>A request that is not a ConversionReview this webhook can answer (not JSON, another apiVersion or kind, no
 * {@code request.uid}) gets HTTP 400 with a one-line message. A well-formed review whose objects cannot be converted
 * (an unknown kind or version, a Listener asked for in v2, a conversion that would lose data) gets a ConversionReview
 * whose {@code response.result} is a {@code Failure} naming each object and field, as the API server expects; it
 * shows that message to whoever made the request. Nothing here throws on bad input, and no stack trace is ever sent.
 */
final class ConversionReviews {

    static final String API_VERSION = "apiextensions.k8s.io/v1";
    static final String KIND = "ConversionReview";
    /** At most this many object failures are spelled out in one message. */
    static final int MAX_FAILURES_SHOWN = 10;

    private static final Logger LOG = LoggerFactory.getLogger(ConversionReviews.class);

    private final ObjectMapper json;
    private final ObjectConverter converter;

    ConversionReviews(ObjectConverter converter) {
        this.converter = Objects.requireNonNull(converter, "converter");
        this.json = JsonMapper.builder()
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        this.json.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(500)
                .build());
    }

    /** The reply to a request body (already size-checked by the caller). */
    Reply review(byte[] body) {
        if (body.length == 0) {
            return Reply.error(400, "empty request body; expected an " + API_VERSION + " " + KIND);
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            return Reply.error(400, "the request body is not valid JSON: " + describe(e));
        } catch (IOException | RuntimeException e) {
            return Reply.error(400, "the request body is not valid JSON: " + e.getClass().getSimpleName());
        }
        if (root == null || root.isMissingNode()) {
            return Reply.error(400, "empty request body; expected an " + API_VERSION + " " + KIND);
        }
        if (!(root instanceof ObjectNode review)) {
            return Reply.error(400, "expected a JSON object (an " + API_VERSION + " " + KIND + "), got "
                    + root.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        JsonNode apiVersion = review.get("apiVersion");
        if (apiVersion == null || !API_VERSION.equals(apiVersion.asText(null))) {
            return Reply.error(400, "apiVersion " + shown(apiVersion) + " is not supported: this webhook answers "
                    + API_VERSION + " " + KIND + "s (set conversionReviewVersions: [v1] in the CRD)");
        }
        JsonNode kind = review.get("kind");
        if (kind == null || !KIND.equals(kind.asText(null))) {
            return Reply.error(400, "kind " + shown(kind) + " is not supported: expected " + KIND);
        }
        if (!(review.get("request") instanceof ObjectNode request)) {
            return Reply.error(400, "request: missing or not an object");
        }
        JsonNode uidNode = request.get("uid");
        if (uidNode == null || !uidNode.isTextual() || uidNode.textValue().isEmpty()) {
            return Reply.error(400, "request.uid: missing, empty or not a string");
        }
        String uid = uidNode.textValue();

        JsonNode desiredNode = request.get("desiredAPIVersion");
        if (desiredNode == null || !desiredNode.isTextual()) {
            return failure(uid, "request.desiredAPIVersion: missing or not a string");
        }
        String desired = desiredNode.textValue();
        if (!ObjectConverter.VERSIONS.contains(desired)) {
            return failure(uid, "request.desiredAPIVersion: \"" + desired + "\" is not one of "
                    + ObjectConverter.V1 + ", " + ObjectConverter.V2 + ", " + ObjectConverter.V3ALPHA1);
        }
        if (!(request.get("objects") instanceof ArrayNode objects)) {
            return failure(uid, "request.objects: missing or not a list");
        }

        ArrayNode converted = json.getNodeFactory().arrayNode(objects.size());
        List<String> failures = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < objects.size(); i++) {
            JsonNode object = objects.get(i);
            if (!(object instanceof ObjectNode o)) {
                failed++;
                addFailure(failures, "objects[" + i + "]: expected an object, got "
                        + object.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
                continue;
            }
            switch (converter.convert(o, desired)) {
                case ObjectConverter.Converted c -> converted.add(c.object());
                case ObjectConverter.Failed f -> {
                    failed++;
                    addFailure(failures, "objects[" + i + "] " + name(o) + ": " + String.join("; ", f.problems()));
                }
            }
        }
        if (failed > 0) {
            if (failed > failures.size()) {
                failures.add("and " + (failed - failures.size()) + " more");
            }
            return failure(uid, "cannot convert " + failed + " of " + objects.size() + " objects to " + desired
                    + ": " + String.join(" | ", failures));
        }
        ObjectNode response = responseTo(uid);
        response.set("convertedObjects", converted);
        response.putObject("result").put("status", "Success");
        return write(uid, response);
    }

    private Reply failure(String uid, String message) {
        LOG.warn("ConversionReview {} failed: {}", uid, message);
        ObjectNode response = responseTo(uid);
        response.putObject("result").put("status", "Failure").put("message", message);
        return write(uid, response);
    }

    private ObjectNode responseTo(String uid) {
        ObjectNode response = json.getNodeFactory().objectNode();
        response.put("uid", uid);
        return response;
    }

    private Reply write(String uid, ObjectNode response) {
        ObjectNode review = json.getNodeFactory().objectNode();
        review.put("apiVersion", API_VERSION);
        review.put("kind", KIND);
        review.set("response", response);
        try {
            return Reply.json(json.writeValueAsBytes(review));
        } catch (JsonProcessingException e) {
            LOG.error("cannot write the response to ConversionReview {}", uid, e);
            return Reply.error(500, "internal error: cannot write the response (" + e.getOriginalMessage() + ")");
        }
    }

    private static void addFailure(List<String> failures, String message) {
        if (failures.size() < MAX_FAILURES_SHOWN) {
            failures.add(message.length() > 1000 ? message.substring(0, 1000) + "..." : message);
        }
    }

    /** {@code Kind namespace/name} of an object, as far as it says. */
    static String name(ObjectNode object) {
        String kind = object.path("kind").asText("?");
        JsonNode metadata = object.path("metadata");
        String ns = metadata.path("namespace").asText("");
        String name = metadata.path("name").asText("?");
        return (kind.isEmpty() ? "?" : kind) + " " + (ns.isEmpty() ? "" : ns + "/") + name;
    }

    private static String shown(@Nullable JsonNode node) {
        if (node == null) {
            return "(missing)";
        }
        String text = node.toString();
        return text.length() > 100 ? text.substring(0, 100) + "..." : text;
    }

    private static String describe(JacksonException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            message = e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        JsonLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            message += " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
        }
        return message;
    }
}
