package dev.legate.backend.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How the authorization backends decide, driven entirely by the request (as Emissary's test auth service is), so
 * that one backend serves every scenario:
 *
 * <ul>
 *   <li>header {@code requested-status: N} (200 to 599): the answer is N; 200 allows, anything else denies;</li>
 *   <li>otherwise, a path with a segment {@code deny} (such as {@code /deny/x} or {@code /api/deny}), or a header
 *       {@code x-legate-deny}: denied with 403;</li>
 *   <li>otherwise: allowed (200).</li>
 * </ul>
 *
 * <p>Every answer carries {@code x-legate-auth-backend: NAME} (the backend's name) and {@code x-legate-auth-path:
 * PATH} (the path the backend was asked about, so a test can see the gateway's {@code path_prefix}), plus, for a
 * header {@code requested-header: a=1, b=2}, the headers {@code a: 1} and {@code b: 2}. Allowed, these are the headers
 * the gateway adds upstream (those its AuthService allows); denied, they go back to the client, with a JSON body
 * naming the backend, the status and the request ({@code {"backend", "status", "method", "host", "path"}}).
 */
public final class AuthPolicy {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DENY_SEGMENT = Pattern.compile("(^|/)deny(/|$|\\?)");

    private AuthPolicy() {
    }

    public static AuthDecision decide(String backendName, AuthRequest request) {
        int status = requestedStatus(request);
        if (status == 0) {
            status = DENY_SEGMENT.matcher(request.path()).find() || request.header("x-legate-deny") != null
                    ? 403 : 200;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-legate-auth-backend", backendName);
        headers.put("x-legate-auth-path", request.path());
        String requested = request.header("requested-header");
        if (requested != null) {
            for (String pair : requested.split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && !pair.substring(0, eq).isBlank()) {
                    headers.put(pair.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT),
                            pair.substring(eq + 1).strip());
                }
            }
        }
        String body = status == 200 ? "" : deniedBody(backendName, status, request);
        return new AuthDecision(status, headers, body);
    }

    /** The {@code requested-status} header's status, or 0 when there is none (or it is not 200 to 599). */
    private static int requestedStatus(AuthRequest request) {
        String value = request.header("requested-status");
        if (value == null) {
            return 0;
        }
        try {
            int status = Integer.parseInt(value.strip());
            return status >= 200 && status <= 599 ? status : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String deniedBody(String backendName, int status, AuthRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("backend", backendName);
        body.put("status", status);
        body.put("method", request.method());
        body.put("host", request.host());
        body.put("path", request.path());
        try {
            return JSON.writeValueAsString(body) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("strings and a number always serialize", e);
        }
    }
}
