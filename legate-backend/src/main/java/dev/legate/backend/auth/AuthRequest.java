package dev.legate.backend.auth;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the authorization backend was asked about: the client's request as the gateway presents it.
 *
 * @param path the path with its query, as received
 * @param headers by lower-case name (one value each: the first, or Envoy's comma-joined value)
 */
public record AuthRequest(String method, String path, String host, Map<String, String> headers) {

    public AuthRequest {
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        requireNonNull(host, "host");
        TreeMap<String, String> lower = new TreeMap<>();
        requireNonNull(headers, "headers").forEach((k, v) -> lower.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
        headers = java.util.Collections.unmodifiableSortedMap(lower);
    }

    /** The header's value, or null. */
    public @org.jspecify.annotations.Nullable String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
