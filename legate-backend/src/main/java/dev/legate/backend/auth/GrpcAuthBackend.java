package dev.legate.backend.auth;

import static java.util.Objects.requireNonNull;

import dev.legate.backend.GrpcListener;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.grpc.stub.StreamObserver;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An ext_authz backend speaking Envoy's gRPC Authorization service v3 ({@code envoy.service.auth.v3.Authorization/
 * Check}), the protocol of an AuthService with {@code proto: grpc} and {@code protocol_version: v3}. It decides with
 * {@link AuthPolicy} from the HTTP request in the check's attributes (method, path, host, headers). Allowed, the
 * response is OK with the policy's headers to add upstream; denied, PERMISSION_DENIED (UNAUTHENTICATED for 401) with
 * the status, headers and body the client gets.
 *
 * <p>Use: {@code GrpcAuthBackend auth = GrpcAuthBackend.start("auth", new InetSocketAddress("127.0.0.1", 0));}
 * then point an AuthService at {@code 127.0.0.1:auth.port()}; {@code auth.close()} stops it. Thread-safe.
 */
public final class GrpcAuthBackend implements AutoCloseable {

    private final String name;
    private final GrpcListener listener;
    private final AtomicLong checks = new AtomicLong();

    private GrpcAuthBackend(String name, InetSocketAddress address) {
        this.name = name;
        this.listener = GrpcListener.start(address, new Service(), "gRPC auth backend");
    }

    /**
     * Starts the backend on {@code address} (port 0: an ephemeral port, see {@link #port()}).
     *
     * @param name how the backend identifies itself (header {@code x-legate-auth-backend})
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static GrpcAuthBackend start(String name, InetSocketAddress address) {
        requireNonNull(name, "name");
        requireNonNull(address, "address");
        return new GrpcAuthBackend(name, address);
    }

    public String name() {
        return name;
    }

    /** The port it listens on. */
    public int port() {
        return listener.port();
    }

    /** How many checks it has answered. */
    public long checks() {
        return checks.get();
    }

    /** The request the policy sees in a check (what Envoy put in the check's HTTP attributes). */
    static AuthRequest request(CheckRequest check) {
        AttributeContext.HttpRequest http = check.getAttributes().getRequest().getHttp();
        return new AuthRequest(http.getMethod(), http.getPath(), http.getHost(), http.getHeadersMap());
    }

    static CheckResponse response(AuthDecision decision) {
        List<HeaderValueOption> headers = decision.headers().entrySet().stream().map(GrpcAuthBackend::header)
                .toList();
        if (decision.allowed()) {
            return CheckResponse.newBuilder()
                    .setStatus(com.google.rpc.Status.newBuilder().setCode(io.grpc.Status.Code.OK.value()))
                    .setOkResponse(OkHttpResponse.newBuilder().addAllHeaders(headers))
                    .build();
        }
        io.grpc.Status.Code code = decision.status() == 401 ? io.grpc.Status.Code.UNAUTHENTICATED
                : io.grpc.Status.Code.PERMISSION_DENIED;
        StatusCode status = StatusCode.forNumber(decision.status());
        return CheckResponse.newBuilder()
                .setStatus(com.google.rpc.Status.newBuilder().setCode(code.value()))
                .setDeniedResponse(DeniedHttpResponse.newBuilder()
                        .setStatus(HttpStatus.newBuilder().setCode(status == null ? StatusCode.Forbidden : status))
                        .addAllHeaders(headers)
                        .setBody(decision.body()))
                .build();
    }

    private static HeaderValueOption header(Map.Entry<String, String> h) {
        return HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey(h.getKey()).setValue(h.getValue()))
                .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
                .build();
    }

    private final class Service extends AuthorizationGrpc.AuthorizationImplBase {
        @Override
        public void check(CheckRequest request, StreamObserver<CheckResponse> responses) {
            checks.incrementAndGet();
            responses.onNext(response(AuthPolicy.decide(name, request(request))));
            responses.onCompleted();
        }
    }

    @Override
    public void close() {
        listener.close();
    }
}
