package dev.legate.app;

import dev.legate.backend.EchoBackend;
import dev.legate.backend.GrpcEcho;
import dev.legate.backend.auth.GrpcAuthBackend;
import dev.legate.backend.auth.HttpAuthBackend;
import dev.legate.backend.ratelimit.RateLimitBackend;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code legate backend}: a test backend (echo, ext_authz or rate limit) for testing a gateway end to end. */
@Command(name = "backend",
        mixinStandardHelpOptions = true,
        header = "Run a test backend (echo, external authorization or rate limit) for testing routes end to end.",
        description = {
            "--kind echo (the default) answers every request with JSON describing what it received: the backend's",
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
            "--kind auth-grpc is an AuthService backend speaking Envoy's gRPC",
            "envoy.service.auth.v3.Authorization/Check (proto: grpc); --kind auth-http",
            "speaks Emissary's HTTP auth protocol (proto: http: the request is forwarded,",
            "200 allows, any other answer goes back to the client). Both decide from the",
            "request: header requested-status: N answers N (200 allows); otherwise a path",
            "segment 'deny' or a header x-legate-deny denies with 403; otherwise allowed.",
            "Every answer carries x-legate-auth-backend: NAME and x-legate-auth-path, and",
            "requested-header: a=1, b=2 adds headers a and b.",
            "",
            "--kind ratelimit is a RateLimitService backend speaking Envoy's gRPC",
            "envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit, deciding by the",
            "descriptors: an entry value 'over' is OVER_LIMIT; 'limit-N' allows N hits",
            "per --window per descriptor; anything else is OK.",
            "",
            "Port 0 picks a free port; the bound ports are printed on one line:",
            "  backend NAME http=PORT https=PORT   (echo)",
            "  backend NAME grpc=PORT              (auth-grpc, ratelimit)",
            "  backend NAME http=PORT              (auth-http)",
            ""})
final class BackendCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** What the backend is. */
    enum Kind {
        ECHO("echo"), AUTH_GRPC("auth-grpc"), AUTH_HTTP("auth-http"), RATELIMIT("ratelimit");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    @Option(names = "--kind", paramLabel = "KIND", defaultValue = "echo", converter = KindConverter.class,
            description = "echo, auth-grpc, auth-http or ratelimit. Default: ${DEFAULT-VALUE}.")
    private Kind kind = Kind.ECHO;

    @Option(names = "--window", paramLabel = "DURATION", defaultValue = "PT1S",
            description = "ratelimit: the counting window of 'limit-N' descriptors (ISO-8601, e.g. PT1M). "
                    + "Default: ${DEFAULT-VALUE}.")
    private java.time.Duration window = java.time.Duration.ofSeconds(1);

    static final class KindConverter implements CommandLine.ITypeConverter<Kind> {
        @Override
        public Kind convert(String value) {
            for (Kind k : Kind.values()) {
                if (k.label.equals(value)) {
                    return k;
                }
            }
            throw new CommandLine.TypeConversionException("expected one of echo, auth-grpc, auth-http, ratelimit "
                    + "but was '" + value + "'");
        }
    }

    @Option(names = "--name", required = true, paramLabel = "NAME",
            description = "How the backend identifies itself in every answer.")
    private String name;

    @Option(names = "--address", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "The address both ports bind. Default: ${DEFAULT-VALUE}.")
    private String address;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "The cleartext port (echo: HTTP/1.1, h2c, WebSocket, gRPC; auth-grpc and ratelimit: "
                    + "gRPC; auth-http: HTTP/1.1); 0 for any free port. "
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
        if (kind != Kind.ECHO) {
            return runService();
        }
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
        return serveUntilStopped(backend, "http=" + backend.httpPort()
                + (backend.hasHttps() ? " https=" + backend.httpsPort() : ""));
    }

    /** An auth or rate-limit backend: one cleartext port, no TLS. */
    private Integer runService() {
        if (httpsPort != null || tlsCert != null || tlsKey != null) {
            spec.commandLine().getErr().println("legate backend: --https-port, --tls-cert and --tls-key are for "
                    + "--kind echo only");
            return 2;
        }
        if (httpPort < 0 || httpPort > 65535) {
            spec.commandLine().getErr().println("legate backend: port out of range: " + httpPort);
            return 2;
        }
        if (window.isNegative() || window.isZero()) {
            spec.commandLine().getErr().println("legate backend: --window must be positive: " + window);
            return 2;
        }
        InetSocketAddress bind = new InetSocketAddress(address, httpPort);
        AutoCloseable backend;
        String line;
        switch (kind) {
            case AUTH_GRPC -> {
                GrpcAuthBackend auth = GrpcAuthBackend.start(name, bind);
                backend = auth;
                line = "grpc=" + auth.port();
            }
            case AUTH_HTTP -> {
                HttpAuthBackend auth = HttpAuthBackend.start(name, bind);
                backend = auth;
                line = "http=" + auth.port();
            }
            case RATELIMIT -> {
                RateLimitBackend rl = RateLimitBackend.start(name, bind,
                        new dev.legate.backend.ratelimit.RateLimitPolicy(window, System::nanoTime));
                backend = rl;
                line = "grpc=" + rl.port();
            }
            case ECHO -> throw new IllegalStateException("echo runs in call()");
            default -> throw new IllegalStateException("unknown kind " + kind);
        }
        return serveUntilStopped(backend, line);
    }

    /**
     * Prints the bound ports and serves until the process stops (or, in tests, the thread is interrupted); the
     * backend is closed either way.
     */
    private Integer serveUntilStopped(AutoCloseable backend, String ports) {
        spec.commandLine().getOut().println("backend " + name + " " + ports);
        spec.commandLine().getOut().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            close(backend);
            stopped.countDown();
        }, "legate-backend-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                close(backend);
            } catch (IllegalStateException shuttingDown) {
                // The process is stopping: the hook closes the backend.
            }
        }
        return 0;
    }

    private void close(AutoCloseable backend) {
        try {
            backend.close();
        } catch (Exception e) {
            spec.commandLine().getErr().println("legate backend: closing: " + e.getMessage());
        }
    }
}
