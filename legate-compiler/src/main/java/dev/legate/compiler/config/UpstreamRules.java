package dev.legate.compiler.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.legate.compiler.Diagnostic;
import dev.legate.model.CircuitBreaker;
import dev.legate.model.ResolverSpec;
import dev.legate.model.ResourceKey;
import dev.legate.model.TCPMappingSpec;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The schema rules of TCPMapping and the resolver kinds that types alone cannot express. */
final class UpstreamRules {

    private static final Pattern DNS_NAME = Pattern.compile("[A-Za-z0-9*]([-A-Za-z0-9_.*]*[A-Za-z0-9])?");

    private UpstreamRules() {
    }

    static void tcpMapping(ResourceKey key, TCPMappingSpec t, List<Diagnostic> out) {
        if (t.port() == null) {
            out.add(Diagnostic.error(key, "spec.port: required"));
        } else if (t.port() < 1 || t.port() > 65535) {
            out.add(Diagnostic.error(key, "spec.port: " + t.port() + " is not a port (expected: 1-65535)"));
        }
        if (t.service() == null) {
            out.add(Diagnostic.error(key, "spec.service: required"));
        } else if (t.service().isBlank()) {
            out.add(Diagnostic.error(key, "spec.service: must name a service (it is empty)"));
        }
        if (t.weight() != null && (t.weight() < 0 || t.weight() > 100)) {
            out.add(Diagnostic.error(key, "spec.weight: " + t.weight() + " is out of range (expected: 0-100)"));
        }
        if (t.address() != null && !isIpAddress(t.address())) {
            out.add(Diagnostic.error(key, "spec.address: '" + t.address() + "' is not an IP address to bind to"));
        }
        if (t.host() != null && (t.host().isEmpty() || !DNS_NAME.matcher(t.host()).matches())) {
            out.add(Diagnostic.error(key, "spec.host: '" + t.host() + "' is not a hostname (SNI names carry no "
                    + "port or scheme)"));
        }
        if (t.idleTimeoutMs() != null) {
            idleTimeoutMs(t.idleTimeoutMs(), key, out);
        }
        if (t.circuitBreakers() != null) {
            for (int i = 0; i < t.circuitBreakers().size(); i++) {
                CircuitBreaker b = t.circuitBreakers().get(i);
                if (b == null) {
                    out.add(Diagnostic.error(key, "spec.circuit_breakers[" + i + "]: expected an object, got nothing"));
                } else if (b.priority() != null
                        && !List.of("default", "high").contains(b.priority().toLowerCase(Locale.ROOT))) {
                    out.add(Diagnostic.error(key, "spec.circuit_breakers[" + i + "].priority: '" + b.priority()
                            + "' is not one of default, high"));
                }
            }
        }
    }

    /**
     * {@code idle_timeout_ms} as milliseconds: Emissary's CRD types it as a string, its documentation as a number.
     * Returns null (with an error added) when it is neither a whole number nor a string of one.
     */
    static @Nullable Long idleTimeoutMs(JsonNode value, Object source, List<Diagnostic> out) {
        String text = value.isIntegralNumber() ? value.asText() : value.isTextual() ? value.asText().strip() : null;
        if (text != null) {
            try {
                long ms = Long.parseLong(text);
                if (ms >= 0) {
                    return ms;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        out.add(Diagnostic.error(source, "spec.idle_timeout_ms: expected a whole number of milliseconds, got "
                + ResourceDecoder.describe(value)));
        return null;
    }

    static void resolver(ResourceKey key, ResolverSpec r, List<Diagnostic> out) {
        if (key.kind().equals("ConsulResolver")) {
            if (r.datacenter() == null || r.datacenter().isBlank()) {
                out.add(Diagnostic.error(key, "spec.datacenter: required (a ConsulResolver needs a datacenter)"));
            }
        } else if (r.address() != null || r.datacenter() != null) {
            out.add(Diagnostic.warning(key, "spec.address and spec.datacenter apply only to ConsulResolver; "
                    + "ignored"));
        }
    }

    /** An IPv4 or IPv6 literal (no name lookup). */
    static boolean isIpAddress(String text) {
        return com.google.common.net.InetAddresses.isInetAddress(text);
    }
}
