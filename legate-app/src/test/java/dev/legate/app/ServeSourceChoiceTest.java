package dev.legate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.app.ServeCommand.SourceChoice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code legate serve} picks where its configuration comes from. */
final class ServeSourceChoiceTest {

    @Test
    void aDirectoryWinsThenAClusterThenAKubeconfig(@TempDir Path home) throws Exception {
        Path dir = Path.of("config");
        assertThat(ServeCommand.chooseSource(SourceChoice.auto, dir, Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"),
                home)).isEqualTo(SourceChoice.directory);
        assertThat(ServeCommand.chooseSource(SourceChoice.auto, null, Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"),
                home)).isEqualTo(SourceChoice.kubernetes);
        assertThat(ServeCommand.chooseSource(SourceChoice.auto, null, Map.of("KUBECONFIG", "/tmp/kc"), home))
                .isEqualTo(SourceChoice.kubernetes);
        // Nothing at all: no source (serve says so and exits 2).
        assertThat(ServeCommand.chooseSource(SourceChoice.auto, null, Map.of(), home)).isEqualTo(SourceChoice.auto);
        Files.createDirectories(home.resolve(".kube"));
        Files.writeString(home.resolve(".kube/config"), "apiVersion: v1\nkind: Config\n");
        assertThat(ServeCommand.chooseSource(SourceChoice.auto, null, Map.of(), home))
                .isEqualTo(SourceChoice.kubernetes);
        // An explicit choice stands.
        assertThat(ServeCommand.chooseSource(SourceChoice.kubernetes, dir, Map.of(), home))
                .isEqualTo(SourceChoice.kubernetes);
        assertThat(ServeCommand.chooseSource(SourceChoice.directory, null, Map.of("KUBERNETES_SERVICE_HOST", "x"),
                home)).isEqualTo(SourceChoice.directory);
    }

    @Test
    void withoutAnySourceServeExplainsAndExitsWithAUsageError() {
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cmd = new picocli.CommandLine(new ServeCommand());
        cmd.setErr(new java.io.PrintWriter(err));
        // --source=directory without a directory cannot start, whatever the environment holds.
        int status = cmd.execute("--source", "directory");
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("--source=directory needs --config-dir");
    }
}
