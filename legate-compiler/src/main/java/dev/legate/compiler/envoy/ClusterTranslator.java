package dev.legate.compiler.envoy;

import com.google.protobuf.UInt32Value;
import dev.legate.compiler.ir.IrCluster;
import dev.legate.compiler.ir.IrSettings;
import dev.legate.compiler.ir.IrTlsContext;
import dev.legate.model.CircuitBreaker;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig;
import java.util.Locale;
import java.util.Map;

/** IR clusters to Envoy {@link Cluster}s, as Emissary's v3cluster.py does (DNS clusters with inline endpoints). */
final class ClusterTranslator {

    static final String UPSTREAM_HTTP_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

    private final IrSettings settings;
    private final Map<String, IrTlsContext> contexts;
    private final TlsTranslator tls;

    ClusterTranslator(IrSettings settings, Map<String, IrTlsContext> contexts, TlsTranslator tls) {
        this.settings = settings;
        this.contexts = contexts;
        this.tls = tls;
    }

    Cluster translate(IrCluster c) {
        Cluster.Builder cluster = Cluster.newBuilder()
                .setName(c.envoyName())
                .setType(c.dnsType().equals("LOGICAL_DNS") ? Cluster.DiscoveryType.LOGICAL_DNS
                        : Cluster.DiscoveryType.STRICT_DNS)
                .setLbPolicy(lbPolicy(c.lbPolicy()))
                .setConnectTimeout(Protos.millis(c.connectTimeoutMs()))
                .setDnsLookupFamily(Cluster.DnsLookupFamily.valueOf(c.dnsLookupFamily()))
                .setAltStatName(c.statsName());
        if (c.eds()) {
            EdsClusters.configure(cluster, c.endpointSource());
        } else {
            LocalityLbEndpoints.Builder endpoints = LocalityLbEndpoints.newBuilder()
                    .addLbEndpoints(lbEndpoint(c.address(), c.port()));
            for (IrCluster.HostPort canary : c.canaryAddresses()) {
                endpoints.addLbEndpoints(lbEndpoint(canary.address(), canary.port()));
            }
            cluster.setLoadAssignment(ClusterLoadAssignment.newBuilder()
                    .setClusterName(c.envoyName())
                    .addEndpoints(endpoints));
        }
        if (c.keepalive() != null) {
            cluster.setUpstreamConnectionOptions(keepalive(c.keepalive()));
        }
        if (c.respectDnsTtl()) {
            cluster.setRespectDnsTtl(true);
        }
        if (!c.circuitBreakers().isEmpty()) {
            CircuitBreakers.Builder breakers = CircuitBreakers.newBuilder();
            for (CircuitBreaker b : c.circuitBreakers()) {
                CircuitBreakers.Thresholds.Builder t = CircuitBreakers.Thresholds.newBuilder()
                        .setPriority(b.priority() != null && b.priority().equalsIgnoreCase("high")
                                ? RoutingPriority.HIGH : RoutingPriority.DEFAULT);
                if (b.maxConnections() != null) {
                    t.setMaxConnections(UInt32Value.of(b.maxConnections()));
                }
                if (b.maxPendingRequests() != null) {
                    t.setMaxPendingRequests(UInt32Value.of(b.maxPendingRequests()));
                }
                if (b.maxRequests() != null) {
                    t.setMaxRequests(UInt32Value.of(b.maxRequests()));
                }
                if (b.maxRetries() != null) {
                    t.setMaxRetries(UInt32Value.of(b.maxRetries()));
                }
                breakers.addThresholds(t);
            }
            cluster.setCircuitBreakers(breakers);
        }
        // HTTP/2 upstream for gRPC, idle timeouts and connection lifetimes: the typed upstream protocol options.
        boolean anyHttpOption = c.grpc() || c.idleTimeoutMs() != null || c.maxConnectionLifetimeMs() != null;
        if (anyHttpOption) {
            var options = io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.newBuilder();
            HttpProtocolOptions.Builder common = HttpProtocolOptions.newBuilder();
            if (c.idleTimeoutMs() != null) {
                common.setIdleTimeout(Protos.millis(c.idleTimeoutMs()));
            }
            if (c.maxConnectionLifetimeMs() != null) {
                common.setMaxConnectionDuration(Protos.millis(c.maxConnectionLifetimeMs()));
            }
            options.setCommonHttpProtocolOptions(common);
            ExplicitHttpConfig.Builder explicit = ExplicitHttpConfig.newBuilder();
            if (c.grpc()) {
                explicit.setHttp2ProtocolOptions(io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions
                        .getDefaultInstance());
            } else {
                explicit.setHttpProtocolOptions(io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions
                        .getDefaultInstance());
            }
            options.setExplicitHttpConfig(explicit);
            cluster.putTypedExtensionProtocolOptions(UPSTREAM_HTTP_OPTIONS, Protos.pack(options.build()));
        }
        if (c.originateTls()) {
            UpstreamTlsContext.Builder upstream = UpstreamTlsContext.newBuilder();
            IrTlsContext ctx = c.tlsContextName() == null ? null : contexts.get(c.tlsContextName());
            CommonTlsContext common = ctx == null ? CommonTlsContext.getDefaultInstance()
                    : tls.common(ctx, false);
            upstream.setCommonTlsContext(common);
            if (c.tlsSni() != null) {
                upstream.setSni(c.tlsSni());
            }
            cluster.setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                    .setTypedConfig(Protos.pack(upstream.build())));
        }
        return cluster.build();
    }

    private static LbEndpoint lbEndpoint(String address, int port) {
        return LbEndpoint.newBuilder()
                .setEndpoint(Endpoint.newBuilder()
                        .setAddress(Address.newBuilder()
                                .setSocketAddress(SocketAddress.newBuilder()
                                        .setAddress(address)
                                        .setPortValue(port)
                                        .setProtocol(SocketAddress.Protocol.TCP))))
                .build();
    }

    /**
     * {@code keepalive} to Envoy's TCP keepalive. Emissary reads a {@code time} key that its CRD does not have, so
     * {@code idle_time} never takes effect there; Legate uses {@code idle_time}, else {@code time}.
     */
    private static io.envoyproxy.envoy.config.cluster.v3.UpstreamConnectionOptions keepalive(
            dev.legate.model.MappingSpec.KeepAlive k) {
        io.envoyproxy.envoy.config.core.v3.TcpKeepalive.Builder tcp =
                io.envoyproxy.envoy.config.core.v3.TcpKeepalive.newBuilder();
        if (k.effectiveIdleTime() != null) {
            tcp.setKeepaliveTime(UInt32Value.of(k.effectiveIdleTime()));
        }
        if (k.interval() != null) {
            tcp.setKeepaliveInterval(UInt32Value.of(k.interval()));
        }
        if (k.probes() != null) {
            tcp.setKeepaliveProbes(UInt32Value.of(k.probes()));
        }
        return io.envoyproxy.envoy.config.cluster.v3.UpstreamConnectionOptions.newBuilder().setTcpKeepalive(tcp)
                .build();
    }

    private static Cluster.LbPolicy lbPolicy(String policy) {
        return switch (policy.toUpperCase(Locale.ROOT)) {
            case "LEAST_REQUEST" -> Cluster.LbPolicy.LEAST_REQUEST;
            case "RING_HASH" -> Cluster.LbPolicy.RING_HASH;
            case "MAGLEV" -> Cluster.LbPolicy.MAGLEV;
            default -> Cluster.LbPolicy.ROUND_ROBIN;
        };
    }
}
