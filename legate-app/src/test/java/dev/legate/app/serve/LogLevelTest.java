package dev.legate.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.app.Main;
import dev.legate.compiler.CompileOptions;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Legate's own log level changes at runtime from the diagnostics, as Envoy's does in Emissary. */
final class LogLevelTest {

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }

    @Test
    void loglevelOnTheOverviewChangesLegatesLevel(@TempDir Path dir) throws Exception {
        Main.run("--version"); // configures logging as the legate command does
        Path config = Files.createDirectories(dir.resolve("config"));
        for (Path f : Files.list(Path.of("../examples/quickstart")).toList()) {
            Files.copy(f, config.resolve(f.getFileName()));
        }
        Logger log = LoggerFactory.getLogger(Reconfigurer.class);
        try (Gateway gateway = Gateway.start(new Gateway.Settings(config, CompileOptions.DEFAULTS,
                new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0), dir.resolve("state"), 3,
                Duration.ofMillis(50), Duration.ofMillis(500), Optional.empty(), Duration.ofSeconds(1), 18001,
                "log-test"))) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + gateway.probePort() + "/ambassador/v0/diag/";
            assertThat(log.isDebugEnabled()).isFalse();
            try {
                assertThat(get(http, base + "?loglevel=debug")).contains("Legate&#39;s log level is now debug.")
                        .contains("Envoy is not run by Legate");
                assertThat(log.isDebugEnabled()).isTrue();
                assertThat(get(http, base + "?json=true")).contains("\"logLevel\" : \"debug\"");
            } finally {
                assertThat(get(http, base + "?loglevel=info")).contains("Legate&#39;s log level is now info.");
            }
            assertThat(log.isDebugEnabled()).isFalse();
            assertThat(log.isInfoEnabled()).isTrue();
        }
    }
}
