package dev.legate.compiler.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.util.JsonFormat;
import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.CompileResult;
import dev.legate.compiler.Compiler;
import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.config.YamlDocuments;
import dev.legate.compiler.envoy.EnvoyConfig;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The fast writer prints exactly what protobuf's own JsonFormat prints, with the routes inlined. */
final class ProtoJsonWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void agreesWithJsonFormatOnEveryGoldenFixture() throws IOException {
        Path golden = Path.of("src/test/resources/golden");
        List<Path> inputs;
        try (Stream<Path> files = Files.list(golden)) {
            inputs = files.filter(p -> p.getFileName().toString().endsWith(".in.yaml")).sorted().toList();
        }
        Compiler compiler = new Compiler(CompileOptions.DEFAULTS);
        for (Path input : inputs) {
            List<RawDocument> documents = new ArrayList<>();
            for (Path file : List.of(golden.resolve("_secrets.yaml"), input)) {
                documents.addAll(YamlDocuments.parse(file.toString(), Files.readString(file)).documents());
            }
            CompileResult result = compiler.compile(ResourceSnapshot.of(documents));
            StringWriter fast = new StringWriter();
            EnvoyJson.writeBootstrap(result.envoy(), fast);
            String reference = JsonFormat.printer().usingTypeRegistry(EnvoyTypes.REGISTRY)
                    .preservingProtoFieldNames().print(inlined(result.envoy()));
            JsonNode expected = withoutSdsConfig(JSON.readTree(reference));
            JsonNode actual = JSON.readTree(fast.toString());
            assertThat(actual).as(input.toString()).isEqualTo(expected);
            // Same key order too, not only the same tree.
            assertThat(JSON.writeValueAsString(actual)).isEqualTo(JSON.writeValueAsString(expected));
        }
    }

    /** The static bootstrap names its secrets without a config source: drop sds_config from the reference. */
    private static JsonNode withoutSdsConfig(JsonNode node) {
        if (node.isObject()) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) node).remove("sds_config");
        }
        node.forEach(ProtoJsonWriterTest::withoutSdsConfig);
        return node;
    }

    /** The bootstrap with each connection manager's RDS reference replaced by its route configuration. */
    private static Bootstrap inlined(EnvoyConfig config) throws IOException {
        Map<String, RouteConfiguration> routes = new HashMap<>();
        config.routeConfigurations().forEach(rc -> routes.put(rc.getName(), rc));
        Bootstrap.Builder bootstrap = EnvoyJson.bootstrap(config).toBuilder();
        for (Listener.Builder listener : bootstrap.getStaticResourcesBuilder().getListenersBuilderList()) {
            for (FilterChain.Builder chain : listener.getFilterChainsBuilderList()) {
                for (Filter.Builder filter : chain.getFiltersBuilderList()) {
                    if (!filter.getTypedConfig().is(HttpConnectionManager.class)) {
                        continue; // a tcp_proxy has no routes to inline
                    }
                    HttpConnectionManager hcm = filter.getTypedConfig().unpack(HttpConnectionManager.class);
                    if (hcm.hasRds()) {
                        filter.setTypedConfig(Any.pack(hcm.toBuilder().clearRds()
                                .setRouteConfig(routes.get(hcm.getRds().getRouteConfigName())).build()));
                    }
                }
            }
        }
        return bootstrap.build();
    }

    /**
     * Routes are written from their wire form: every kind of field a route can hold (maps with message and string
     * values and out-of-order keys, packed repeated numbers, 64-bit numbers, enums known and unknown, wrappers,
     * durations, Structs, nested Anys, oneofs set to their default) prints exactly as JsonFormat prints it, through
     * both the byte and the character writer, and routes or Anys that recur print the same each time. (Struct fields
     * are printed by JsonFormat itself, in their insertion order: here already sorted.)
     */
    @Test
    void routesWrittenFromTheirWireFormAgreeWithJsonFormatOnEveryKindOfField() throws IOException {
        var perRoute = io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute.newBuilder()
                .setCheckSettings(io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.CheckSettings
                        .newBuilder().putContextExtensions("zone", "b").putContextExtensions("app", "shop")
                        .putContextExtensions("tier", "gold"))
                .build();
        var metadata = io.envoyproxy.envoy.config.core.v3.Metadata.newBuilder()
                .putFilterMetadata("z.filter", com.google.protobuf.Struct.newBuilder()
                        .putFields("b", com.google.protobuf.Value.newBuilder().setBoolValue(true).build())
                        .putFields("l", com.google.protobuf.Value.newBuilder().setListValue(
                                com.google.protobuf.ListValue.newBuilder()
                                        .addValues(com.google.protobuf.Value.newBuilder().setStringValue("x"))
                                        .addValues(com.google.protobuf.Value.newBuilder().setNullValueValue(0)))
                                .build())
                        .putFields("n", com.google.protobuf.Value.newBuilder().setNumberValue(1.5).build())
                        .build())
                .putFilterMetadata("a.filter", com.google.protobuf.Struct.getDefaultInstance())
                .build();
        var route = io.envoyproxy.envoy.config.route.v3.Route.newBuilder()
                .setName("everything")
                .setMatch(io.envoyproxy.envoy.config.route.v3.RouteMatch.newBuilder()
                        .setPrefix("")
                        .setCaseSensitive(com.google.protobuf.BoolValue.of(false))
                        .setRuntimeFraction(io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent.newBuilder()
                                .setDefaultValue(io.envoyproxy.envoy.type.v3.FractionalPercent.newBuilder()
                                        .setNumerator(25).setDenominatorValue(1))
                                .setRuntimeKey("routing.traffic_shift.x"))
                        .addHeaders(io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder().setName("x-range")
                                .setRangeMatch(io.envoyproxy.envoy.type.v3.Int64Range.newBuilder()
                                        .setStart(-5_000_000_000L).setEnd(Long.MAX_VALUE)))
                        .addHeaders(io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder().setName("x-any")
                                .setPresentMatch(false).setInvertMatch(true)))
                .setRoute(io.envoyproxy.envoy.config.route.v3.RouteAction.newBuilder()
                        .setWeightedClusters(io.envoyproxy.envoy.config.route.v3.WeightedCluster.newBuilder()
                                .addClusters(io.envoyproxy.envoy.config.route.v3.WeightedCluster.ClusterWeight
                                        .newBuilder().setName("a").setWeight(com.google.protobuf.UInt32Value.of(0)))
                                .addClusters(io.envoyproxy.envoy.config.route.v3.WeightedCluster.ClusterWeight
                                        .newBuilder().setName("b").setWeight(
                                                com.google.protobuf.UInt32Value.of(Integer.MAX_VALUE))))
                        .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(3).setNanos(500_000_000))
                        .setPriorityValue(7)
                        .setRetryPolicy(io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder()
                                .setRetryOn("5xx").setNumRetries(com.google.protobuf.UInt32Value.of(3))
                                .addRetriableStatusCodes(503).addRetriableStatusCodes(504)
                                .addRetriableStatusCodes(0))
                        .addHashPolicy(io.envoyproxy.envoy.config.route.v3.RouteAction.HashPolicy.newBuilder()
                                .setCookie(io.envoyproxy.envoy.config.route.v3.RouteAction.HashPolicy.Cookie
                                        .newBuilder().setName("session").setTtl(com.google.protobuf.Duration
                                                .getDefaultInstance())).setTerminal(true)))
                .setMetadata(metadata)
                .putTypedPerFilterConfig("envoy.filters.http.ext_authz", Any.pack(perRoute))
                .putTypedPerFilterConfig("a.first", Any.pack(com.google.protobuf.UInt32Value.of(9)))
                .addRequestHeadersToAdd(io.envoyproxy.envoy.config.core.v3.HeaderValueOption.newBuilder()
                        .setHeader(io.envoyproxy.envoy.config.core.v3.HeaderValue.newBuilder().setKey("x-é")
                                .setValue("ünïcode \"quoted\" \\ </script>"))
                        .setAppendActionValue(2))
                .addResponseHeadersToRemove("x-a").addResponseHeadersToRemove("x-b")
                .setPerRequestBufferLimitBytes(com.google.protobuf.UInt32Value.of(0))
                .build();
        var again = route.toBuilder().setName("again").build();
        var config = RouteConfiguration.newBuilder().setName("r").addVirtualHosts(
                io.envoyproxy.envoy.config.route.v3.VirtualHost.newBuilder().setName("v").addDomains("*")
                        .addRoutes(route).addRoutes(again).addRoutes(route))
                .build();
        // Legate prints map entries sorted by key (JsonFormat keeps their insertion order unless told to sort).
        String reference = JsonFormat.printer().usingTypeRegistry(EnvoyTypes.REGISTRY).preservingProtoFieldNames()
                .sortingMapKeys().print(config);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        new ProtoJsonWriter(EnvoyTypes.REGISTRY, Map.of()).write(config, bytes);
        StringWriter chars = new StringWriter();
        new ProtoJsonWriter(EnvoyTypes.REGISTRY, Map.of()).write(config, chars);
        JsonNode expected = JSON.readTree(reference);
        for (String written : List.of(bytes.toString(java.nio.charset.StandardCharsets.UTF_8), chars.toString())) {
            JsonNode actual = JSON.readTree(written);
            assertThat(actual).isEqualTo(expected);
            assertThat(JSON.writeValueAsString(actual)).isEqualTo(JSON.writeValueAsString(expected));
        }
    }
}
