package dev.legate.diag;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervised Envoy's admin interface on 127.0.0.1, as Emissary's diagnostics use it: {@code /stats/prometheus}
 * for {@code /metrics}, and {@code POST /logging?level=} for {@code ?loglevel=}. Without a supervised Envoy every call
 * is a no-op.
 */
final class EnvoyAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(EnvoyAdmin.class);
    /** Envoy's log levels ({@code spdlog}'s names, as its admin {@code /logging} accepts them). */
    static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warning", "warn", "error", "critical", "off");
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final OptionalInt port;
    /**
     * Made on first use: a client costs a start-up the JDK's TLS set-up (its trust store is read and parsed), and
     * without a supervised Envoy it is never used. Guarded by this.
     */
    private @Nullable HttpClient client;
    private volatile String lastLevel = "unchanged";

    EnvoyAdmin(OptionalInt port) {
        this.port = port;
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
        }
        return client;
    }

    boolean present() {
        return port.isPresent();
    }

    /** The log level last set through the diagnostics ({@code unchanged} until then). */
    String lastLevel() {
        return lastLevel;
    }

    /**
     * The level in lower case.
     *
     * @throws IllegalArgumentException when {@code level} is not one of Envoy's levels
     */
    static String check(String level) {
        String l = level.toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(l)) {
            throw new IllegalArgumentException("unknown log level '" + level + "' (expected one of "
                    + new java.util.TreeSet<>(LEVELS) + ")");
        }
        return l;
    }

    /** Envoy's {@code /stats/prometheus}, or empty when there is no Envoy or it does not answer. */
    String prometheusStats() {
        if (port.isEmpty()) {
            return "";
        }
        try {
            HttpResponse<String> response = client().send(HttpRequest.newBuilder(uri("/stats/prometheus"))
                    .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                LOG.warn("Envoy's /stats/prometheus answered {}", response.statusCode());
                return "";
            }
            return response.body();
        } catch (IOException e) {
            LOG.debug("Envoy's /stats/prometheus: {}", e.toString());
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * Sets the log level of every Envoy logger, as Emissary's {@code ?loglevel=} does. Returns whether Envoy took it.
     *
     * @throws IllegalArgumentException when {@code level} is not one of Envoy's levels
     */
    boolean setLevel(String level) {
        String l = check(level);
        if (port.isEmpty()) {
            return false;
        }
        try {
            HttpResponse<String> response = client().send(HttpRequest.newBuilder(uri("/logging?level=" + l))
                    .timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            // Envoy answers a level change with 200 (and a query of the levels with 404, as Emissary notes).
            if (response.statusCode() == 200) {
                lastLevel = l;
                return true;
            }
            LOG.warn("Envoy refused log level {}: {} {}", l, response.statusCode(), response.body());
            return false;
        } catch (IOException e) {
            LOG.warn("could not set Envoy's log level: {}", e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port.getAsInt() + path);
    }
}
