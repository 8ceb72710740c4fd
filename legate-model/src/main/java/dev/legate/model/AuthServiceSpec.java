package dev.legate.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@code AuthService.spec} in getambassador.io/v3alpha1: the external authorization service. */
public record AuthServiceSpec(
        @JsonProperty("auth_service") @Nullable String authService,
        @JsonProperty("path_prefix") @Nullable String pathPrefix,
        @JsonProperty("tls") @Nullable String tls,
        @JsonProperty("proto") @Nullable String proto,
        @JsonProperty("timeout_ms") @Nullable Long timeoutMs,
        @JsonProperty("allowed_request_headers") @Nullable List<String> allowedRequestHeaders,
        @JsonProperty("allowed_authorization_headers") @Nullable List<String> allowedAuthorizationHeaders,
        @JsonProperty("add_auth_headers") @Nullable Map<String, String> addAuthHeaders,
        @JsonProperty("allow_request_body") @Nullable Boolean allowRequestBody,
        @JsonProperty("add_linkerd_headers") @Nullable Boolean addLinkerdHeaders,
        @JsonProperty("failure_mode_allow") @Nullable Boolean failureModeAllow,
        @JsonProperty("include_body") @Nullable IncludeBody includeBody,
        @JsonProperty("status_on_error") @Nullable StatusOnError statusOnError,
        @JsonProperty("protocol_version") @Nullable String protocolVersion,
        @JsonProperty("stats_name") @Nullable String statsName,
        @JsonProperty("circuit_breakers") @Nullable List<CircuitBreaker> circuitBreakers,
        @JsonProperty("v2ExplicitTLS") @Nullable JsonNode v2ExplicitTls) implements Spec {

    /** {@code include_body}: send the request body to the authorization service. */
    public record IncludeBody(@JsonProperty("max_bytes") @Nullable Integer maxBytes,
            @JsonProperty("allow_partial") @Nullable Boolean allowPartial) {
    }

    /** {@code status_on_error}: the HTTP status returned when the authorization service fails. */
    public record StatusOnError(@JsonProperty("code") @Nullable Integer code) {
    }
}
