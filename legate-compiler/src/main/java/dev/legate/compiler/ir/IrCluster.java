package dev.legate.compiler.ir;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.legate.model.CircuitBreaker;
import dev.legate.model.MappingSpec;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An upstream cluster. {@code name} is Emissary's cluster name (before shortening); {@code envoyName} is what Envoy
 * sees (names over 60 characters are shortened as Emissary does).
 *
 * @param dnsType STRICT_DNS or LOGICAL_DNS
 * @param originateTls whether to speak TLS to the upstream
 * @param tlsSni the SNI to send when originating TLS, if any
 * @param endpointSource where an EDS cluster's endpoints come from (a KubernetesEndpointResolver or ConsulResolver);
 *     null for a DNS cluster (the KubernetesServiceResolver, or an IP address)
 * @param keepalive TCP keepalive to the upstream (the Mapping's, else the Module's), or null for none
 * @param canaryAddresses further upstream addresses load-balanced with {@code address:port} in this one cluster (the
 *     services of further AuthServices, Emissary's "auth canary"), in order; usually empty
 */
public record IrCluster(String name, String envoyName, String statsName, String dnsType, String lbPolicy,
        long connectTimeoutMs, String address, int port, boolean grpc, boolean originateTls,
        @Nullable String tlsContextName, @Nullable String tlsSni, List<CircuitBreaker> circuitBreakers,
        @Nullable Long idleTimeoutMs, @Nullable Long maxConnectionLifetimeMs, boolean respectDnsTtl,
        String dnsLookupFamily, Provenance provenance, @Nullable IrEndpointSource endpointSource,
        MappingSpec.@Nullable KeepAlive keepalive,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<HostPort> canaryAddresses) {

    public IrCluster {
        circuitBreakers = List.copyOf(circuitBreakers);
        canaryAddresses = List.copyOf(canaryAddresses);
    }

    /** One more upstream address of a DNS cluster. */
    public record HostPort(String address, int port) {
    }

    /** A cluster with one upstream address (or an endpoint source). */
    public IrCluster(String name, String envoyName, String statsName, String dnsType, String lbPolicy,
            long connectTimeoutMs, String address, int port, boolean grpc, boolean originateTls,
            @Nullable String tlsContextName, @Nullable String tlsSni, List<CircuitBreaker> circuitBreakers,
            @Nullable Long idleTimeoutMs, @Nullable Long maxConnectionLifetimeMs, boolean respectDnsTtl,
            String dnsLookupFamily, Provenance provenance, @Nullable IrEndpointSource endpointSource,
            MappingSpec.@Nullable KeepAlive keepalive) {
        this(name, envoyName, statsName, dnsType, lbPolicy, connectTimeoutMs, address, port, grpc, originateTls,
                tlsContextName, tlsSni, circuitBreakers, idleTimeoutMs, maxConnectionLifetimeMs, respectDnsTtl,
                dnsLookupFamily, provenance, endpointSource, keepalive, List.of());
    }

    /** A DNS cluster (no endpoint source) without keepalive. */
    public IrCluster(String name, String envoyName, String statsName, String dnsType, String lbPolicy,
            long connectTimeoutMs, String address, int port, boolean grpc, boolean originateTls,
            @Nullable String tlsContextName, @Nullable String tlsSni, List<CircuitBreaker> circuitBreakers,
            @Nullable Long idleTimeoutMs, @Nullable Long maxConnectionLifetimeMs, boolean respectDnsTtl,
            String dnsLookupFamily, Provenance provenance) {
        this(name, envoyName, statsName, dnsType, lbPolicy, connectTimeoutMs, address, port, grpc, originateTls,
                tlsContextName, tlsSni, circuitBreakers, idleTimeoutMs, maxConnectionLifetimeMs, respectDnsTtl,
                dnsLookupFamily, provenance, null, null);
    }

    public IrCluster withEnvoyName(String shortened) {
        return new IrCluster(name, shortened, statsName, dnsType, lbPolicy, connectTimeoutMs, address, port, grpc,
                originateTls, tlsContextName, tlsSni, circuitBreakers, idleTimeoutMs, maxConnectionLifetimeMs,
                respectDnsTtl, dnsLookupFamily, provenance, endpointSource, keepalive, canaryAddresses);
    }

    /** The same cluster, made by {@code by} as well, load-balancing over {@code addresses} too. */
    public IrCluster withCanaries(List<HostPort> addresses, Provenance by) {
        return new IrCluster(name, envoyName, statsName, dnsType, lbPolicy, connectTimeoutMs, address, port, grpc,
                originateTls, tlsContextName, tlsSni, circuitBreakers, idleTimeoutMs, maxConnectionLifetimeMs,
                respectDnsTtl, dnsLookupFamily, by, endpointSource, keepalive, addresses);
    }

    public IrCluster withEndpointSource(@Nullable IrEndpointSource source) {
        return new IrCluster(name, envoyName, statsName, dnsType, lbPolicy, connectTimeoutMs, address, port, grpc,
                originateTls, tlsContextName, tlsSni, circuitBreakers, idleTimeoutMs, maxConnectionLifetimeMs,
                respectDnsTtl, dnsLookupFamily, provenance, source, keepalive, canaryAddresses);
    }

    /** Whether Envoy takes this cluster's endpoints from EDS. */
    public boolean eds() {
        return endpointSource != null;
    }
}
