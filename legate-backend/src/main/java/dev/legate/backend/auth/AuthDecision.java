package dev.legate.backend.auth;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.TreeMap;

/**
 * The answer to one authorization request: allowed when {@code status} is 200. Allowed, {@code headers} are the
 * headers the gateway adds to the request it sends upstream; denied, they go back to the client with
 * {@code status} and {@code body}.
 */
public record AuthDecision(int status, Map<String, String> headers, String body) {

    public AuthDecision {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("not a final HTTP status: " + status);
        }
        headers = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(requireNonNull(headers, "headers")));
        requireNonNull(body, "body");
    }

    public boolean allowed() {
        return status == 200;
    }
}
