package dev.legate.app.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Emissary's probes on the diagnostics port: {@code /ambassador/v0/check_alive} answers 200 while the process runs,
 * {@code /ambassador/v0/check_ready} 200 once a first configuration is published (and, with a supervised Envoy, Envoy
 * is ready), 503 before.
 */
public final class ProbeServer implements AutoCloseable {

    private final HttpServer server;

    private ProbeServer(HttpServer server) {
        this.server = server;
    }

    public static ProbeServer start(InetSocketAddress address, BooleanSupplier ready) throws IOException {
        dev.legate.diag.DiagHttp.preferTcpNoDelay();
        HttpServer server = HttpServer.create(address, 16);
        server.createContext("/ambassador/v0/check_alive", exchange -> respond(exchange, 200,
                "Legate is alive\n"));
        server.createContext("/ambassador/v0/check_ready", exchange -> {
            boolean ok = ready.getAsBoolean();
            respond(exchange, ok ? 200 : 503, ok ? "Legate is ready\n" : "Legate is not ready yet\n");
        });
        // Four threads: a diagnostics page or a /metrics scrape (which asks Envoy for its stats) must not hold up a probe.
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "legate-probes");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return new ProbeServer(server);
    }

    /** Serves {@code handler} under {@code path} too (the diagnostics share the probes' port, as in Emissary). */
    public void mount(String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, handler);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
