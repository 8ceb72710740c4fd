package dev.legate.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code legate backend}'s command line (the backend itself is tested in legate-backend). */
final class BackendCommandTest {

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void helpExplainsTheProtocolsAndTheBoundPortsLine() {
        StringWriter out = new StringWriter();
        assertThat(run(out, new StringWriter(), "backend", "--help")).isZero();
        assertThat(out.toString()).contains("--name", "--http-port", "--https-port", "WebSocket", "gRPC",
                "backend NAME http=PORT https=PORT", "x-echo-status");
    }

    @Test
    void aCertificateWithoutItsKeyIsAUsageError() {
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "backend", "--name", "a", "--tls-cert", "cert.pem")).isEqualTo(2);
        assertThat(err.toString()).contains("--tls-cert and --tls-key go together");
    }

    @Test
    void aPortOutOfRangeIsAUsageError() {
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "backend", "--name", "a", "--http-port", "70000")).isEqualTo(2);
        assertThat(err.toString()).contains("out of range");
    }

    @Test
    void theNameIsRequired() {
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "backend", "--http-port", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--name");
    }
}
