package dev.legate.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EchoBackendTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EchoBackend backend;

    @BeforeAll
    static void start() {
        backend = EchoBackend.start(EchoBackend.Settings.loopback("alpha"));
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    private static JsonNode get(String base, ClientFactory factory, RequestHeaders headers) throws Exception {
        AggregatedHttpResponse res = WebClient.builder(base).factory(factory).build()
                .execute(headers).aggregate().get(10, TimeUnit.SECONDS);
        assertThat(res.headers().get(EchoService.BACKEND_HEADER)).isEqualTo("alpha");
        return JSON.readTree(res.contentUtf8());
    }

    @Test
    void echoesHttp11() throws Exception {
        JsonNode echo = get("h1c://127.0.0.1:" + backend.httpPort(), ClientFactory.ofDefault(),
                RequestHeaders.builder(HttpMethod.POST, "/some/path?q=1&r=two").authority("example.com")
                        .add("x-custom", "v1").add("x-custom", "v2").build());
        assertThat(echo.path("backend").asText()).isEqualTo("alpha");
        assertThat(echo.path("protocol").asText()).isEqualTo("h1c");
        assertThat(echo.path("method").asText()).isEqualTo("POST");
        assertThat(echo.path("path").asText()).isEqualTo("/some/path?q=1&r=two");
        assertThat(echo.path("host").asText()).isEqualTo("example.com");
        assertThat(echo.path("headers").path("x-custom")).extracting(JsonNode::asText).containsExactly("v1", "v2");
        assertThat(echo.has("tls")).isFalse();
    }

    @Test
    void echoesH2cWithPriorKnowledge() throws Exception {
        JsonNode echo = get("h2c://127.0.0.1:" + backend.httpPort(), ClientFactory.ofDefault(),
                RequestHeaders.builder(HttpMethod.GET, "/h2").authority("h2.example").build());
        assertThat(echo.path("protocol").asText()).isEqualTo("h2c");
        assertThat(echo.path("host").asText()).isEqualTo("h2.example");
    }

    @Test
    void echoesH2OverTlsWithSni() throws Exception {
        // The client sends the endpoint's host name as SNI and connects to 127.0.0.1.
        AggregatedHttpResponse res = WebClient.builder(SessionProtocol.H2,
                        Endpoint.of("sni.example", backend.httpsPort()).withIpAddr("127.0.0.1"))
                .factory(ClientFactory.insecure()).build().get("/secure").aggregate().get(10, TimeUnit.SECONDS);
        JsonNode echo = JSON.readTree(res.contentUtf8());
        assertThat(echo.path("protocol").asText()).isEqualTo("h2");
        assertThat(echo.path("host").asText()).startsWith("sni.example");
        assertThat(echo.path("tls").path("sni").asText()).isEqualTo("sni.example");
        assertThat(echo.path("tls").path("protocol").asText()).startsWith("TLS");
    }

    @Test
    void answersTheRequestedStatusAndHeaders() throws Exception {
        AggregatedHttpResponse res = WebClient.of("http://127.0.0.1:" + backend.httpPort())
                .execute(RequestHeaders.builder(HttpMethod.GET, "/status")
                        .add(EchoService.STATUS_HEADER, "418")
                        .add(EchoService.RESPONSE_HEADER, "x-one=1")
                        .add(EchoService.RESPONSE_HEADER, "x-two = 2").build())
                .aggregate().get(10, TimeUnit.SECONDS);
        assertThat(res.status().code()).isEqualTo(418);
        assertThat(res.headers().get("x-one")).isEqualTo("1");
        assertThat(res.headers().get("x-two")).isEqualTo("2");
        assertThat(JSON.readTree(res.contentUtf8()).path("backend").asText()).isEqualTo("alpha");
    }

    @Test
    void echoesWebSocketFramesAfterDescribingTheUpgrade() throws Exception {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("x-ws", "yes")
                .buildAsync(URI.create("ws://127.0.0.1:" + backend.httpPort() + "/chat?room=1"),
                        new WebSocket.Listener() {
                            private final StringBuilder text = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                                text.append(data);
                                if (last) {
                                    received.add(text.toString());
                                    text.setLength(0);
                                }
                                socket.request(1);
                                return CompletableFuture.completedFuture(null);
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        JsonNode hello = JSON.readTree(received.poll(10, TimeUnit.SECONDS));
        assertThat(hello.path("backend").asText()).isEqualTo("alpha");
        assertThat(hello.path("protocol").asText()).isEqualTo("websocket+h1c");
        assertThat(hello.path("path").asText()).isEqualTo("/chat?room=1");
        assertThat(hello.path("headers").path("x-ws").get(0).asText()).isEqualTo("yes");
        ws.sendText("ping 1", true).get(10, TimeUnit.SECONDS);
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("ping 1");
        ws.sendText("ping 2", true).get(10, TimeUnit.SECONDS);
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("ping 2");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    @Test
    void echoesGrpc() {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", backend.httpPort()).usePlaintext()
                .overrideAuthority("grpc.example").build();
        try {
            Struct request = Struct.newBuilder()
                    .putFields("hello", Value.newBuilder().setStringValue("world").build()).build();
            Struct answer = ClientCalls.blockingUnaryCall(channel.newCall(GrpcEcho.ECHO,
                    io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)), request);
            assertThat(answer.getFieldsOrThrow("backend").getStringValue()).isEqualTo("alpha");
            assertThat(answer.getFieldsOrThrow("authority").getStringValue()).isEqualTo("grpc.example");
            assertThat(answer.getFieldsOrThrow("path").getStringValue()).isEqualTo("/legate.backend.Echo/Echo");
            assertThat(answer.getFieldsOrThrow("request").getStructValue()).isEqualTo(request);
            assertThat(answer.getFieldsOrThrow("headers").getStructValue().getFieldsMap())
                    .containsKey("content-type");
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void twoBackendsTellThemselvesApart() throws Exception {
        try (EchoBackend beta = EchoBackend.start(EchoBackend.Settings.loopback("beta"))) {
            AggregatedHttpResponse res = WebClient.of("http://127.0.0.1:" + beta.httpPort()).get("/")
                    .aggregate().get(10, TimeUnit.SECONDS);
            assertThat(JSON.readTree(res.contentUtf8()).path("backend").asText()).isEqualTo("beta");
            assertThat(List.of(beta.httpPort(), beta.httpsPort())).doesNotContain(backend.httpPort());
        }
    }
}
