package dev.legate.xds;

import static dev.legate.xds.Fixtures.basic;
import static dev.legate.xds.Fixtures.edsCluster;
import static dev.legate.xds.Fixtures.endpoints;
import static dev.legate.xds.Fixtures.routes;
import static dev.legate.xds.Fixtures.withAdminListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import io.envoyproxy.controlplane.cache.SnapshotConsistencyException;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ConsistencyCheckTest {

    private static XdsResources with(XdsResources base, List<Listener> listeners, List<RouteConfiguration> routes,
            List<Cluster> clusters) {
        return new XdsResources(listeners, routes, clusters, base.endpoints(), base.secrets());
    }

    @Test
    void consistentConfigurationsPass() {
        assertThat(ConsistencyCheck.check(basic())).isEmpty();
        assertThat(ConsistencyCheck.check(withAdminListener(basic()))).isEmpty();
        assertThat(ConsistencyCheck.check(XdsResources.empty())).isEmpty();
    }

    @Test
    void unreferencedResourcesAreFine() {
        XdsResources b = basic();
        List<RouteConfiguration> routes = new ArrayList<>(b.routes());
        routes.add(routes("spare-routes", "cluster_a"));
        assertThat(ConsistencyCheck.check(new XdsResources(List.of(), routes, b.clusters(), b.endpoints(),
                b.secrets()))).isEmpty();
    }

    @Test
    void duplicateAndEmptyNamesAreReported() {
        XdsResources b = basic();
        List<Cluster> clusters = new ArrayList<>(b.clusters());
        clusters.add(edsCluster("cluster_a"));
        clusters.add(Cluster.getDefaultInstance());
        assertThat(ConsistencyCheck.check(with(b, b.listeners(), b.routes(), clusters)))
                .containsExactly("a cluster has no name", "more than one cluster is named \"cluster_a\"");
    }

    @Test
    void weightedAndMirrorClustersAreChecked() {
        XdsResources b = basic();
        RouteConfiguration base = routes("http-routes", "cluster_a");
        RouteConfiguration.Builder rc = base.toBuilder();
        RouteAction.Builder action = rc.getVirtualHostsBuilder(0).getRoutesBuilder(0).getRouteBuilder();
        action.setWeightedClusters(WeightedCluster.newBuilder()
                .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("cluster_a").setWeight(
                        com.google.protobuf.UInt32Value.of(50)))
                .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("canary").setWeight(
                        com.google.protobuf.UInt32Value.of(50))));
        action.addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder().setCluster("shadow"));
        assertThat(ConsistencyCheck.check(with(b, b.listeners(), List.of(rc.build()), b.clusters())))
                .containsExactly(
                        "route configuration \"http-routes\" routes to cluster \"canary\", which is not in the "
                                + "configuration",
                        "route configuration \"http-routes\" routes to cluster \"shadow\", which is not in the "
                                + "configuration");
    }

    @Test
    void tcpProxiesInlineRoutesAndApiListenersAreChecked() {
        XdsResources b = basic();
        Listener tcp = Listener.newBuilder().setName("tcp").addFilterChains(FilterChain.newBuilder().addFilters(
                Filter.newBuilder().setName("envoy.filters.network.tcp_proxy").setTypedConfig(Any.pack(
                        TcpProxy.newBuilder().setStatPrefix("tcp").setCluster("cluster_tcp").build())))).build();
        Listener inline = Listener.newBuilder().setName("inline").setDefaultFilterChain(FilterChain.newBuilder()
                .addFilters(Filter.newBuilder().setName("envoy.filters.network.http_connection_manager")
                        .setTypedConfig(Any.pack(HttpConnectionManager.newBuilder().setStatPrefix("x")
                                .setRouteConfig(routes("inline-routes", "cluster_inline")).build())))).build();
        Listener api = Listener.newBuilder().setName("api").setApiListener(ApiListener.newBuilder().setApiListener(
                Any.pack(HttpConnectionManager.newBuilder().setStatPrefix("api")
                        .setRds(Rds.newBuilder().setRouteConfigName("api-routes")).build()))).build();
        assertThat(ConsistencyCheck.check(with(b, List.of(tcp, inline, api), b.routes(), b.clusters())))
                .containsExactly(
                        "listener \"tcp\" proxies TCP to cluster \"cluster_tcp\", which is not in the configuration",
                        "listener \"inline\"'s inline route configuration routes to cluster \"cluster_inline\", which "
                                + "is not in the configuration",
                        "listener \"api\" names route configuration \"api-routes\" (RDS), which is not in the "
                                + "configuration");
    }

    @Test
    void edsServiceNamesAndUpstreamSecretsAreChecked() {
        XdsResources b = basic();
        Cluster renamed = edsCluster("cluster_x").toBuilder()
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setServiceName("svc_x"))
                .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                        .setTypedConfig(Any.pack(UpstreamTlsContext.newBuilder().setCommonTlsContext(
                                CommonTlsContext.newBuilder().setValidationContextSdsSecretConfig(
                                        SdsSecretConfig.newBuilder().setName("upstream-ca"))).build())))
                .build();
        List<Cluster> clusters = new ArrayList<>(b.clusters());
        clusters.add(renamed);
        assertThat(ConsistencyCheck.check(with(b, b.listeners(), b.routes(), clusters))).containsExactly(
                "cluster \"cluster_x\" takes its endpoints from EDS, but the configuration has no endpoint "
                        + "assignment \"svc_x\"",
                "cluster \"cluster_x\" names secret \"upstream-ca\" (SDS), which is not in the configuration");

        List<io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment> eps = new ArrayList<>(b.endpoints());
        eps.add(endpoints("svc_x", "10.0.0.5", 80));
        List<io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret> secrets = new ArrayList<>(b.secrets());
        secrets.add(Fixtures.secret("upstream-ca", "ca"));
        assertThat(ConsistencyCheck.check(new XdsResources(b.listeners(), b.routes(), clusters, eps, secrets)))
                .isEmpty();
    }

    @Test
    void secretsFromAnotherSdsServerAreNotOurs() {
        XdsResources b = basic();
        Cluster withForeignSecret = Fixtures.dnsCluster("cluster_f", "f.default").toBuilder()
                .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                        .setTypedConfig(Any.pack(UpstreamTlsContext.newBuilder().setCommonTlsContext(
                                CommonTlsContext.newBuilder().addTlsCertificateSdsSecretConfigs(
                                        SdsSecretConfig.newBuilder().setName("spiffe://cert").setSdsConfig(
                                                ConfigSource.newBuilder().setApiConfigSource(
                                                        ApiConfigSource.getDefaultInstance())))).build())))
                .build();
        List<Cluster> clusters = new ArrayList<>(b.clusters());
        clusters.add(withForeignSecret);
        assertThat(ConsistencyCheck.check(with(b, b.listeners(), b.routes(), clusters))).isEmpty();
    }

    @Test
    void javaControlPlanesOwnCheckDoesNotFitLegatesConfigurations() {
        // Snapshot.ensureConsistent() only recognises HTTP connection managers named "envoy.http_connection_manager"
        // and demands that every route configuration be referenced: a perfectly consistent configuration using the
        // current filter name fails it. This is why ConsistencyCheck exists.
        XdsResources b = basic();
        Snapshot snapshot = Snapshot.create(b.clusters(), b.endpoints(), b.listeners(), b.routes(), b.secrets(), "1");
        assertThatThrownBy(snapshot::ensureConsistent).isInstanceOf(SnapshotConsistencyException.class)
                .hasMessageContaining("Mismatched");
    }
}
