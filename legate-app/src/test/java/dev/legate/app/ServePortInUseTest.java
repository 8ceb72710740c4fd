package dev.legate.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A port serve needs is already taken (another serve, say): serve names the listener, the address and the option,
 * exits with 1, and leaves none of the ports it had already bound behind.
 */
@Timeout(60)
final class ServePortInUseTest {

    @Test
    void aTakenSnapshotPortIsNamedAndWhatStartedIsClosedAgain(@TempDir Path config, @TempDir Path state)
            throws Exception {
        Files.writeString(config.resolve("mapping.yaml"), """
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: quote, namespace: default}
                spec: {hostname: "*", prefix: /quote/, service: quote}
                """);
        int ads = freePort();
        int probes = freePort();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StringWriter err = new StringWriter();
            CommandLine cmd = new CommandLine(new ServeCommand());
            cmd.setErr(new PrintWriter(err, true));
            int status = cmd.execute("--config-dir", config.toString(), "--no-envoy", "--state-dir", state.toString(),
                    "--ads-address", "127.0.0.1:" + ads, "--probe-address", "127.0.0.1:" + probes,
                    "--snapshot-address", "127.0.0.1:" + taken.getLocalPort());

            assertThat(status).isEqualTo(1);
            assertThat(err.toString()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + " for the snapshot server (--snapshot-address)").contains("another legate serve");
        }
        // The ADS server and the probes had started before the snapshot server failed: both ports are free again.
        assertBindable(ads);
        assertBindable(probes);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void assertBindable(int port) throws Exception {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertThat(socket.isBound()).isTrue();
        }
    }
}
