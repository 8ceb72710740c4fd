package dev.legate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
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

    @Test
    void helpExplainsTheKinds() {
        StringWriter out = new StringWriter();
        assertThat(run(out, new StringWriter(), "backend", "--help")).isZero();
        assertThat(out.toString()).contains("--kind", "auth-grpc", "auth-http", "ratelimit",
                "envoy.service.auth.v3.Authorization/Check", "ShouldRateLimit", "backend NAME grpc=PORT");
    }

    @Test
    void anUnknownKindIsAUsageError() {
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "backend", "--name", "a", "--kind", "nope")).isEqualTo(2);
        assertThat(err.toString()).contains("auth-grpc");
    }

    @Test
    void tlsIsForTheEchoKindOnly() {
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "backend", "--name", "a", "--kind", "ratelimit", "--https-port",
                "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--kind echo only");
    }

    /** A backend running on a thread until interrupted; {@link #port} is the one its line printed. */
    private record Running(Thread thread, int port) implements AutoCloseable {
        static Running start(String kind, String portKey) {
            StringWriter out = new StringWriter();
            Thread thread = Thread.ofPlatform().name("backend-" + kind).start(() ->
                    run(out, new StringWriter(), "backend", "--name", "b1", "--kind", kind, "--http-port", "0"));
            Pattern line = Pattern.compile("backend b1 " + portKey + "=(\\d+)");
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> line.matcher(out.toString()).find());
            Matcher m = line.matcher(out.toString());
            assertThat(m.find()).isTrue();
            return new Running(thread, Integer.parseInt(m.group(1)));
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join(Duration.ofSeconds(10));
            assertThat(thread.isAlive()).isFalse();
        }
    }

    @Test
    void echoAnswersWithItsName() throws Exception {
        try (Running echo = Running.start("echo", "http")) {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + echo.port() + "/a")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.body()).contains("\"backend\":\"b1\"", "\"path\":\"/a\"");
        }
    }

    @Test
    void authHttpAllowsAndDenies() throws Exception {
        try (Running auth = Running.start("auth-http", "http")) {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> allowed = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + auth.port() + "/ok")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.headers().firstValue("x-legate-auth-backend")).hasValue("b1");
            HttpResponse<String> denied = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + auth.port() + "/deny/x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(denied.statusCode()).isEqualTo(403);
        }
    }

    @Test
    void authGrpcAnswersChecks() throws Exception {
        try (Running auth = Running.start("auth-grpc", "grpc")) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", auth.port()).usePlaintext().build();
            try {
                AuthorizationGrpc.AuthorizationBlockingStub stub = AuthorizationGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS);
                CheckResponse allowed = stub.check(check("/ok"));
                assertThat(allowed.getStatus().getCode()).isZero();
                CheckResponse denied = stub.check(check("/deny"));
                assertThat(denied.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(403);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static CheckRequest check(String path) {
        return CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder()
                .setRequest(AttributeContext.Request.newBuilder().setHttp(AttributeContext.HttpRequest.newBuilder()
                        .setMethod("GET").setPath(path).setHost("h")))).build();
    }

    @Test
    void ratelimitAnswersOverLimitForOver() throws Exception {
        try (Running rl = Running.start("ratelimit", "grpc")) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", rl.port()).usePlaintext().build();
            try {
                RateLimitServiceGrpc.RateLimitServiceBlockingStub stub = RateLimitServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS);
                assertThat(stub.shouldRateLimit(limit("fine")).getOverallCode()).isEqualTo(RateLimitResponse.Code.OK);
                assertThat(stub.shouldRateLimit(limit("over")).getOverallCode())
                        .isEqualTo(RateLimitResponse.Code.OVER_LIMIT);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static RateLimitRequest limit(String value) {
        return RateLimitRequest.newBuilder().setDomain("ambassador").addDescriptors(RateLimitDescriptor.newBuilder()
                .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("generic_key").setValue(value))).build();
    }
}
