package dev.legate.compiler.ir;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where an EDS cluster's endpoints come from, as Emissary's resolvers decide.
 *
 * @param kind which resolver kind
 * @param serviceName the EDS service name, which is also the endpoint assignment's {@code cluster_name}:
 *     {@code k8s/<namespace>/<service>/<port>} or {@code consul/<datacenter>/<service>} (Emissary's names)
 * @param service the Kubernetes Service or Consul service name
 * @param scope the Service's namespace, or the Consul datacenter
 * @param port the Service port the Mapping names (Kubernetes only; Consul entries carry their own ports)
 * @param healthChecks active health checks (Mapping {@code health_checks}); Emissary applies them only to clusters
 *     whose endpoints come from a resolver
 */
public record IrEndpointSource(Kind kind, String serviceName, String service, String scope, int port,
        List<IrHealthCheck> healthChecks) {

    public enum Kind {
        /** KubernetesEndpointResolver: the Service's Endpoints or EndpointSlices. */
        KUBERNETES,
        /** ConsulResolver: the ConsulServiceEntries of the service in the datacenter. */
        CONSUL
    }

    public IrEndpointSource {
        requireNonNull(kind, "kind");
        requireNonNull(serviceName, "serviceName");
        requireNonNull(service, "service");
        requireNonNull(scope, "scope");
        healthChecks = List.copyOf(healthChecks);
    }

    /**
     * One active health check.
     *
     * @param http an HTTP health check, or null
     * @param grpc a gRPC health check, or null (exactly one of the two is set)
     */
    public record IrHealthCheck(long timeoutMs, long intervalMs, int healthyThreshold, int unhealthyThreshold,
            @Nullable Http http, @Nullable Grpc grpc) {
    }

    /**
     * @param expectedStatuses half-open ranges [start, end)
     */
    public record Http(String path, @Nullable String host, List<IrRoute.IrHeaderValue> addRequestHeaders,
            List<String> removeRequestHeaders, List<StatusRange> expectedStatuses) {
        public Http {
            addRequestHeaders = List.copyOf(addRequestHeaders);
            removeRequestHeaders = List.copyOf(removeRequestHeaders);
            expectedStatuses = List.copyOf(expectedStatuses);
        }
    }

    public record StatusRange(int start, int end) {
    }

    public record Grpc(String serviceName, @Nullable String authority) {
    }
}
