package dev.legate.apiext;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An HTTP answer: status, content type and body.
 *
 * @param status the HTTP status code
 * @param contentType the Content-Type header
 * @param body the body
 */
record Reply(int status, String contentType, byte[] body) {

    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";

    Reply {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }

    static Reply json(byte[] body) {
        return new Reply(200, JSON, body);
    }

    /** A plain-text error: the message and a newline. */
    static Reply error(int status, String message) {
        return new Reply(status, TEXT, (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
