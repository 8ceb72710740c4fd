package dev.legate.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/** {@code RateLimitService.spec} in getambassador.io/v3alpha1: the global rate limit service (Envoy's RLS API). */
public record RateLimitServiceSpec(
        @JsonProperty("service") @Nullable String service,
        @JsonProperty("timeout_ms") @Nullable Long timeoutMs,
        @JsonProperty("domain") @Nullable String domain,
        @JsonProperty("tls") @Nullable String tls,
        @JsonProperty("protocol_version") @Nullable String protocolVersion,
        @JsonProperty("stats_name") @Nullable String statsName,
        @JsonProperty("failure_mode_deny") @Nullable Boolean failureModeDeny,
        @JsonProperty("grpc") @Nullable Grpc grpc,
        @JsonProperty("v2ExplicitTLS") @Nullable JsonNode v2ExplicitTls) implements Spec {

    /** {@code grpc}: how a rate-limited gRPC request is answered. */
    public record Grpc(@JsonProperty("use_resource_exhausted_code") @Nullable Boolean useResourceExhaustedCode) {
    }
}
