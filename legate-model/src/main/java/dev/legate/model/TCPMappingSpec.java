package dev.legate.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code TCPMapping.spec} in getambassador.io/v3alpha1: a TCP (or TLS, with {@code host} for SNI) port forwarded to
 * a service. {@code idle_timeout_ms} is a string in Emissary's CRD and a number in its documentation; both are
 * accepted (the raw value is kept and checked by the compiler).
 */
public record TCPMappingSpec(
        @JsonProperty("port") @Nullable Integer port,
        @JsonProperty("host") @Nullable String host,
        @JsonProperty("address") @Nullable String address,
        @JsonProperty("service") @Nullable String service,
        @JsonProperty("enable_ipv4") @Nullable Boolean enableIpv4,
        @JsonProperty("enable_ipv6") @Nullable Boolean enableIpv6,
        @JsonProperty("circuit_breakers") @Nullable List<CircuitBreaker> circuitBreakers,
        @JsonProperty("idle_timeout_ms") @Nullable JsonNode idleTimeoutMs,
        @JsonProperty("resolver") @Nullable String resolver,
        @JsonProperty("tls") @Nullable String tls,
        @JsonProperty("weight") @Nullable Integer weight,
        @JsonProperty("cluster_tag") @Nullable String clusterTag,
        @JsonProperty("stats_name") @Nullable String statsName,
        @JsonProperty("v2ExplicitTLS") @Nullable JsonNode v2ExplicitTls) implements Spec {
}
