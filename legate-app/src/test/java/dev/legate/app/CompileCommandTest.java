package dev.legate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code legate compile} end to end, in process, on the bundled quickstart example. */
final class CompileCommandTest {

    private static final Path QUICKSTART = Path.of("../examples/quickstart");

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void compilesTheQuickstartIntoAllFourFiles(@TempDir Path out) throws Exception {
        Run run = run("compile", QUICKSTART.toString(), "--output", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("listeners").contains("clusters").contains("0 errors");
        for (String file : new String[] {"envoy.json", "ir.json", "diagnostics.json", "snapshot.yaml"}) {
            assertThat(out.resolve(file)).isNotEmptyFile();
        }
        JsonNode envoy = new ObjectMapper().readTree(out.resolve("envoy.json").toFile());
        assertThat(envoy.path("admin").path("address").path("socket_address").path("port_value").asInt())
                .isEqualTo(8001);
        assertThat(envoy.path("static_resources").path("listeners").toString())
                .contains("\"name\":\"ambassador-listener-8080\"")
                .contains("\"name\":\"ambassador-listener-ready-127.0.0.1-8006\"");
        assertThat(envoy.path("static_resources").path("clusters").toString()).contains("cluster_quote_default");
        String snapshot = Files.readString(out.resolve("snapshot.yaml"));
        assertThat(snapshot).contains("kind: Mapping").doesNotContain("BEGIN");
    }

    @Test
    void missingDirectoryIsAClearFailure(@TempDir Path out) {
        Run run = run("compile", out.resolve("does-not-exist").toString(), "--output", out.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("cannot read").contains("does-not-exist");
    }

    @Test
    void perResourceErrorsStillExitZeroAndAreListed(@TempDir Path dir) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve("bad.yaml"), """
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: bad}
                spec: {prefix: /bad/}
                """);
        Run run = run("compile", config.toString(), "-o", dir.resolve("out").toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("error: Mapping/bad.default: spec.service: required");
        assertThat(Files.readString(dir.resolve("out/diagnostics.json"))).contains("Mapping/bad.default");
    }

    @Test
    void missingOutputOptionIsAUsageError() {
        Run run = run("compile", QUICKSTART.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--output");
    }

    @Test
    void helpExplainsTheCommand() {
        Run run = run("compile", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("envoy.json").contains("AMBASSADOR_ID").contains("diagnostics.json");
    }
}
