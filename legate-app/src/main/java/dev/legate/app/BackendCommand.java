package dev.legate.app;

import dev.legate.backend.EchoBackend;
import dev.legate.backend.GrpcEcho;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code legate backend}: an echo backend for testing a gateway end to end. */
@Command(name = "backend",
        mixinStandardHelpOptions = true,
        header = "Run an echo backend for testing routes end to end.",
        description = {
            "Answers every request with JSON describing what it received: the backend's",
            "--name, the protocol, method, path with query, host (:authority), all",
            "request headers and, over TLS, the SNI. Speaks HTTP/1.1 and h2c on the HTTP",
            "port, HTTP/1.1 and h2 over TLS on the HTTPS port (a self-signed certificate",
            "unless --tls-cert/--tls-key are given), WebSocket on any path (the first",
            "frame describes the upgrade request, then every frame is echoed) and gRPC",
            "(" + GrpcEcho.SERVICE_NAME + "/Echo, google.protobuf.Struct in and out).",
            "",
            "Request headers that change the answer: x-echo-status: CODE answers with",
            "that status; x-echo-response-header: NAME=VALUE adds a response header.",
            "",
            "Port 0 picks a free port; the bound ports are printed on one line:",
            "  backend NAME http=PORT https=PORT",
            ""})
final class BackendCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--name", required = true, paramLabel = "NAME",
            description = "How the backend identifies itself in every answer.")
    private String name;

    @Option(names = "--address", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "The address both ports bind. Default: ${DEFAULT-VALUE}.")
    private String address;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "The cleartext port (HTTP/1.1, h2c, WebSocket, gRPC); 0 for any free port. "
                    + "Default: ${DEFAULT-VALUE}.")
    private int httpPort;

    @Option(names = "--https-port", paramLabel = "PORT",
            description = "The TLS port (HTTP/1.1, h2, WebSocket, gRPC); 0 for any free port. Default: no TLS port.")
    private @Nullable Integer httpsPort;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain for the TLS port (with --tls-key). Default: a self-signed one.")
    private @Nullable Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert.")
    private @Nullable Path tlsKey;

    @Override
    public Integer call() throws Exception {
        if ((tlsCert == null) != (tlsKey == null)) {
            spec.commandLine().getErr().println("legate backend: --tls-cert and --tls-key go together");
            return 2;
        }
        EchoBackend.Certificate certificate = tlsCert != null && tlsKey != null
                ? new EchoBackend.Certificate.Files(tlsCert, tlsKey) : new EchoBackend.Certificate.SelfSigned();
        EchoBackend.Settings settings;
        try {
            settings = new EchoBackend.Settings(name, address, httpPort, Optional.ofNullable(httpsPort),
                    certificate);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("legate backend: " + e.getMessage());
            return 2;
        }
        EchoBackend backend = EchoBackend.start(settings);
        spec.commandLine().getOut().println("backend " + backend.name() + " http=" + backend.httpPort()
                + (backend.hasHttps() ? " https=" + backend.httpsPort() : ""));
        spec.commandLine().getOut().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            backend.close();
            stopped.countDown();
        }, "legate-backend-shutdown"));
        stopped.await();
        return 0;
    }
}
