package dev.legate.apiext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/crd-convert}: checks the HTTP envelope (method, path, content type, size) and hands the body
 * to {@link ConversionReviews}. Never answers with a stack trace: an unexpected failure is logged here and answered
 * with 500 and a one-line message.
 */
final class WebhookHandler implements HttpHandler {

    static final String PATH = "/webhooks/crd-convert";

    private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);

    private final ConversionReviews reviews;
    private final long maxRequestBytes;

    WebhookHandler(ConversionReviews reviews, long maxRequestBytes) {
        this.reviews = Objects.requireNonNull(reviews, "reviews");
        if (maxRequestBytes < 1 || maxRequestBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxRequestBytes out of range: " + maxRequestBytes);
        }
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Reply reply;
            try {
                reply = answer(exchange);
            } catch (IOException e) {
                LOG.debug("reading a request from {} failed: {}", exchange.getRemoteAddress(), e.toString());
                return;
            } catch (RuntimeException | StackOverflowError e) {
                LOG.error("internal error answering {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                reply = Reply.error(500, "internal error: " + e.getClass().getSimpleName()
                        + " (details are in the webhook's log)");
            }
            send(exchange, reply);
        }
    }

    private Reply answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!PATH.equals(path)) {
            return Reply.error(404, "not found: " + path + " (conversions are served at " + PATH + ")");
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            return Reply.error(405, "method " + exchange.getRequestMethod() + " not allowed: POST a ConversionReview");
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).trim().startsWith("application/json")) {
            return Reply.error(415, "Content-Type " + (contentType == null ? "(missing)" : contentType)
                    + " is not supported: send application/json");
        }
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > maxRequestBytes) {
                    return tooLarge(exchange);
                }
            } catch (NumberFormatException e) {
                return Reply.error(400, "Content-Length is not a number: " + length);
            }
        }
        long start = System.nanoTime();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes((int) maxRequestBytes + 1);
        }
        if (body.length > maxRequestBytes) {
            return tooLarge(exchange);
        }
        long read = System.nanoTime();
        Reply reply = reviews.review(body);
        if (LOG.isDebugEnabled()) {
            LOG.debug("review of {} bytes from {}: read in {} ms, answered {} in {} ms", body.length,
                    exchange.getRemoteAddress(), (read - start) / 1_000_000, reply.status(),
                    (System.nanoTime() - read) / 1_000_000);
        }
        return reply;
    }

    private Reply tooLarge(HttpExchange exchange) {
        // The rest of the body is not read: the connection is closed after the answer.
        exchange.getResponseHeaders().set("Connection", "close");
        return Reply.error(413, "request body larger than " + maxRequestBytes + " bytes (--max-request-bytes)");
    }

    static void send(HttpExchange exchange, Reply reply) {
        try {
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            if (reply.body().length > 0) {
                exchange.getResponseBody().write(reply.body());
            }
        } catch (IOException e) {
            LOG.debug("writing a response to {} failed: {}", exchange.getRemoteAddress(), e.toString());
        }
    }
}
