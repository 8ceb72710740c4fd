package dev.legate.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.legate.compiler.CompileOptions;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code legate serve}'s bootstrap carries the Module's {@code runtime_flags} (the static runtime layer Envoy reads at
 * start): written after the first good configuration, rewritten when the flags change, and a supervised Envoy starts
 * only once the first good configuration's bootstrap is on disk.
 */
final class BootstrapRuntimeFlagsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String module(int maxRequests) {
        return "apiVersion: getambassador.io/v3alpha1\nkind: Module\nmetadata: {name: ambassador}\nspec:\n"
                + "  config:\n    runtime_flags:\n      http.max_requests_per_io_cycle: " + maxRequests + "\n"
                + "      envoy.restart_features.send_goaway_for_premature_rst_streams: true\n";
    }

    private static Gateway.Settings settings(Path config, Path state, Optional<Path> envoy) {
        return new Gateway.Settings(config, CompileOptions.DEFAULTS, new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0), state, 3, Duration.ofMillis(50), Duration.ofMillis(500),
                envoy, Duration.ofSeconds(1), 18001, "test-node");
    }

    private static void write(Path file, String content) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static JsonNode awaitJson(Path file, Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                last = JSON.readTree(Files.readString(file));
                if (until.test(last)) {
                    return last;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such content in " + file + " within 20 s; last: " + last);
    }

    private static Predicate<JsonNode> maxRequests(int n) {
        return json -> json.at("/layered_runtime/layers/0/static_layer/http.max_requests_per_io_cycle").asInt() == n;
    }

    @Test
    void theBootstrapCarriesTheModulesRuntimeFlagsAndFollowsTheirChanges(@TempDir Path dir) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        write(config.resolve("module.yaml"), module(3));
        Path state = dir.resolve("state");
        try (Gateway gateway = Gateway.start(settings(config, state, Optional.empty()))) {
            JsonNode first = awaitJson(gateway.bootstrap(), maxRequests(3));
            JsonNode layer = first.at("/layered_runtime/layers/0");
            assertThat(layer.path("name").asText()).isEqualTo("static_layer");
            assertThat(layer.at("/static_layer/envoy.restart_features.send_goaway_for_premature_rst_streams")
                    .asBoolean()).isTrue();
            // The rest of the bootstrap is the ADS one.
            assertThat(first.at("/dynamic_resources/ads_config/api_type").asText()).isEqualTo("GRPC");
            assertThat(first.at("/node/id").asText()).isEqualTo("test-node");

            write(config.resolve("module.yaml"), module(7));
            awaitJson(gateway.bootstrap(), maxRequests(7));

            // Flags removed: the runtime layer goes.
            write(config.resolve("module.yaml"), "apiVersion: getambassador.io/v3alpha1\nkind: Module\n"
                    + "metadata: {name: ambassador}\nspec:\n  config: {diagnostics: {enabled: false}}\n");
            JsonNode none = awaitJson(gateway.bootstrap(), json -> !json.has("layered_runtime"));
            assertThat(none.at("/dynamic_resources/ads_config/api_type").asText()).isEqualTo("GRPC");
        }
    }

    @Test
    void aSupervisedEnvoyStartsOnTheFirstGoodConfigurationsBootstrap(@TempDir Path dir) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        write(config.resolve("module.yaml"), module(5));
        Path seen = dir.resolve("seen-bootstrap.json");
        // A stand-in for Envoy: records the bootstrap it was started on, then waits to be stopped.
        Path fake = dir.resolve("envoy");
        Files.writeString(fake, "#!/bin/sh\ncat \"$2\" > \"" + seen + ".tmp\" && mv \"" + seen + ".tmp\" \"" + seen
                + "\"\nexec sleep 60\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Gateway gateway = Gateway.start(settings(config, dir.resolve("state"), Optional.of(fake)))) {
            JsonNode started = awaitJson(seen, json -> true);
            assertThat(maxRequests(5).test(started)).as("Envoy's first bootstrap has the flags: " + started).isTrue();
        }
    }
}
