package dev.legate.backend;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServerPort;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.websocket.WebSocketService;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One echo backend: a named server that answers every request with what it received (see {@link EchoService}),
 * over HTTP/1.1 and HTTP/2 in cleartext (h2c, by upgrade or prior knowledge) on its HTTP port, the same over TLS
 * (h2 by ALPN) on its HTTPS port, WebSocket on any path ({@link EchoWebSocket}) and gRPC
 * ({@link GrpcEcho#SERVICE_NAME}) on both ports.
 *
 * <p>Ports 0 pick free ports; {@link #httpPort()} and {@link #httpsPort()} say which.
 */
public final class EchoBackend implements AutoCloseable {

    /** The TLS certificate the HTTPS port presents. */
    public sealed interface Certificate {
        /** A self-signed certificate made at start-up (for any host name). */
        record SelfSigned() implements Certificate {
        }

        /** A PEM certificate chain and its PEM private key. */
        record Files(Path certificateChain, Path privateKey) implements Certificate {
            public Files {
                requireNonNull(certificateChain, "certificateChain");
                requireNonNull(privateKey, "privateKey");
            }
        }
    }

    /**
     * How to start a backend.
     *
     * @param name how the backend identifies itself in every answer
     * @param bindAddress the address both ports bind (127.0.0.1 in tests)
     * @param httpPort the cleartext port (0: any free port)
     * @param httpsPort the TLS port (0: any free port); empty: no TLS port
     * @param certificate what the TLS port presents
     */
    public record Settings(String name, String bindAddress, int httpPort, Optional<Integer> httpsPort,
            Certificate certificate) {
        public Settings {
            requireNonNull(name, "name");
            requireNonNull(bindAddress, "bindAddress");
            requireNonNull(httpsPort, "httpsPort");
            requireNonNull(certificate, "certificate");
            if (name.isBlank()) {
                throw new IllegalArgumentException("a backend needs a name");
            }
            checkPort(httpPort);
            httpsPort.ifPresent(Settings::checkPort);
        }

        /** A backend on 127.0.0.1 with both ports free and a self-signed certificate. */
        public static Settings loopback(String name) {
            return new Settings(name, "127.0.0.1", 0, Optional.of(0), new Certificate.SelfSigned());
        }

        private static void checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is out of range");
            }
        }
    }

    private final String name;
    private final Server server;

    private EchoBackend(String name, Server server) {
        this.name = name;
        this.server = server;
    }

    /** Starts a backend and returns once both ports are bound. */
    public static EchoBackend start(Settings settings) {
        requireNonNull(settings, "settings");
        ServerBuilder sb = Server.builder()
                .port(new ServerPort(new InetSocketAddress(settings.bindAddress(), settings.httpPort()),
                        SessionProtocol.HTTP))
                // A gateway's connections live long; the backend must not be the one that closes them mid-test.
                .idleTimeout(Duration.ofMinutes(5))
                .requestTimeout(Duration.ofSeconds(30))
                .gracefulShutdownTimeout(Duration.ZERO, Duration.ofSeconds(1));
        settings.httpsPort().ifPresent(port -> {
            sb.port(new ServerPort(new InetSocketAddress(settings.bindAddress(), port), SessionProtocol.HTTPS));
            switch (settings.certificate()) {
                case Certificate.SelfSigned s -> sb.tlsSelfSigned();
                case Certificate.Files f -> sb.tls(f.certificateChain().toFile(), f.privateKey().toFile());
            }
            // The JDK's TLS engine reports the SNI the client sent (the answer's tls.sni); OpenSSL's does not.
            sb.tlsCustomizer(tls -> tls.sslProvider(SslProvider.JDK));
        });
        EchoService echo = new EchoService(settings.name());
        sb.service(GrpcService.builder().addService(GrpcEcho.service(settings.name())).build());
        sb.serviceUnder("/", WebSocketService.builder(new EchoWebSocket(echo))
                // A test backend: any client, with or without an Origin header.
                .allowedOrigins("*").fallbackService(echo).build());
        Server server = sb.build();
        server.start().join();
        return new EchoBackend(settings.name(), server);
    }

    public String name() {
        return name;
    }

    /** The bound cleartext port. */
    public int httpPort() {
        return server.activeLocalPort(SessionProtocol.HTTP);
    }

    /** The bound TLS port; fails when the backend has none. */
    public int httpsPort() {
        return server.activeLocalPort(SessionProtocol.HTTPS);
    }

    /** Whether this backend has a TLS port. */
    public boolean hasHttps() {
        return server.activePorts().values().stream().anyMatch(p -> p.hasProtocol(SessionProtocol.HTTPS));
    }

    @Override
    public void close() {
        server.stop().join();
    }
}
