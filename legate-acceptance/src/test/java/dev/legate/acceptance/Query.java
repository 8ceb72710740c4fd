package dev.legate.acceptance;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.TreeMap;

/**
 * One request and what must come back.
 *
 * @param description what the query checks, for failure messages
 * @param listener which Listener the request arrives on
 * @param method HTTP method
 * @param authority the :authority (Host) sent, without a port
 * @param path the path with its query
 * @param headers request headers (lower-case names)
 * @param repeat how many times it is sent (more than once for canaries: each request draws its own route random)
 * @param expected the answer Emissary's semantics predict
 */
public record Query(String description, ListenerKind listener, String method, String authority, String path,
        Map<String, String> headers, int repeat, Expected expected) {

    public Query {
        requireNonNull(description, "description");
        requireNonNull(listener, "listener");
        requireNonNull(method, "method");
        requireNonNull(authority, "authority");
        requireNonNull(path, "path");
        headers = Map.copyOf(new TreeMap<>(headers));
        requireNonNull(expected, "expected");
        if (repeat < 1) {
            throw new IllegalArgumentException("repeat must be at least 1");
        }
    }

    /** A GET sent once on the XFP listener, as HTTPS according to X-Forwarded-Proto. */
    static Query get(String description, String authority, String path, Expected expected) {
        return new Query(description, ListenerKind.XFP, "GET", authority, path,
                Map.of("x-forwarded-proto", "https"), 1, expected);
    }

    Query withHeaders(Map<String, String> more) {
        Map<String, String> all = new TreeMap<>(headers);
        all.putAll(more);
        return new Query(description, listener, method, authority, path, all, repeat, expected);
    }

    Query withMethod(String m) {
        return new Query(description, listener, m, authority, path, headers, repeat, expected);
    }

    Query repeated(int times) {
        return new Query(description, listener, method, authority, path, headers, times, expected);
    }

    Query on(ListenerKind l) {
        return new Query(description, l, method, authority, path, headers, repeat, expected);
    }

    @Override
    public String toString() {
        return method + " " + listener.name() + " " + authority + path + " " + headers
                + (repeat > 1 ? " x" + repeat : "") + " (" + description + ")";
    }
}
