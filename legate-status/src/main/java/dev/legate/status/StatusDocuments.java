package dev.legate.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The status Legate wants on one object, as JSON. Pure: the previous status (what was last written or seen) only
 * supplies timestamps, so that an unchanged outcome gives an identical document and nothing is written.
 *
 * <p>Per kind, Legate owns some fields of {@code status} and leaves any other field alone:
 * <ul>
 *   <li>Mapping: Emissary's {@code state} ({@code Running} / {@code Inactive}) and {@code reason} (the first
 *       error, with " (and more)" when there are several, as Emissary summarizes them), plus {@code conditions};
 *   <li>Host: Emissary's {@code state} ({@code Ready} / {@code Error}), {@code errorReason} and
 *       {@code errorTimestamp}, plus {@code conditions}. Emissary's {@code phaseCompleted}, {@code phasePending}
 *       and {@code errorBackoff} describe ACME progress; Legate does no ACME, so it clears them;
 *   <li>TCPMapping and Listener (Emissary writes no status for them): {@code conditions};
 *   <li>Ingress: {@code loadBalancer}, copied from the gateway Service's {@code status.loadBalancer}.
 * </ul>
 * The condition is Kubernetes' standard one: type {@code Accepted}, status {@code True} (reason {@code Accepted};
 * the message lists warnings, if any) or {@code False} (reason {@code Rejected}; the message lists the errors).
 */
final class StatusDocuments {

    private StatusDocuments() {}

    static final String ACCEPTED = "Accepted";
    static final String REJECTED = "Rejected";
    /** Messages are cut here: a status is not the place for a whole error log (the diagnostics page is). */
    static final int MAX_MESSAGE = 4096;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

    private static final Map<String, List<String>> OWNED = Map.of(
            "Mapping", List.of("state", "reason", "conditions"),
            "Host", List.of("state", "phaseCompleted", "phasePending", "errorReason", "errorTimestamp",
                    "errorBackoff", "conditions"),
            "TCPMapping", List.of("conditions"),
            "Listener", List.of("conditions"),
            "Ingress", List.of("loadBalancer"));

    /** The {@code status} fields Legate writes for {@code kind}. */
    static List<String> ownedFields(String kind) {
        List<String> owned = OWNED.get(kind);
        if (owned == null) {
            throw new IllegalArgumentException("kind: " + kind + " (expected one of " + OWNED.keySet() + ")");
        }
        return owned;
    }

    /** The owned fields of {@code status} (absent or non-object: an empty object). */
    static ObjectNode owned(String kind, @Nullable JsonNode status) {
        ObjectNode out = JSON.objectNode();
        if (status != null && status.isObject()) {
            for (String field : ownedFields(kind)) {
                JsonNode value = status.get(field);
                if (value != null && !value.isNull()) {
                    out.set(field, value.deepCopy());
                }
            }
        }
        return out;
    }

    /**
     * The status wanted for {@code outcome}.
     *
     * @param previous the owned fields last written or seen, or an empty object
     * @param loadBalancer the gateway Service's {@code status.loadBalancer} (used for Ingress only)
     */
    static ObjectNode desired(ResourceOutcome outcome, ObjectNode previous, @Nullable JsonNode loadBalancer,
            Instant now) {
        boolean accepted = outcome.verdict() == ResourceOutcome.Verdict.ACCEPTED;
        ObjectNode status = JSON.objectNode();
        switch (outcome.key().kind()) {
            case "Mapping" -> {
                status.put("state", accepted ? "Running" : "Inactive");
                if (!accepted) {
                    status.put("reason", cut(outcome.errors().getFirst()
                            + (outcome.errors().size() > 1 ? " (and more)" : "")));
                }
                status.set("conditions", conditions(outcome, previous, now));
            }
            case "Host" -> {
                status.put("state", accepted ? "Ready" : "Error");
                if (!accepted) {
                    String reason = cut(String.join("; ", outcome.errors()));
                    status.put("errorReason", reason);
                    JsonNode since = previous.get("errorTimestamp");
                    status.put("errorTimestamp", previous.path("state").asText().equals("Error") && since != null
                            && since.isTextual() ? since.asText() : time(now));
                }
                status.set("conditions", conditions(outcome, previous, now));
            }
            case "TCPMapping", "Listener" -> status.set("conditions", conditions(outcome, previous, now));
            case "Ingress" -> status.set("loadBalancer", ingressLoadBalancer(loadBalancer));
            default -> ownedFields(outcome.key().kind());
        }
        return status;
    }

    /**
     * {@code current} (an object's whole status, possibly absent) with Legate's owned fields replaced by
     * {@code wanted}'s: fields Legate does not own are kept as they are.
     */
    static ObjectNode apply(String kind, @Nullable JsonNode current, ObjectNode wanted) {
        ObjectNode status = current != null && current.isObject() ? ((ObjectNode) current).deepCopy()
                : JSON.objectNode();
        for (String field : ownedFields(kind)) {
            status.remove(field);
        }
        status.setAll(wanted.deepCopy());
        return status;
    }

    private static ArrayNode conditions(ResourceOutcome outcome, ObjectNode previous, Instant now) {
        boolean accepted = outcome.verdict() == ResourceOutcome.Verdict.ACCEPTED;
        String status = accepted ? "True" : "False";
        String transition = time(now);
        for (JsonNode old : previous.path("conditions")) {
            if (old.path("type").asText().equals(ACCEPTED) && old.path("status").asText().equals(status)
                    && old.path("lastTransitionTime").isTextual()) {
                transition = old.path("lastTransitionTime").asText();
            }
        }
        ObjectNode condition = JSON.objectNode();
        condition.put("type", ACCEPTED);
        condition.put("status", status);
        condition.put("reason", accepted ? ACCEPTED : REJECTED);
        condition.put("message", cut(accepted
                ? outcome.warnings().isEmpty() ? "accepted" : "accepted with warnings: "
                        + String.join("; ", outcome.warnings())
                : String.join("; ", outcome.errors())));
        condition.put("lastTransitionTime", transition);
        ArrayNode list = JSON.arrayNode();
        list.add(condition);
        return list;
    }

    /**
     * An Ingress's {@code status.loadBalancer} from a Service's: the same {@code ingress} entries with the fields an
     * Ingress has ({@code ip}, {@code hostname}, {@code ports}); a Service's {@code ipMode} has no place there.
     */
    static ObjectNode ingressLoadBalancer(@Nullable JsonNode serviceLoadBalancer) {
        ObjectNode out = JSON.objectNode();
        ArrayNode entries = JSON.arrayNode();
        if (serviceLoadBalancer != null) {
            for (JsonNode entry : serviceLoadBalancer.path("ingress")) {
                ObjectNode copy = JSON.objectNode();
                for (String field : List.of("ip", "hostname", "ports")) {
                    JsonNode value = entry.get(field);
                    if (value != null && !value.isNull()) {
                        copy.set(field, value.deepCopy());
                    }
                }
                entries.add(copy);
            }
        }
        if (!entries.isEmpty()) {
            out.set("ingress", entries);
        }
        return out;
    }

    static String time(Instant instant) {
        return RFC3339.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    private static String cut(String message) {
        return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 3) + "...";
    }
}
