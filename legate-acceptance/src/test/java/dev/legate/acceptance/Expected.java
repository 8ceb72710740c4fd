package dev.legate.acceptance;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** What a query must get back. */
public sealed interface Expected {

    /**
     * Routed to {@code backend}, which answered 200 having seen this path (with query) and host, with
     * {@code addedHeaders} among its request headers (each with exactly that one value) and none of
     * {@code removedHeaders}; the client got {@code responseHeaders} (exact values) and none of
     * {@code removedResponseHeaders}.
     */
    record Routed(String backend, String path, String host, Map<String, String> addedHeaders,
            Set<String> removedHeaders, Map<String, String> responseHeaders, Set<String> removedResponseHeaders)
            implements Expected {
        public Routed {
            requireNonNull(backend, "backend");
            requireNonNull(path, "path");
            requireNonNull(host, "host");
            addedHeaders = Map.copyOf(addedHeaders);
            removedHeaders = Set.copyOf(removedHeaders);
            responseHeaders = Map.copyOf(responseHeaders);
            removedResponseHeaders = Set.copyOf(removedResponseHeaders);
        }

        static Routed to(String backend, String path, String host) {
            return new Routed(backend, path, host, Map.of(), Set.of(), Map.of(), Set.of());
        }
    }

    /** A redirect with this status and Location. */
    record Redirect(int status, String location) implements Expected {
        public Redirect {
            requireNonNull(location, "location");
        }
    }

    /**
     * Answered by the gateway itself with {@code status}, no backend reached (an auth service's denial, a rate limit,
     * an auth failure's status_on_error); the client got {@code responseHeaders} (exact values) and none of
     * {@code absentResponseHeaders}.
     */
    record Rejected(int status, Map<String, String> responseHeaders, Set<String> absentResponseHeaders)
            implements Expected {
        public Rejected {
            responseHeaders = Map.copyOf(responseHeaders);
            absentResponseHeaders = Set.copyOf(absentResponseHeaders);
        }
    }

    /** No route: Envoy answers 404. */
    record NotFound() implements Expected {
    }

    /**
     * A split between backends (a canary): over the query's repeats, each backend answers its share in percent
     * (within 4.5 standard deviations of the binomial count: a false alarm about once in 100,000 checks, while 10%
     * and 0% or 25% and 50% stay apart at 400 requests), and the backend saw the path given for it.
     */
    record Split(Map<String, Integer> percent, Map<String, String> pathSeen) implements Expected {
        public Split {
            percent = Map.copyOf(percent);
            pathSeen = Map.copyOf(pathSeen);
            if (percent.values().stream().mapToInt(Integer::intValue).sum() != 100) {
                throw new IllegalArgumentException("shares must add up to 100: " + percent);
            }
        }

        List<String> backends() {
            return percent.keySet().stream().sorted().toList();
        }
    }
}
