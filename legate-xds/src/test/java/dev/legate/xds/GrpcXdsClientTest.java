package dev.legate.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.xds.XdsNameResolverProvider;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * grpc-java's own xDS client, a strict real consumer, reading an API-listener view of a configuration from the
 * server and routing real gRPC calls with it: to one backend, then, after a publish, to another.
 */
@Timeout(60)
final class GrpcXdsClientTest {

    private static final String TARGET = "legate-grpc";

    @Test
    void grpcJavasXdsClientRoutesThroughTheServedConfiguration() throws Exception {
        HealthStatusManager serving = new HealthStatusManager();
        HealthStatusManager notServing = new HealthStatusManager();
        notServing.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
        Server one = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(serving.getHealthService()).build().start();
        Server two = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(notServing.getHealthService()).build().start();
        String scheme = "legate-xds-test";
        XdsNameResolverProvider provider = null;
        ManagedChannel channel = null;
        try (XdsServer server = XdsServer.start(new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(server.publish(config("cluster_one", one.getPort(), two.getPort())).accepted()).isTrue();
            provider = XdsNameResolverProvider.createForTest(scheme, Map.of(
                    "xds_servers", List.of(Map.of(
                            "server_uri", "127.0.0.1:" + server.port(),
                            "channel_creds", List.of(Map.of("type", "insecure")),
                            "server_features", List.of("xds_v3"))),
                    "node", Map.of("id", "grpc-java-client", "cluster", "legate-test")));
            NameResolverRegistry.getDefaultRegistry().register(provider);
            channel = Grpc.newChannelBuilder(scheme + ":///" + TARGET, InsecureChannelCredentials.create()).build();
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);

            assertThat(health.withDeadlineAfter(20, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
            XdsVersions first = server.versions();
            await().atMost(Duration.ofSeconds(10)).until(() -> server.clients().stream().anyMatch(c ->
                    c.nodeId().equals("grpc-java-client")
                            && c.type(XdsType.LISTENER).map(t -> first.listeners().equals(t.ackedVersion()))
                            .orElse(false)
                            && c.type(XdsType.ROUTE).map(t -> first.routes().equals(t.ackedVersion())).orElse(false)
                            && c.type(XdsType.CLUSTER).map(t -> first.clusters().equals(t.ackedVersion()))
                            .orElse(false)
                            && c.type(XdsType.ENDPOINT).map(t -> first.endpoints().equals(t.ackedVersion()))
                            .orElse(false)));
            ClientStatus status = server.clients().stream().filter(c -> c.nodeId().equals("grpc-java-client"))
                    .findFirst().orElseThrow();
            // grpc-java subscribes by name, not as a wildcard.
            assertThat(status.type(XdsType.LISTENER).orElseThrow().resourceNames()).containsExactly(TARGET);
            assertThat(status.type(XdsType.ROUTE).orElseThrow().resourceNames()).containsExactly("grpc-routes");
            assertThat(status.types()).allMatch(t -> t.lastNack() == null);

            long start = System.nanoTime();
            assertThat(server.publish(config("cluster_two", one.getPort(), two.getPort())).accepted()).isTrue();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> health
                    .withDeadlineAfter(5, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance())
                    .getStatus() == ServingStatus.NOT_SERVING);
            System.out.printf("grpc-xds: a route change reached real calls in %.1f ms%n",
                    (System.nanoTime() - start) / 1e6);
            assertThat(server.clients().stream().filter(c -> c.nodeId().equals("grpc-java-client")).findFirst()
                    .orElseThrow().types()).allMatch(t -> t.lastNack() == null);
        } finally {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            if (provider != null) {
                NameResolverRegistry.getDefaultRegistry().deregister(provider);
            }
            one.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            two.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** An API listener (what gRPC clients read) routing everything to {@code target}; both clusters exist. */
    private static XdsResources config(String target, int portOne, int portTwo) {
        ConfigSource ads = ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
                .setResourceApiVersion(ApiVersion.V3).build();
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix(TARGET)
                .setRds(Rds.newBuilder().setRouteConfigName("grpc-routes").setConfigSource(ads))
                .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
                        .setTypedConfig(Any.pack(Router.getDefaultInstance())))
                .build();
        Listener listener = Listener.newBuilder().setName(TARGET)
                .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm))).build();
        RouteConfiguration routes = RouteConfiguration.newBuilder().setName("grpc-routes")
                .addVirtualHosts(VirtualHost.newBuilder().setName("grpc-routes-all").addDomains("*")
                        .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                                .setRoute(RouteAction.newBuilder().setCluster(target))))
                .build();
        return new XdsResources(List.of(listener), List.of(routes),
                List.of(Fixtures.edsCluster("cluster_one"), Fixtures.edsCluster("cluster_two")),
                List.of(weighted(Fixtures.endpoints("cluster_one", "127.0.0.1", portOne)),
                        weighted(Fixtures.endpoints("cluster_two", "127.0.0.1", portTwo))),
                List.of());
    }

    /** grpc-java ignores localities without a weight. */
    private static ClusterLoadAssignment weighted(ClusterLoadAssignment cla) {
        ClusterLoadAssignment.Builder b = cla.toBuilder();
        b.getEndpointsBuilder(0).setLoadBalancingWeight(UInt32Value.of(1));
        return b.build();
    }

}
