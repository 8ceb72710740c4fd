package dev.legate.app.serve;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /**
     * The JSON of {@link #bootstrap}, written without protobuf: printing the message would build the descriptors of
     * the whole Envoy API that bootstrap.proto imports (about 0.3 s of CPU on a cold JVM), which a start-up does not
     * otherwise need before its first configuration is out. Equal, as JSON, to {@code json(bootstrap(...))} (a test
     * compares them).
     */
    public static String initialJson(String nodeId, String nodeCluster, InetSocketAddress ads, int adminPort) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode viaAds = f.objectNode();
        viaAds.putObject("ads");
        viaAds.put("resource_api_version", "V3");
        ObjectNode root = f.objectNode();
        ObjectNode node = root.putObject("node");
        putUnlessDefault(node, "id", nodeId);
        putUnlessDefault(node, "cluster", nodeCluster);
        ObjectNode cluster = root.putObject("static_resources").putArray("clusters").addObject();
        cluster.put("name", ADS_CLUSTER).put("type", "STATIC").put("connect_timeout", "1s");
        ObjectNode loadAssignment = cluster.putObject("load_assignment").put("cluster_name", ADS_CLUSTER);
        loadAssignment.putArray("endpoints").addObject().putArray("lb_endpoints").addObject().putObject("endpoint")
                .set("address", address(f, ads.getHostString(), ads.getPort()));
        cluster.putObject("typed_extension_protocol_options")
                .putObject("envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
                .put("@type", "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
                .putObject("explicit_http_config").putObject("http2_protocol_options");
        ObjectNode dynamic = root.putObject("dynamic_resources");
        dynamic.set("lds_config", viaAds.deepCopy());
        dynamic.set("cds_config", viaAds.deepCopy());
        ObjectNode adsConfig = dynamic.putObject("ads_config").put("api_type", "GRPC");
        adsConfig.putArray("grpc_services").addObject().putObject("envoy_grpc").put("cluster_name", ADS_CLUSTER);
        adsConfig.put("transport_api_version", "V3");
        root.putObject("admin").set("address", address(f, "127.0.0.1", adminPort));
        return root.toString();
    }

    private static ObjectNode address(JsonNodeFactory f, String host, int port) {
        ObjectNode address = f.objectNode();
        ObjectNode socket = address.putObject("socket_address");
        putUnlessDefault(socket, "address", host);
        socket.put("port_value", port); // a member of a oneof: printed even when 0
        return address;
    }

    /** As protobuf prints proto3 fields: an empty string is left out. */
    private static void putUnlessDefault(ObjectNode object, String field, String value) {
        if (!value.isEmpty()) {
            object.put(field, value);
        }
    }

    private static Address address(String host, int port) {
        return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port))
                .build();
    }
}
