package dev.legate.apiext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code GET /probes/live} (200 while the process runs) and {@code GET /probes/ready} (200 once conversions can be
 * served, 503 with the reason before), on their own plain-HTTP port: the paths Emissary's apiext uses.
 */
final class ProbeHandler implements HttpHandler {

    static final String LIVE = "/probes/live";
    static final String READY = "/probes/ready";

    /** @param ready whether the webhook can serve, and a line of status either way */
    record Readiness(boolean ready, String status) {}

    private final Supplier<Readiness> readiness;

    ProbeHandler(Supplier<Readiness> readiness) {
        this.readiness = Objects.requireNonNull(readiness, "readiness");
    }

    @Override
    public void handle(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                WebhookHandler.send(exchange, Reply.error(405, "method " + method + " not allowed"));
                return;
            }
            Reply reply = switch (path) {
                case LIVE -> Reply.error(200, "alive");
                case READY -> {
                    Readiness r;
                    try {
                        r = readiness.get();
                    } catch (RuntimeException e) {
                        r = new Readiness(false, "readiness check failed: " + e);
                    }
                    yield Reply.error(r.ready() ? 200 : 503, (r.ready() ? "ready: " : "not ready: ") + r.status());
                }
                default -> Reply.error(404, "not found: " + path + " (probes are " + LIVE + " and " + READY + ")");
            };
            WebhookHandler.send(exchange, method.equals("HEAD") ? new Reply(reply.status(), reply.contentType(),
                    new byte[0]) : reply);
        }
    }
}
