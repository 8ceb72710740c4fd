package dev.legate.diag;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The diagnostics endpoints of the diagnostics port (8877), next to the probes:
 *
 * <ul>
 *   <li>{@code /ambassador/v0/diag/}: the overview; {@code ?json=true} for its data as JSON; {@code ?loglevel=LEVEL}
 *       sets the supervised Envoy's log level, as in Emissary;
 *   <li>{@code /ambassador/v0/diag/Kind/name.namespace}: one source resource ({@code ?json=true} too);
 *   <li>{@code /metrics}: Prometheus metrics (open to every client, as in Emissary, for scrapers).
 * </ul>
 *
 * <p>The diagnostics answer only requests from this machine (which includes those Envoy forwards from its
 * {@code /ambassador/v0/} route) unless the {@code ambassador} Module sets {@code diagnostics.allow_non_local}; others
 * get 403.
 */
public final class DiagHttp {

    private static final Logger LOG = LoggerFactory.getLogger(DiagHttp.class);
    static final String DIAG = "/ambassador/v0/diag/";
    private static final String DIAG_BARE = "/ambassador/v0/diag";

    private final Diagnostics diagnostics;

    public DiagHttp(Diagnostics diagnostics) {
        this.diagnostics = requireNonNull(diagnostics, "diagnostics");
    }

    /**
     * Makes the JDK's HTTP server set TCP_NODELAY on its connections ({@code sun.net.httpserver.nodelay}, read once,
     * when the first server is made; call this before). Without it a response written in two pieces waits for the
     * client's delayed ACK: 40 ms on Linux for every page bigger than a few kilobytes.
     */
    public static void preferTcpNoDelay() {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** The handlers to mount, by context path. */
    public Map<String, HttpHandler> handlers() {
        return Map.of(DIAG_BARE, guarded(this::diag), "/metrics", guarded(this::metrics));
    }

    /** Local-only unless the Module allows other hosts. */
    boolean allowed(HttpExchange exchange) {
        return Exchanges.local(exchange) || diagnostics.gateway().served()
                .map(s -> s.result().ir().settings().diagnosticsAllowNonLocal()).orElse(false);
    }

    private void diag(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!allowed(exchange)) {
            Exchanges.send(exchange, 403, Exchanges.TEXT, "Forbidden\n");
            return;
        }
        if (path.equals(DIAG_BARE)) {
            exchange.getResponseHeaders().set("Location", DIAG);
            Exchanges.send(exchange, 301, Exchanges.TEXT, "");
            return;
        }
        if (!path.startsWith(DIAG)) {
            Exchanges.send(exchange, 404, Exchanges.TEXT, "Not found\n");
            return;
        }
        Map<String, String> params = Exchanges.params(exchange);
        boolean json = !params.getOrDefault("json", "").isEmpty() && !params.get("json").equals("false");
        String key = path.substring(DIAG.length());
        if (key.isEmpty()) {
            String notice = params.containsKey("loglevel") ? setLogLevel(params.get("loglevel")) : "";
            Overview overview = diagnostics.overview(OverviewQuery.of(params));
            if (json) {
                Exchanges.send(exchange, 200, Exchanges.JSON, Json.bytes(overview));
            } else {
                Exchanges.send(exchange, 200, Exchanges.HTML, HtmlPages.overview(overview, params, notice));
            }
            return;
        }
        Optional<ResourceDetail> detail = diagnostics.resource(key);
        if (detail.isEmpty()) {
            Exchanges.send(exchange, 404, json ? Exchanges.JSON : Exchanges.TEXT, json
                    ? Json.bytes(Map.of("error", "no source " + key + " in the configuration being served"))
                    : ("No source " + key + " in the configuration being served\n").getBytes(
                            java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        if (json) {
            Exchanges.send(exchange, 200, Exchanges.JSON, Json.bytes(detail.get()));
        } else {
            Exchanges.send(exchange, 200, Exchanges.HTML, HtmlPages.resource(detail.get()));
        }
    }

    /** Sets Legate's log level and the supervised Envoy's; says what happened. */
    private String setLogLevel(String level) {
        StringBuilder notice = new StringBuilder();
        try {
            EnvoyAdmin.check(level);
            if (LogLevels.changeable()) {
                LogLevels.set(level);
                LOG.info("log level set to {} through the diagnostics", level);
                notice.append("Legate's log level is now ").append(level).append(". ");
            } else {
                notice.append("Legate's log level is fixed by its logging configuration. ");
            }
            if (!diagnostics.envoyAdmin().present()) {
                notice.append("Envoy is not run by Legate: set its log level through its own admin interface "
                        + "(POST /logging?level=").append(level).append(").");
            } else if (diagnostics.envoyAdmin().setLevel(level)) {
                LOG.info("Envoy's log level set to {} through the diagnostics", level);
                notice.append("Envoy's log level is now ").append(level).append('.');
            } else {
                notice.append("Could not update Envoy's log level!");
            }
            return notice.toString().trim();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private void metrics(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/metrics")) {
            Exchanges.send(exchange, 404, Exchanges.TEXT, "Not found\n");
            return;
        }
        Exchanges.send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", diagnostics.metrics().scrape());
    }

    /** Answers 500 (and logs) instead of dropping the connection when a handler fails. */
    static HttpHandler guarded(HttpHandler handler) {
        return exchange -> {
            try {
                handler.handle(exchange);
            } catch (IOException e) {
                LOG.debug("diagnostics request {} failed: {}", exchange.getRequestURI(), e.toString());
                exchange.close();
            } catch (RuntimeException e) {
                LOG.warn("diagnostics request {} failed", exchange.getRequestURI(), e);
                try {
                    Exchanges.send(exchange, 500, Exchanges.TEXT, "Internal error: " + e + "\n");
                } catch (IOException | RuntimeException ignored) {
                    exchange.close();
                }
            }
        };
    }
}
