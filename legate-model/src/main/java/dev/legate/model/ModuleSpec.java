package dev.legate.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code Module.spec}. Only the Module named {@code ambassador} configures the gateway; its {@code config} keys are
 * typed here. Keys that belong to kinds of features not compiled yet stay as raw JSON so they can be reported.
 */
public record ModuleSpec(@JsonProperty("config") @Nullable AmbassadorConfig config) implements Spec {

    /** The keys of the {@code ambassador} Module's {@code config} (Emissary's AModTransparentKeys and friends). */
    public record AmbassadorConfig(
            @JsonProperty("add_linkerd_headers") @Nullable Boolean addLinkerdHeaders,
            @JsonProperty("admin_port") @Nullable Integer adminPort,
            @JsonProperty("diag_port") @Nullable Integer diagPort,
            @JsonProperty("auth_enabled") @Nullable Boolean authEnabled,
            @JsonProperty("allow_chunked_length") @Nullable Boolean allowChunkedLength,
            @JsonProperty("buffer_limit_bytes") @Nullable Integer bufferLimitBytes,
            @JsonProperty("circuit_breakers") @Nullable List<CircuitBreaker> circuitBreakers,
            @JsonProperty("cluster_idle_timeout_ms") @Nullable Long clusterIdleTimeoutMs,
            @JsonProperty("cluster_max_connection_lifetime_ms") @Nullable Long clusterMaxConnectionLifetimeMs,
            @JsonProperty("cluster_request_timeout_ms") @Nullable Long clusterRequestTimeoutMs,
            @JsonProperty("debug_mode") @Nullable Boolean debugMode,
            @JsonProperty("default_label_domain") @Nullable String defaultLabelDomain,
            @JsonProperty("default_labels") @Nullable JsonNode defaultLabels,
            @JsonProperty("defaults") @Nullable JsonNode defaults,
            @JsonProperty("diagnostics") @Nullable ProbeConfig diagnostics,
            @JsonProperty("enable_http10") @Nullable Boolean enableHttp10,
            @JsonProperty("enable_ipv4") @Nullable Boolean enableIpv4,
            @JsonProperty("enable_ipv6") @Nullable Boolean enableIpv6,
            @JsonProperty("envoy_log_format") @Nullable JsonNode envoyLogFormat,
            @JsonProperty("envoy_log_path") @Nullable String envoyLogPath,
            @JsonProperty("envoy_log_type") @Nullable String envoyLogType,
            @JsonProperty("envoy_validation_timeout") @Nullable Integer envoyValidationTimeout,
            @JsonProperty("forward_client_cert_details") @Nullable String forwardClientCertDetails,
            @JsonProperty("set_current_client_cert_details") @Nullable JsonNode setCurrentClientCertDetails,
            @JsonProperty("headers_with_underscores_action") @Nullable String headersWithUnderscoresAction,
            @JsonProperty("keepalive") MappingSpec.@Nullable KeepAlive keepalive,
            @JsonProperty("listener_idle_timeout_ms") @Nullable Long listenerIdleTimeoutMs,
            @JsonProperty("liveness_probe") @Nullable ProbeConfig livenessProbe,
            @JsonProperty("readiness_probe") @Nullable ProbeConfig readinessProbe,
            @JsonProperty("load_balancer") MappingSpec.@Nullable LoadBalancer loadBalancer,
            @JsonProperty("max_request_headers_kb") @Nullable Integer maxRequestHeadersKb,
            @JsonProperty("merge_slashes") @Nullable Boolean mergeSlashes,
            @JsonProperty("reject_requests_with_escaped_slashes") @Nullable Boolean rejectRequestsWithEscapedSlashes,
            @JsonProperty("preserve_external_request_id") @Nullable Boolean preserveExternalRequestId,
            @JsonProperty("proper_case") @Nullable Boolean properCase,
            @JsonProperty("prune_unreachable_routes") @Nullable Boolean pruneUnreachableRoutes,
            @JsonProperty("regex_max_size") @Nullable Integer regexMaxSize,
            @JsonProperty("regex_type") @Nullable String regexType,
            @JsonProperty("resolver") @Nullable String resolver,
            @JsonProperty("runtime_flags") @Nullable JsonNode runtimeFlags,
            @JsonProperty("error_response_overrides") @Nullable JsonNode errorResponseOverrides,
            @JsonProperty("header_case_overrides") @Nullable JsonNode headerCaseOverrides,
            @JsonProperty("server_name") @Nullable String serverName,
            @JsonProperty("service_port") @Nullable Integer servicePort,
            @JsonProperty("statsd") @Nullable JsonNode statsd,
            @JsonProperty("strip_matching_host_port") @Nullable Boolean stripMatchingHostPort,
            @JsonProperty("suppress_envoy_headers") @Nullable Boolean suppressEnvoyHeaders,
            @JsonProperty("use_ambassador_namespace_for_service_resolution")
            @Nullable Boolean useAmbassadorNamespaceForServiceResolution,
            @JsonProperty("use_proxy_proto") @Nullable Boolean useProxyProto,
            @JsonProperty("use_remote_address") @Nullable Boolean useRemoteAddress,
            @JsonProperty("x_forwarded_proto_redirect") @Nullable Boolean xForwardedProtoRedirect,
            @JsonProperty("xff_num_trusted_hops") @Nullable Integer xffNumTrustedHops,
            @JsonProperty("retry_policy") @Nullable RetryPolicy retryPolicy,
            @JsonProperty("cors") @Nullable CorsPolicy cors,
            @JsonProperty("gzip") @Nullable JsonNode gzip,
            @JsonProperty("buffer") @Nullable JsonNode buffer,
            @JsonProperty("lua_scripts") @Nullable String luaScripts,
            @JsonProperty("enable_grpc_web") @Nullable Boolean enableGrpcWeb,
            @JsonProperty("enable_grpc_http11_bridge") @Nullable Boolean enableGrpcHttp11Bridge,
            @JsonProperty("grpc_stats") @Nullable JsonNode grpcStats,
            @JsonProperty("ip_allow") @Nullable JsonNode ipAllow,
            @JsonProperty("ip_deny") @Nullable JsonNode ipDeny,
            @JsonProperty("features") @Nullable JsonNode features) {

        /** No key set: every default applies. */
        public static final AmbassadorConfig EMPTY =
                new com.fasterxml.jackson.databind.ObjectMapper().convertValue(java.util.Map.of(), AmbassadorConfig.class);
    }

    /** {@code diagnostics}, {@code liveness_probe}, {@code readiness_probe}. */
    public record ProbeConfig(@JsonProperty("enabled") @Nullable Boolean enabled,
            @JsonProperty("allow_non_local") @Nullable Boolean allowNonLocal,
            @JsonProperty("prefix") @Nullable String prefix,
            @JsonProperty("rewrite") @Nullable String rewrite,
            @JsonProperty("service") @Nullable String service) {
    }
}
