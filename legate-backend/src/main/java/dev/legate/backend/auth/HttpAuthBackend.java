package dev.legate.backend.auth;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An ext_authz backend speaking Emissary's HTTP protocol (an AuthService with {@code proto: http}): the gateway
 * forwards the client's request (its method, its path behind the AuthService's {@code path_prefix}, the allowed
 * headers); a 200 answer allows it, and the answer's headers the AuthService allows are added to the request sent
 * upstream; any other answer is returned to the client as it is. It decides with {@link AuthPolicy}; a request body
 * is read and ignored.
 *
 * <p>Use: {@code HttpAuthBackend auth = HttpAuthBackend.start("auth", new InetSocketAddress("127.0.0.1", 0));}
 * then point an AuthService at {@code 127.0.0.1:auth.port()}; {@code auth.close()} stops it. HTTP/1.1, on the
 * JDK's HTTP server, with a thread per request (virtual threads). Thread-safe.
 */
public final class HttpAuthBackend implements AutoCloseable {

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong checks = new AtomicLong();

    private HttpAuthBackend(String name, InetSocketAddress address) throws IOException {
        this.name = name;
        this.server = HttpServer.create(address, 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /**
     * Starts the backend on {@code address} (port 0: an ephemeral port, see {@link #port()}).
     *
     * @param name how the backend identifies itself (header {@code x-legate-auth-backend})
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static HttpAuthBackend start(String name, InetSocketAddress address) {
        requireNonNull(name, "name");
        requireNonNull(address, "address");
        try {
            return new HttpAuthBackend(name, address);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the HTTP auth backend on " + address, e);
        }
    }

    public String name() {
        return name;
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** How many requests it has answered. */
    public long checks() {
        return checks.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            body.transferTo(OutputStream.nullOutputStream());
            checks.incrementAndGet();
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
                headers.put(h.getKey(), String.join(",", h.getValue()));
            }
            String query = exchange.getRequestURI().getRawQuery();
            String path = exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
            String host = headers.getOrDefault("host", "");
            AuthDecision decision = AuthPolicy.decide(name, new AuthRequest(exchange.getRequestMethod(), path, host,
                    headers));
            decision.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] bytes = decision.body().getBytes(StandardCharsets.UTF_8);
            if (!decision.allowed()) {
                exchange.getResponseHeaders().set("content-type", "application/json");
            }
            boolean noBody = bytes.length == 0 || exchange.getRequestMethod().equals("HEAD")
                    || decision.status() == 204 || decision.status() == 304;
            exchange.sendResponseHeaders(decision.status(), noBody ? -1 : bytes.length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
