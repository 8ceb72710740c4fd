package dev.legate.backend;

import static java.util.Objects.requireNonNull;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC service listening on one address (grpc-java on Netty), as the auth and rate-limit backends serve theirs:
 * started bound, its port known (port 0 picks one), closed gracefully within a few seconds.
 */
public final class GrpcListener implements AutoCloseable {

    private final Server server;

    private GrpcListener(Server server) {
        this.server = server;
    }

    /**
     * Serves {@code service} on {@code address}.
     *
     * @param what what is started, for the error message
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static GrpcListener start(InetSocketAddress address, BindableService service, String what) {
        requireNonNull(address, "address");
        requireNonNull(service, "service");
        try {
            return new GrpcListener(NettyServerBuilder.forAddress(address).addService(service).build().start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + what + " on " + address, e);
        }
    }

    /** The port it listens on. */
    public int port() {
        return ((InetSocketAddress) server.getListenSockets().getFirst()).getPort();
    }

    /** Stops taking calls, lets the running ones finish for up to 5 s, then ends them. */
    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
