package dev.legate.model.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code tls} / service-scheme pair of Mapping, TCPMapping, AuthService and RateLimitService.
 *
 * <p>In v2 {@code tls} is a boolean or a string: a non-empty string names a TLSContext, {@code true} originates
 * TLS, and {@code false}, {@code ""} and null all mean "whatever the service's scheme says". In v3alpha1 {@code tls}
 * only names a TLSContext and TLS origination is spelled with an {@code https://} service scheme. What v3alpha1
 * cannot say (how the v2 author spelled an empty {@code tls}, and the service's original scheme) is kept in
 * {@code v2ExplicitTLS: {tls, serviceScheme}}, as Emissary does.
 */
final class TlsOrigination {

    static final String EXPLICIT = "v2ExplicitTLS";
    private static final String HTTPS = "https://";
    private static final String HTTP = "http://";
    private static final Set<String> EXPLICIT_TLS_VALUES = Set.of("", "null", "bool:true", "bool:false", "string");

    private TlsOrigination() {}

    private record Parsed(String bare, @Nullable String scheme, boolean https) {}

    private static Parsed parseService(String service) {
        String lower = service.toLowerCase(Locale.ROOT);
        if (lower.startsWith(HTTPS)) {
            return new Parsed(service.substring(HTTPS.length()), service.substring(0, HTTPS.length()), true);
        }
        if (lower.startsWith(HTTP)) {
            return new Parsed(service.substring(HTTP.length()), service.substring(0, HTTP.length()), false);
        }
        return new Parsed(service, null, false);
    }

    /**
     * v2 &rarr; v3alpha1. Wrong types were already reported by the shape check; they are left alone here.
     *
     * @param tcp TCPMappings never had a service scheme in v2, so none is recorded
     */
    static void up(ObjectNode spec, String serviceField, boolean tcp, String path, Problems problems) {
        JsonNode tls = spec.get("tls");
        JsonNode serviceNode = spec.get(serviceField);
        if (tls != null && !(tls.isNull() || tls.isBoolean() || tls.isTextual())) {
            return;
        }
        if (serviceNode != null && !serviceNode.isTextual() && !serviceNode.isNull()) {
            return;
        }
        String tlsPath = Trees.child(path, "tls");
        String servicePath = Trees.child(path, serviceField);
        String service = serviceNode != null && serviceNode.isTextual() ? serviceNode.textValue() : "";
        Parsed parsed = parseService(service);
        boolean originate = parsed.https();
        String contextName = "";
        if (tls != null && tls.isTextual() && !tls.textValue().isEmpty()) {
            originate = true;
            contextName = tls.textValue();
        } else if (Trees.isTrue(tls)) {
            originate = true;
        }
        if (!contextName.isEmpty()) {
            // tls names a TLSContext: same spelling in v3alpha1, nothing to record.
            return;
        }

        String explicitTls;
        if (tls == null) {
            explicitTls = "";
        } else if (tls.isBoolean()) {
            explicitTls = tls.booleanValue() ? "bool:true" : "bool:false";
        } else if (tls.isTextual()) {
            explicitTls = "string";
        } else {
            explicitTls = "null";
        }
        spec.remove("tls");

        String explicitScheme = null;
        String scheme = parsed.scheme() == null ? "" : parsed.scheme();
        boolean schemeIsHttps = scheme.toLowerCase(Locale.ROOT).equals(HTTPS);
        if (schemeIsHttps != originate) {
            // Only possible with tls: true and a service that is not https://.
            explicitScheme = scheme;
            String newService = HTTPS + parsed.bare();
            spec.put(serviceField, newService);
            problems.note(tlsPath, "v2 boolean true became the https:// scheme of " + servicePath + " (\""
                    + newService + "\"); " + EXPLICIT + " records the original spelling");
        } else if (explicitTls.equals("bool:true")) {
            problems.note(tlsPath, "v2 boolean true is already implied by the https:// scheme of " + servicePath
                    + "; v3alpha1 has no such value, so " + EXPLICIT + ".tls records it");
        } else if (!explicitTls.isEmpty()) {
            problems.note(tlsPath, "v2 value " + describeEmpty(explicitTls) + " means \"no TLSContext; "
                    + servicePath + " decides\"; v3alpha1 has no such value, so " + EXPLICIT + ".tls records it");
        }

        if (tcp) {
            explicitScheme = null;
        }
        // (A v2ExplicitTLS in the v2 input was already dropped as bookkeeping.)
        if (explicitTls.isEmpty() && explicitScheme == null) {
            return;
        }
        ObjectNode explicit = Trees.NODES.objectNode();
        if (!explicitTls.isEmpty()) {
            explicit.put("tls", explicitTls);
        }
        if (explicitScheme != null) {
            explicit.put("serviceScheme", explicitScheme);
        }
        spec.set(EXPLICIT, explicit);
    }

    private static String describeEmpty(String explicitTls) {
        return switch (explicitTls) {
            case "bool:false" -> "false";
            case "string" -> "\"\"";
            default -> "null";
        };
    }

    /** v3alpha1 &rarr; v2. */
    static void down(ObjectNode spec, String serviceField, boolean tcp, String path, Problems problems) {
        JsonNode tls = spec.get("tls");
        JsonNode serviceNode = spec.get(serviceField);
        JsonNode explicitNode = spec.get(EXPLICIT);
        String explicitPath = Trees.child(path, EXPLICIT);
        boolean bad = false;
        if (tls != null && !tls.isTextual() && !tls.isNull()) {
            problems.error(Trees.child(path, "tls"), "expected a string (a TLSContext name), got "
                    + Trees.describe(tls));
            bad = true;
        }
        if (serviceNode != null && !serviceNode.isTextual() && !serviceNode.isNull()) {
            problems.error(Trees.child(path, serviceField), "expected a string, got " + Trees.describe(serviceNode));
            bad = true;
        }
        String explicitTls = "";
        String explicitScheme = null;
        if (explicitNode != null && !explicitNode.isNull()) {
            if (!explicitNode.isObject()) {
                problems.error(explicitPath, "expected an object, got " + Trees.describe(explicitNode));
                bad = true;
            } else {
                JsonNode t = explicitNode.get("tls");
                if (t != null && !t.isNull()) {
                    if (!t.isTextual()) {
                        problems.error(Trees.child(explicitPath, "tls"), "expected a string, got " + Trees.describe(t));
                        bad = true;
                    } else if (!EXPLICIT_TLS_VALUES.contains(t.textValue())) {
                        problems.error(Trees.child(explicitPath, "tls"), "expected one of \"\", \"null\", "
                                + "\"bool:true\", \"bool:false\", \"string\", got \"" + t.textValue() + "\"");
                        bad = true;
                    } else {
                        explicitTls = t.textValue();
                    }
                }
                JsonNode s = explicitNode.get("serviceScheme");
                if (s != null && !s.isNull()) {
                    if (!s.isTextual()) {
                        problems.error(Trees.child(explicitPath, "serviceScheme"), "expected a string, got "
                                + Trees.describe(s));
                        bad = true;
                    } else {
                        explicitScheme = s.textValue();
                    }
                }
            }
        }
        if (bad) {
            return;
        }
        spec.remove(EXPLICIT);
        if (tcp) {
            // v2 TCPMappings never had a scheme: always write the bare service.
            explicitScheme = "";
        }

        String inTls = tls != null && tls.isTextual() ? tls.textValue() : "";
        String service = serviceNode != null && serviceNode.isTextual() ? serviceNode.textValue() : "";
        Parsed parsed = parseService(service);
        boolean originate = parsed.https() || !inTls.isEmpty();

        boolean tlsTruthy = false;
        JsonNode outTls = null;
        if (!inTls.isEmpty()) {
            tlsTruthy = true;
        } else {
            switch (explicitTls) {
                case "null" -> outTls = NullNode.getInstance();
                case "bool:false" -> outTls = Trees.NODES.booleanNode(false);
                case "string" -> outTls = Trees.NODES.textNode("");
                case "bool:true" -> {
                    if (originate) {
                        outTls = Trees.NODES.booleanNode(true);
                        tlsTruthy = true;
                    } else {
                        problems.note(Trees.child(explicitPath, "tls"), "\"bool:true\" was ignored because "
                                + Trees.child(path, serviceField) + " does not originate TLS");
                    }
                }
                default -> { }
            }
            spec.remove("tls");
            if (outTls != null) {
                spec.set("tls", outTls);
            }
        }

        String outService;
        if (tlsTruthy) {
            outService = explicitScheme != null ? explicitScheme + parsed.bare() : service;
        } else if (explicitScheme != null
                && explicitScheme.toLowerCase(Locale.ROOT).equals(HTTPS) == originate) {
            outService = explicitScheme + parsed.bare();
        } else {
            outService = service;
        }
        if (!outService.equals(service)) {
            spec.put(serviceField, outService);
        }
    }
}
