package dev.legate.app.serve;

import com.google.protobuf.Any;
import dev.legate.compiler.output.EnvoyJson;
import io.envoyproxy.envoy.config.bootstrap.v3.Admin;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.net.InetSocketAddress;

/**
 * The bootstrap Envoy starts from under {@code legate serve}: admin on 127.0.0.1:8001, and everything else over ADS
 * from Legate, through one static cluster that points at the ADS server over HTTP/2.
 */
public final class AdsBootstrap {

    static final String ADS_CLUSTER = "legate_ads";

    private AdsBootstrap() {
    }

    public static Bootstrap bootstrap(String nodeId, String nodeCluster, InetSocketAddress ads, int adminPort) {
        ConfigSource viaAds = ConfigSource.newBuilder()
                .setAds(AggregatedConfigSource.getDefaultInstance())
                .setResourceApiVersion(ApiVersion.V3)
                .build();
        Cluster adsCluster = Cluster.newBuilder()
                .setName(ADS_CLUSTER)
                .setType(Cluster.DiscoveryType.STATIC)
                .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1))
                .putTypedExtensionProtocolOptions("envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                        Any.pack(HttpProtocolOptions.newBuilder()
                                .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                                        .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
                                .build()))
                .setLoadAssignment(ClusterLoadAssignment.newBuilder()
                        .setClusterName(ADS_CLUSTER)
                        .addEndpoints(LocalityLbEndpoints.newBuilder()
                                .addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder()
                                        .setAddress(address(ads.getHostString(), ads.getPort()))))))
                .build();
        return Bootstrap.newBuilder()
                .setNode(Node.newBuilder().setId(nodeId).setCluster(nodeCluster))
                .setAdmin(Admin.newBuilder().setAddress(address("127.0.0.1", adminPort)))
                .setDynamicResources(Bootstrap.DynamicResources.newBuilder()
                        .setAdsConfig(ApiConfigSource.newBuilder()
                                .setApiType(ApiConfigSource.ApiType.GRPC)
                                .setTransportApiVersion(ApiVersion.V3)
                                .addGrpcServices(GrpcService.newBuilder().setEnvoyGrpc(
                                        GrpcService.EnvoyGrpc.newBuilder().setClusterName(ADS_CLUSTER))))
                        .setCdsConfig(viaAds)
                        .setLdsConfig(viaAds))
                .setStaticResources(Bootstrap.StaticResources.newBuilder().addClusters(adsCluster))
                .build();
    }

    public static String json(Bootstrap bootstrap) {
        return EnvoyJson.toJson(bootstrap);
    }

    private static Address address(String host, int port) {
        return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port))
                .build();
    }
}
