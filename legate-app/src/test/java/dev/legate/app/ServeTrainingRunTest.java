package dev.legate.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The launcher's training run ({@code serve --exit-after-first-configuration}, hidden): it serves until the first
 * configuration is published, its snapshot written and a client has fetched it over ADS, then exits by itself with 0.
 */
@Timeout(60)
final class ServeTrainingRunTest {

    @Test
    void exitsWithZeroOnceTheFirstConfigurationIsOutAndWritten(@TempDir Path config, @TempDir Path state)
            throws Exception {
        Files.writeString(config.resolve("mapping.yaml"), """
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: quote, namespace: default}
                spec: {hostname: "*", prefix: /quote/, service: quote}
                """);
        int status = new CommandLine(new ServeCommand()).execute("--config-dir", config.toString(), "--no-envoy",
                "--state-dir", state.toString(), "--ads-address", "127.0.0.1:0", "--probe-address", "127.0.0.1:0",
                "--snapshot-address", "127.0.0.1:0", "--exit-after-first-configuration");

        assertThat(status).isZero();
        assertThat(state.resolve("snapshots/latest/envoy.json")).isNotEmptyFile();
        assertThat(Files.readString(state.resolve("snapshots/latest/envoy.json"))).contains("quote");
    }

    /** The launcher trains on this directory: it must keep compiling cleanly, or the training is worth less. */
    @Test
    void theLaunchersTrainingConfigurationIsServedWithoutErrors(@TempDir Path state) throws Exception {
        Path training = Path.of("src/main/aot-training");
        int status = new CommandLine(new ServeCommand()).execute("--config-dir", training.toString(), "--no-envoy",
                "--state-dir", state.toString(), "--ads-address", "127.0.0.1:0", "--probe-address", "127.0.0.1:0",
                "--snapshot-address", "127.0.0.1:0", "--exit-after-first-configuration");

        assertThat(status).isZero();
        assertThat(Files.readString(state.resolve("snapshots/latest/diagnostics.json")))
                .doesNotContain("\"error\"").doesNotContain("\"warning\"");
        assertThat(Files.readString(state.resolve("snapshots/latest/envoy.json"))).contains("route_config");
    }

    @Test
    void isHiddenFromTheHelp() {
        assertThat(new CommandLine(new ServeCommand()).getUsageMessage())
                .doesNotContain("exit-after-first-configuration");
    }
}
