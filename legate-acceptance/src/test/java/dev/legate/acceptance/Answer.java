package dev.legate.acceptance;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What came back for one request: the status, the response headers, and what the backend said it received (absent
 * when no backend answered, e.g. a 404 or a redirect from the gateway).
 */
record Answer(int status, Map<String, String> responseHeaders, @Nullable Seen seen, @Nullable String error) {

    /** What the echo backend reported. */
    record Seen(String backend, String path, String host, Map<String, List<String>> headers) {
    }

    static Answer failed(String error) {
        return new Answer(0, Map.of(), null, error);
    }

    @Override
    public String toString() {
        if (error != null) {
            return "error: " + error;
        }
        StringBuilder s = new StringBuilder().append(status);
        if (seen != null) {
            s.append(" from ").append(seen.backend()).append(" path=").append(seen.path()).append(" host=")
                    .append(seen.host()).append(" headers=").append(seen.headers());
        }
        String location = responseHeaders.get("location");
        if (location != null) {
            s.append(" location=").append(location);
        }
        return s.toString();
    }
}
