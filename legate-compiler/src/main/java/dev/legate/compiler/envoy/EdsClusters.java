package dev.legate.compiler.envoy;

import com.google.protobuf.UInt32Value;
import dev.legate.compiler.ir.IrEndpointSource;
import dev.legate.compiler.ir.IrRoute;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.type.v3.Int64Range;

/**
 * The EDS side of a cluster whose endpoints come from a resolver (v3cluster.py): type EDS, endpoints over ADS
 * under Emissary's service name ({@code k8s/<namespace>/<service>/<port>} or {@code consul/<dc>/<service>}), and the
 * Mapping's active health checks.
 */
final class EdsClusters {

    private EdsClusters() {
    }

    static void configure(Cluster.Builder cluster, IrEndpointSource source) {
        cluster.setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
                        .setEdsConfig(ConfigSource.newBuilder()
                                .setAds(AggregatedConfigSource.getDefaultInstance())
                                .setResourceApiVersion(ApiVersion.V3))
                        .setServiceName(source.serviceName()));
        for (IrEndpointSource.IrHealthCheck hc : source.healthChecks()) {
            cluster.addHealthChecks(healthCheck(hc));
        }
    }

    private static HealthCheck healthCheck(IrEndpointSource.IrHealthCheck hc) {
        HealthCheck.Builder out = HealthCheck.newBuilder()
                .setTimeout(Protos.millis(hc.timeoutMs()))
                .setInterval(Protos.millis(hc.intervalMs()))
                .setHealthyThreshold(UInt32Value.of(hc.healthyThreshold()))
                .setUnhealthyThreshold(UInt32Value.of(hc.unhealthyThreshold()));
        if (hc.http() != null) {
            IrEndpointSource.Http http = hc.http();
            HealthCheck.HttpHealthCheck.Builder h = HealthCheck.HttpHealthCheck.newBuilder().setPath(http.path());
            if (http.host() != null) {
                h.setHost(http.host());
            }
            for (IrRoute.IrHeaderValue header : http.addRequestHeaders()) {
                h.addRequestHeadersToAdd(HeaderValueOption.newBuilder()
                        .setHeader(HeaderValue.newBuilder().setKey(header.key()).setValue(header.value()))
                        .setAppendAction(header.append() ? HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD
                                : HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD));
            }
            h.addAllRequestHeadersToRemove(http.removeRequestHeaders());
            for (IrEndpointSource.StatusRange range : http.expectedStatuses()) {
                h.addExpectedStatuses(Int64Range.newBuilder().setStart(range.start()).setEnd(range.end()));
            }
            out.setHttpHealthCheck(h);
        } else if (hc.grpc() != null) {
            HealthCheck.GrpcHealthCheck.Builder g = HealthCheck.GrpcHealthCheck.newBuilder()
                    .setServiceName(hc.grpc().serviceName());
            if (hc.grpc().authority() != null) {
                g.setAuthority(hc.grpc().authority());
            }
            out.setGrpcHealthCheck(g);
        }
        return out.build();
    }
}
