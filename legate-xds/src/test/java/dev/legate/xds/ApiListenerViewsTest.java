package dev.legate.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ApiListenerViewsTest {

    @Test
    void oneViewPerRouteConfigurationWrappingTheSameConnectionManager() throws Exception {
        Listener plain = Fixtures.listener("listener-8080", 8080, "listener-8080-routes");
        Listener tls = Fixtures.tlsListener("listener-8443", 8443, "listener-8443-routes", "secret");
        List<Listener> all = ApiListenerViews.with(List.of(tls, plain));

        assertThat(all).extracting(Listener::getName).containsExactly("listener-8443", "listener-8080",
                "api-listener-8080-routes", "api-listener-8443-routes");
        Listener view = all.get(2);
        assertThat(view.hasApiListener()).isTrue();
        assertThat(view.getFilterChainsCount()).isZero();
        HttpConnectionManager hcm = view.getApiListener().getApiListener().unpack(HttpConnectionManager.class);
        HttpConnectionManager original = plain.getFilterChains(0).getFilters(0).getTypedConfig()
                .unpack(HttpConnectionManager.class);
        assertThat(hcm).isEqualTo(original);
        assertThat(ApiListenerViews.with(all)).isEqualTo(all); // views of views are not made twice
    }

    @Test
    void filtersAProxylessClientCannotRunAreOptionalTheRouterIsNot() throws Exception {
        Listener plain = Fixtures.listener("listener-8080", 8080, "listener-8080-routes");
        Filter filter = plain.getFilterChains(0).getFilters(0);
        HttpConnectionManager hcm = filter.getTypedConfig().unpack(HttpConnectionManager.class).toBuilder()
                .addHttpFilters(0, HttpFilter.newBuilder().setName("envoy.filters.http.cors")
                        .setTypedConfig(Any.pack(io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors
                                .getDefaultInstance())))
                .build();
        Listener withCors = plain.toBuilder().setFilterChains(0, plain.getFilterChains(0).toBuilder()
                .setFilters(0, filter.toBuilder().setTypedConfig(Any.pack(hcm)))).build();

        HttpConnectionManager view = ApiListenerViews.with(List.of(withCors)).get(1).getApiListener()
                .getApiListener().unpack(HttpConnectionManager.class);
        assertThat(view.getHttpFiltersList()).extracting(HttpFilter::getName, HttpFilter::getIsOptional)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("envoy.filters.http.cors", true),
                        org.assertj.core.groups.Tuple.tuple("envoy.filters.http.router", false));
    }

    @Test
    void theServerAcceptsViewsAsConsistentResources() throws Exception {
        try (XdsServer server = XdsServer.start(new java.net.InetSocketAddress("127.0.0.1", 0))) {
            Listener plain = Fixtures.listener("listener-8080", 8080, "listener-8080-routes");
            PublishResult result = server.publish(new XdsResources(ApiListenerViews.with(List.of(plain)),
                    List.of(io.envoyproxy.envoy.config.route.v3.RouteConfiguration.newBuilder()
                            .setName("listener-8080-routes").build()), List.of(), List.of(), List.of()));
            assertThat(result.accepted()).as(result.errors().toString()).isTrue();
        }
    }

    @Test
    void localitiesWithoutAWeightGetOne() {
        io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment cla = Fixtures.endpoints("c", "127.0.0.1", 80);
        assertThat(cla.getEndpoints(0).hasLoadBalancingWeight()).isFalse();
        var weighted = ApiListenerViews.withLocalityWeights(List.of(cla));
        assertThat(weighted.get(0).getEndpoints(0).getLoadBalancingWeight().getValue()).isEqualTo(1);
        assertThat(weighted.get(0).getEndpoints(0).getLbEndpointsList()).isEqualTo(cla.getEndpoints(0)
                .getLbEndpointsList());
        assertThat(ApiListenerViews.withLocalityWeights(weighted)).isEqualTo(weighted);
    }
}
