package dev.legate.backend.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Both authorization backends, through real clients: a gRPC Authorization stub, and an HTTP client. */
@Timeout(60)
final class AuthBackendTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    private AuthorizationGrpc.AuthorizationBlockingStub grpcClient(GrpcAuthBackend backend) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", backend.port()).usePlaintext().build();
        closeables.add(() -> {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        });
        return AuthorizationGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private GrpcAuthBackend grpcBackend() {
        GrpcAuthBackend backend = GrpcAuthBackend.start("auth-grpc", ANY_PORT);
        closeables.add(backend);
        return backend;
    }

    private HttpAuthBackend httpBackend() {
        HttpAuthBackend backend = HttpAuthBackend.start("auth-http", ANY_PORT);
        closeables.add(backend);
        return backend;
    }

    /** A check as Envoy's ext_authz filter sends it. */
    private static CheckRequest check(String method, String path, Map<String, String> headers) {
        return CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder()
                .setRequest(AttributeContext.Request.newBuilder().setHttp(AttributeContext.HttpRequest.newBuilder()
                        .setMethod(method).setPath(path).setHost("app.example.com").setScheme("http")
                        .setProtocol("HTTP/1.1").putAllHeaders(headers)))).build();
    }

    private static Map<String, String> headers(List<HeaderValueOption> options) {
        return options.stream().collect(Collectors.toMap(o -> o.getHeader().getKey(), o -> o.getHeader().getValue()));
    }

    @Test
    void grpcAllowsByDefaultAndAddsTheRequestedHeaders() {
        GrpcAuthBackend backend = grpcBackend();
        CheckResponse response = grpcClient(backend).check(check("GET", "/api/x?q=1",
                Map.of("requested-header", "x-user=alice, x-role = admin")));
        assertThat(response.getStatus().getCode()).isEqualTo(Status.Code.OK.value());
        assertThat(response.hasOkResponse()).isTrue();
        assertThat(headers(response.getOkResponse().getHeadersList())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "x-legate-auth-backend", "auth-grpc", "x-legate-auth-path", "/api/x?q=1", "x-user", "alice",
                "x-role", "admin"));
        assertThat(backend.checks()).isEqualTo(1);
    }

    @Test
    void grpcDeniesByPathHeaderOrRequestedStatus() {
        var client = grpcClient(grpcBackend());
        CheckResponse byPath = client.check(check("POST", "/shop/deny/cart", Map.of()));
        assertThat(byPath.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED.value());
        assertThat(byPath.getDeniedResponse().getStatus().getCode()).isEqualTo(StatusCode.Forbidden);
        assertThat(byPath.getDeniedResponse().getBody()).contains("\"backend\":\"auth-grpc\"")
                .contains("\"path\":\"/shop/deny/cart\"").contains("\"method\":\"POST\"")
                .contains("\"status\":403");
        assertThat(headers(byPath.getDeniedResponse().getHeadersList()))
                .containsEntry("x-legate-auth-backend", "auth-grpc");

        CheckResponse byHeader = client.check(check("GET", "/ok", Map.of("x-legate-deny", "1")));
        assertThat(byHeader.getDeniedResponse().getStatus().getCode()).isEqualTo(StatusCode.Forbidden);

        CheckResponse unauthorized = client.check(check("GET", "/ok", Map.of("requested-status", "401")));
        assertThat(unauthorized.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED.value());
        assertThat(unauthorized.getDeniedResponse().getStatus().getCode()).isEqualTo(StatusCode.Unauthorized);

        CheckResponse allowedDespitePath = client.check(check("GET", "/denyall/x", Map.of()));
        assertThat(allowedDespitePath.hasOkResponse()).as("only a whole 'deny' segment denies").isTrue();
        CheckResponse requestedOk = client.check(check("GET", "/deny", Map.of("requested-status", "200")));
        assertThat(requestedOk.hasOkResponse()).as("requested-status wins").isTrue();
    }

    @Test
    void grpcAnswersConcurrentChecks() throws Exception {
        GrpcAuthBackend backend = grpcBackend();
        var client = grpcClient(backend);
        List<java.util.concurrent.Future<CheckResponse>> answers = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 200; i++) {
                String path = i % 2 == 0 ? "/ok/" + i : "/deny/" + i;
                answers.add(pool.submit(() -> client.check(check("GET", path, Map.of()))));
            }
        }
        for (int i = 0; i < 200; i++) {
            assertThat(answers.get(i).get().hasOkResponse()).isEqualTo(i % 2 == 0);
        }
        assertThat(backend.checks()).isEqualTo(200);
    }

    private static HttpResponse<String> send(HttpAuthBackend backend, HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(HttpAuthBackend backend, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + backend.port() + path));
    }

    @Test
    void httpAllowsWith200AndTheHeadersToAdd() throws Exception {
        HttpAuthBackend backend = httpBackend();
        HttpResponse<String> allowed = send(backend, request(backend, "/extauth/api/x?q=1")
                .header("requested-header", "x-user=alice"));
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.body()).isEmpty();
        assertThat(allowed.headers().firstValue("x-legate-auth-backend")).hasValue("auth-http");
        assertThat(allowed.headers().firstValue("x-legate-auth-path")).hasValue("/extauth/api/x?q=1");
        assertThat(allowed.headers().firstValue("x-user")).hasValue("alice");

        HttpResponse<String> post = send(backend, request(backend, "/extauth/upload")
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))));
        assertThat(post.statusCode()).as("a body is read and ignored").isEqualTo(200);
        assertThat(backend.checks()).isEqualTo(2);
    }

    @Test
    void httpDeniesWithTheAnswerTheClientGets() throws Exception {
        HttpAuthBackend backend = httpBackend();
        HttpResponse<String> denied = send(backend, request(backend, "/extauth/deny/x").header("host-override", "1"));
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(denied.body()).contains("\"backend\":\"auth-http\"").contains("\"path\":\"/extauth/deny/x\"")
                .contains("\"host\":\"127.0.0.1:" + backend.port() + "\"");

        HttpResponse<String> requested = send(backend, request(backend, "/x").header("requested-status", "503")
                .header("requested-header", "retry-after=7"));
        assertThat(requested.statusCode()).isEqualTo(503);
        assertThat(requested.headers().firstValue("retry-after")).hasValue("7");

        HttpResponse<String> header = send(backend, request(backend, "/x").header("X-Legate-Deny", "yes"));
        assertThat(header.statusCode()).isEqualTo(403);

        HttpResponse<String> head = send(backend, request(backend, "/deny")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(403);
    }
}
