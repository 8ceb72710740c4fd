package dev.legate.acceptance;

import static dev.legate.acceptance.Resources.map;
import static dev.legate.acceptance.Resources.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.legate.backend.EchoBackend;
import dev.legate.backend.GrpcEcho;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.NameResolverRegistry;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.xds.XdsNameResolverProvider;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC scenarios through grpc-java's own xDS client, a strict real consumer: it reads the API-listener view that
 * {@code legate serve --api-listeners} publishes, its routes, EDS clusters and endpoints (grpc-java takes EDS, not
 * STRICT_DNS, so the services go through an endpoint resolver), and makes real gRPC calls to the echo backends,
 * routed by Emissary's gRPC Mappings: by method prefix, and by a header match that goes first.
 *
 * <p>A configuration of its own (grpc-java would refuse the STRICT_DNS clusters of the main one).
 */
@Timeout(240)
final class GrpcXdsTest {

    private static final String HOST = "grpc.example";

    @Test
    void grpcJavaRoutesGrpcMappings(@TempDir Path work) throws Exception {
        List<EchoBackend> backends = new ArrayList<>();
        XdsNameResolverProvider provider = null;
        ManagedChannel channel = null;
        try {
            Map<String, Integer> ports = new TreeMap<>();
            for (String name : List.of("grpc-one", "grpc-two")) {
                EchoBackend b = EchoBackend.start(new EchoBackend.Settings(name, "127.0.0.1", 0, Optional.empty(),
                        new EchoBackend.Certificate.SelfSigned()));
                backends.add(b);
                ports.put(name, b.httpPort());
            }
            Path config = Files.createDirectories(work.resolve("config"));
            List<Map<String, Object>> docs = new ArrayList<>();
            docs.add(resource("Listener", "acc-grpc", map("port", freePort(), "protocol", "HTTP",
                    "securityModel", "XFP", "hostBinding", map("namespace", map("from", "ALL")))));
            docs.add(resource("Host", "grpc-host", map("hostname", HOST,
                    "requestPolicy", map("insecure", map("action", "Route")))));
            docs.add(resource("KubernetesEndpointResolver", "endpoint", map()));
            for (Map.Entry<String, Integer> e : ports.entrySet()) {
                docs.add(map("apiVersion", "v1", "kind", "Service",
                        "metadata", map("name", e.getKey(), "namespace", Resources.NAMESPACE),
                        "spec", map("ports", List.of(map("name", "grpc", "port", 80, "targetPort", e.getValue())))));
                docs.add(map("apiVersion", "v1", "kind", "Endpoints",
                        "metadata", map("name", e.getKey(), "namespace", Resources.NAMESPACE),
                        "subsets", List.of(map("addresses", List.of(map("ip", "127.0.0.1")),
                                "ports", List.of(map("name", "grpc", "port", e.getValue()))))));
            }
            String prefix = "/" + GrpcEcho.SERVICE_NAME + "/";
            // hostname "*": a Mapping for one exact hostname also matches :authority in the route, and grpc-java does
            // not match routes on pseudo-headers; the Host's virtual host (domain grpc.example) still applies.
            docs.add(resource("Mapping", "grpc-default", map("hostname", "*", "prefix", prefix, "rewrite", "",
                    "grpc", true, "service", "grpc-one", "resolver", "endpoint")));
            docs.add(resource("Mapping", "grpc-by-header", map("hostname", "*", "prefix", prefix, "rewrite", "",
                    "grpc", true, "service", "grpc-two", "resolver", "endpoint",
                    "headers", map("x-pick", "two"))));
            StringBuilder yaml = new StringBuilder("---\n");
            com.fasterxml.jackson.databind.ObjectMapper y = new com.fasterxml.jackson.databind.ObjectMapper(
                    new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
            for (Map<String, Object> d : docs) {
                yaml.append(y.writeValueAsString(d)); // each document starts with ---
            }
            Files.writeString(config.resolve("grpc.yaml"), yaml);

            try (ServeProcess serve = ServeProcess.start(config, work, Optional.empty(), freePort())) {
                serve.awaitReady(Duration.ofSeconds(120));
                String view = apiListener(serve.latest("envoy.json"));
                String scheme = "legate-acceptance-xds";
                provider = XdsNameResolverProvider.createForTest(scheme, Map.of(
                        "xds_servers", List.of(Map.of(
                                "server_uri", "127.0.0.1:" + serve.adsPort(),
                                "channel_creds", List.of(Map.of("type", "insecure")),
                                "server_features", List.of("xds_v3"))),
                        "node", Map.of("id", "legate-acceptance-grpc", "cluster", "acceptance"),
                        // The channel's target names the virtual host; the listener is the API-listener view.
                        "client_default_listener_resource_name_template", view));
                NameResolverRegistry.getDefaultRegistry().register(provider);
                channel = Grpc.newChannelBuilder(scheme + ":///" + HOST, InsecureChannelCredentials.create())
                        .build();

                Struct request = Struct.newBuilder().putFields("n", Value.newBuilder().setNumberValue(1).build())
                        .build();
                Struct one = ClientCalls.blockingUnaryCall(channel, GrpcEcho.ECHO,
                        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS).withWaitForReady(), request);
                assertThat(one.getFieldsOrThrow("backend").getStringValue()).isEqualTo("grpc-one");
                assertThat(one.getFieldsOrThrow("authority").getStringValue()).isEqualTo(HOST);
                assertThat(one.getFieldsOrThrow("path").getStringValue()).isEqualTo(prefix + "Echo");
                assertThat(one.getFieldsOrThrow("request").getStructValue()).isEqualTo(request);

                Metadata pick = new Metadata();
                pick.put(Metadata.Key.of("x-pick", Metadata.ASCII_STRING_MARSHALLER), "two");
                for (int i = 0; i < 20; i++) {
                    Struct two = ClientCalls.blockingUnaryCall(channel.newCall(GrpcEcho.ECHO,
                            CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS)), request);
                    assertThat(two.getFieldsOrThrow("backend").getStringValue()).isEqualTo("grpc-one");
                    Struct picked = ClientCalls.blockingUnaryCall(
                            io.grpc.ClientInterceptors.intercept(channel,
                                    MetadataUtils.newAttachHeadersInterceptor(pick))
                                    .newCall(GrpcEcho.ECHO, CallOptions.DEFAULT.withDeadlineAfter(30,
                                            TimeUnit.SECONDS)), request);
                    assertThat(picked.getFieldsOrThrow("backend").getStringValue())
                            .as("the Mapping with a header match goes first").isEqualTo("grpc-two");
                }
                System.out.println("grpc-java xDS client: 41 gRPC calls routed by the published configuration "
                        + "(method prefix, header match, EDS endpoints)");
            }
        } finally {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            if (provider != null) {
                NameResolverRegistry.getDefaultRegistry().deregister(provider);
            }
            backends.forEach(EchoBackend::close);
        }
    }

    /** The API-listener view of the acc-grpc Listener's HTTP connection manager. */
    private static String apiListener(Path envoyJson) throws IOException {
        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(envoyJson.toFile());
        for (com.fasterxml.jackson.databind.JsonNode l : root.path("static_resources").path("listeners")) {
            if (l.path("name").asText().equals("acc-grpc")) {
                com.fasterxml.jackson.databind.JsonNode hcm = l.path("filter_chains").path(0).path("filters").path(0)
                        .path("typed_config");
                return "api-" + (hcm.has("rds") ? hcm.path("rds").path("route_config_name").asText()
                        : hcm.path("route_config").path("name").asText());
            }
        }
        throw new IllegalStateException("no acc-grpc listener in " + envoyJson);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
