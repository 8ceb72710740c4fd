package dev.legate.xds;

import com.google.protobuf.Any;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
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
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.util.ArrayList;
import java.util.List;

/** Small, valid Envoy resources named the way Legate's compiler names them. */
final class Fixtures {

    private Fixtures() {
    }

    static Listener listener(String name, int port, String routeConfig) {
        return Listener.newBuilder()
                .setName(name)
                .setAddress(Address.newBuilder().setSocketAddress(
                        SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(port)))
                .addFilterChains(FilterChain.newBuilder().addFilters(hcm(routeConfig)))
                .build();
    }

    /** A listener terminating TLS with the SDS secret {@code secret}, routing through {@code routeConfig}. */
    static Listener tlsListener(String name, int port, String routeConfig, String secret) {
        DownstreamTlsContext tls = DownstreamTlsContext.newBuilder()
                .setCommonTlsContext(CommonTlsContext.newBuilder().addTlsCertificateSdsSecretConfigs(
                        SdsSecretConfig.newBuilder().setName(secret).setSdsConfig(ads())))
                .build();
        return Listener.newBuilder()
                .setName(name)
                .setAddress(Address.newBuilder().setSocketAddress(
                        SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(port)))
                .addFilterChains(FilterChain.newBuilder().addFilters(hcm(routeConfig))
                        .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                                .setTypedConfig(Any.pack(tls))))
                .build();
    }

    private static Filter hcm(String routeConfig) {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix("ingress_http")
                .setRds(Rds.newBuilder().setRouteConfigName(routeConfig).setConfigSource(ads()))
                .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
                        .setTypedConfig(Any.pack(Router.getDefaultInstance())))
                .build();
        return Filter.newBuilder().setName("envoy.filters.network.http_connection_manager")
                .setTypedConfig(Any.pack(hcm)).build();
    }

    private static ConfigSource ads() {
        return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
                .setResourceApiVersion(ApiVersion.V3).build();
    }

    /** One virtual host, one prefix route per cluster ({@code /<cluster>/}). */
    static RouteConfiguration routes(String name, String... clusters) {
        VirtualHost.Builder vh = VirtualHost.newBuilder().setName(name + "-all").addDomains("*");
        for (String cluster : clusters) {
            vh.addRoutes(route("/" + cluster + "/", cluster));
        }
        return RouteConfiguration.newBuilder().setName(name).addVirtualHosts(vh).build();
    }

    /** {@code count} prefix routes spread over {@code clusters} (a Mapping-sized route table). */
    static RouteConfiguration manyRoutes(String name, int count, List<String> clusters, String salt) {
        VirtualHost.Builder vh = VirtualHost.newBuilder().setName(name + "-all").addDomains("*");
        for (int i = 0; i < count; i++) {
            vh.addRoutes(route("/svc-" + i + "/" + salt + "/", clusters.get(i % clusters.size())));
        }
        return RouteConfiguration.newBuilder().setName(name).addVirtualHosts(vh).build();
    }

    private static Route route(String prefix, String cluster) {
        return Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix(prefix))
                .setRoute(RouteAction.newBuilder().setCluster(cluster).setPrefixRewrite("/")
                        .setTimeout(Durations.fromMillis(3000)))
                .build();
    }

    static Cluster edsCluster(String name) {
        return Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.EDS)
                .setConnectTimeout(Durations.fromSeconds(3))
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()))
                .build();
    }

    static Cluster dnsCluster(String name, String host) {
        return Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.STRICT_DNS)
                .setConnectTimeout(Durations.fromSeconds(3))
                .setLoadAssignment(endpoints(name, host, 80))
                .build();
    }

    static ClusterLoadAssignment endpoints(String cluster, String host, int port) {
        return ClusterLoadAssignment.newBuilder()
                .setClusterName(cluster)
                .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                        .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
                                SocketAddress.newBuilder().setAddress(host).setPortValue(port))))))
                .build();
    }

    static Secret secret(String name, String salt) {
        return Secret.newBuilder()
                .setName(name)
                .setTlsCertificate(TlsCertificate.newBuilder()
                        .setCertificateChain(DataSource.newBuilder().setInlineString("-----CERT " + salt))
                        .setPrivateKey(DataSource.newBuilder().setInlineString("-----KEY " + salt)))
                .build();
    }

    /**
     * The basic configuration: listener {@code http} (8080) → routes {@code http-routes} → EDS cluster
     * {@code cluster_a} (endpoints 10.0.0.1) and DNS cluster {@code cluster_b}; TLS listener {@code https} (8443)
     * with secret {@code tls-cert} → the same routes.
     */
    static XdsResources basic() {
        return basic("10.0.0.1");
    }

    static XdsResources basic(String endpointA) {
        return new XdsResources(
                List.of(listener("http", 8080, "http-routes"),
                        tlsListener("https", 8443, "http-routes", "tls-cert")),
                List.of(routes("http-routes", "cluster_a", "cluster_b")),
                List.of(edsCluster("cluster_a"), dnsCluster("cluster_b", "b.default")),
                List.of(endpoints("cluster_a", endpointA, 8080)),
                List.of(secret("tls-cert", "one")));
    }

    /** {@code base} plus listener {@code admin} (9000) → new routes {@code admin-routes} → new cluster_c. */
    static XdsResources withAdminListener(XdsResources base) {
        List<Listener> listeners = new ArrayList<>(base.listeners());
        listeners.add(listener("admin", 9000, "admin-routes"));
        List<RouteConfiguration> routes = new ArrayList<>(base.routes());
        routes.add(routes("admin-routes", "cluster_c"));
        List<Cluster> clusters = new ArrayList<>(base.clusters());
        clusters.add(edsCluster("cluster_c"));
        List<ClusterLoadAssignment> endpoints = new ArrayList<>(base.endpoints());
        endpoints.add(endpoints("cluster_c", "10.0.0.3", 8080));
        return new XdsResources(listeners, routes, clusters, endpoints, base.secrets());
    }
}
