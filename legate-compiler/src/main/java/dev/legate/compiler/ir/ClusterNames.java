package dev.legate.compiler.ir;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Emissary's cluster naming: sanitize, and shorten names over 60 characters deterministically. */
final class ClusterNames {

    static final int MAX_LENGTH = 60;

    /** Whether a service with neither scheme nor TLSContext is asked for TLS all the same (v2's {@code tls: true}). */
    enum TlsOrigination {
        NONE, EXPLICIT
    }

    private ClusterNames() {
    }

    /**
     * Emissary's rule for originating TLS to a service, as the part it adds to the cluster's name (empty: cleartext):
     * {@code https://} always ("otls"); {@code http://} only with a TLSContext ("otls"; the service says otherwise,
     * which callers report); any other scheme or none: with a TLSContext "otls" and the context's name, without one
     * "otls" only when TLS is asked for explicitly.
     */
    static List<String> originationParts(@Nullable String scheme, @Nullable IrTlsContext context,
            TlsOrigination withoutContext) {
        if ("https".equals(scheme)) {
            return List.of("otls");
        }
        if ("http".equals(scheme)) {
            return context != null ? List.of("otls") : List.of();
        }
        if (context != null) {
            return List.of("otls", context.name());
        }
        return withoutContext == TlsOrigination.EXPLICIT ? List.of("otls") : List.of();
    }

    static String sanitize(String name) {
        char[] chars = name.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            boolean safe = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
            if (!safe) {
                chars[i] = '_';
            }
        }
        return new String(chars);
    }

    /**
     * Maps every full name to its Envoy name: unchanged when short enough, otherwise the first 40 characters, '-',
     * the first 16 hex digits of its SHA-1 (upper case, as Emissary prints them), '-', and a counter among names that
     * shorten alike (in name order).
     */
    static Map<String, String> envoyNames(Iterable<String> fullNames) {
        Map<String, String> out = new java.util.HashMap<>();
        Map<String, List<String>> collisions = new TreeMap<>();
        for (String name : new java.util.TreeSet<String>(toList(fullNames))) {
            if (name.length() > MAX_LENGTH) {
                String shortName = name.substring(0, 40) + "-" + sha1(name).substring(0, 16).toUpperCase(
                        java.util.Locale.ROOT);
                collisions.computeIfAbsent(shortName, k -> new ArrayList<>()).add(name);
            } else {
                out.put(name, name);
            }
        }
        collisions.forEach((shortName, names) -> {
            for (int i = 0; i < names.size(); i++) {
                out.put(names.get(i), shortName + "-" + i);
            }
        });
        return out;
    }

    private static List<String> toList(Iterable<String> names) {
        List<String> list = new ArrayList<>();
        names.forEach(list::add);
        return list;
    }

    static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(
                    text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java runtime", e);
        }
    }

    /**
     * The part of a cluster's name that Emissary derives from one circuit breaker ({@code cb} + the priority's initial
     * + {@code c}/{@code p}/{@code r}/{@code t} and each limit that is set), so that Mappings with different breakers
     * get different clusters.
     */
    static String circuitBreakerPart(dev.legate.model.CircuitBreaker b) {
        StringBuilder n = new StringBuilder("cb");
        n.append(b.priority() == null ? "n" : b.priority().toLowerCase(java.util.Locale.ROOT).substring(0, 1));
        if (b.maxConnections() != null) {
            n.append('c').append(b.maxConnections());
        }
        if (b.maxPendingRequests() != null) {
            n.append('p').append(b.maxPendingRequests());
        }
        if (b.maxRequests() != null) {
            n.append('r').append(b.maxRequests());
        }
        if (b.maxRetries() != null) {
            n.append('t').append(b.maxRetries());
        }
        return n.toString();
    }
}
