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
}
