package dev.legate.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@code Mapping.spec} in getambassador.io/v3alpha1. Every field is optional except {@code prefix}. */
public record MappingSpec(
        @JsonProperty("prefix") @Nullable String prefix,
        @JsonProperty("prefix_regex") @Nullable Boolean prefixRegex,
        @JsonProperty("prefix_exact") @Nullable Boolean prefixExact,
        @JsonProperty("service") @Nullable String service,
        @JsonProperty("add_request_headers") @Nullable Map<String, AddedHeader> addRequestHeaders,
        @JsonProperty("add_response_headers") @Nullable Map<String, AddedHeader> addResponseHeaders,
        @JsonProperty("add_linkerd_headers") @Nullable Boolean addLinkerdHeaders,
        @JsonProperty("auto_host_rewrite") @Nullable Boolean autoHostRewrite,
        @JsonProperty("case_sensitive") @Nullable Boolean caseSensitive,
        @JsonProperty("dns_type") @Nullable String dnsType,
        @JsonProperty("docs") @Nullable JsonNode docs,
        @JsonProperty("enable_ipv4") @Nullable Boolean enableIpv4,
        @JsonProperty("enable_ipv6") @Nullable Boolean enableIpv6,
        @JsonProperty("circuit_breakers") @Nullable List<CircuitBreaker> circuitBreakers,
        @JsonProperty("keepalive") @Nullable KeepAlive keepalive,
        @JsonProperty("cors") @Nullable CorsPolicy cors,
        @JsonProperty("retry_policy") @Nullable RetryPolicy retryPolicy,
        @JsonProperty("respect_dns_ttl") @Nullable Boolean respectDnsTtl,
        @JsonProperty("grpc") @Nullable Boolean grpc,
        @JsonProperty("host_redirect") @Nullable Boolean hostRedirect,
        @JsonProperty("host_rewrite") @Nullable String hostRewrite,
        @JsonProperty("method") @Nullable String method,
        @JsonProperty("method_regex") @Nullable Boolean methodRegex,
        @JsonProperty("outlier_detection") @Nullable JsonNode outlierDetection,
        @JsonProperty("path_redirect") @Nullable String pathRedirect,
        @JsonProperty("prefix_redirect") @Nullable String prefixRedirect,
        @JsonProperty("regex_redirect") @Nullable RegexMap regexRedirect,
        @JsonProperty("redirect_response_code") @Nullable Integer redirectResponseCode,
        @JsonProperty("priority") @Nullable String priority,
        @JsonProperty("precedence") @Nullable Integer precedence,
        @JsonProperty("cluster_tag") @Nullable String clusterTag,
        @JsonProperty("remove_request_headers") @Nullable List<String> removeRequestHeaders,
        @JsonProperty("remove_response_headers") @Nullable List<String> removeResponseHeaders,
        @JsonProperty("resolver") @Nullable String resolver,
        @JsonProperty("rewrite") @Nullable String rewrite,
        @JsonProperty("regex_rewrite") @Nullable RegexMap regexRewrite,
        @JsonProperty("shadow") @Nullable Boolean shadow,
        @JsonProperty("connect_timeout_ms") @Nullable Long connectTimeoutMs,
        @JsonProperty("cluster_idle_timeout_ms") @Nullable Long clusterIdleTimeoutMs,
        @JsonProperty("cluster_max_connection_lifetime_ms") @Nullable Long clusterMaxConnectionLifetimeMs,
        @JsonProperty("timeout_ms") @Nullable Long timeoutMs,
        @JsonProperty("idle_timeout_ms") @Nullable Long idleTimeoutMs,
        @JsonProperty("tls") @Nullable String tls,
        @JsonProperty("health_checks") @Nullable JsonNode healthChecks,
        @JsonProperty("use_websocket") @Nullable Boolean useWebsocket,
        @JsonProperty("allow_upgrade") @Nullable List<String> allowUpgrade,
        @JsonProperty("weight") @Nullable Integer weight,
        @JsonProperty("bypass_auth") @Nullable Boolean bypassAuth,
        @JsonProperty("auth_context_extensions") @Nullable Map<String, String> authContextExtensions,
        @JsonProperty("bypass_error_response_overrides") @Nullable Boolean bypassErrorResponseOverrides,
        @JsonProperty("error_response_overrides") @Nullable JsonNode errorResponseOverrides,
        @JsonProperty("modules") @Nullable JsonNode modules,
        @JsonProperty("host") @Nullable String host,
        @JsonProperty("host_regex") @Nullable Boolean hostRegex,
        @JsonProperty("hostname") @Nullable String hostname,
        @JsonProperty("headers") @Nullable Map<String, String> headers,
        @JsonProperty("regex_headers") @Nullable Map<String, String> regexHeaders,
        @JsonProperty("labels") @Nullable JsonNode labels,
        @JsonProperty("envoy_override") @Nullable JsonNode envoyOverride,
        @JsonProperty("load_balancer") @Nullable LoadBalancer loadBalancer,
        @JsonProperty("query_parameters") @Nullable Map<String, String> queryParameters,
        @JsonProperty("regex_query_parameters") @Nullable Map<String, String> regexQueryParameters,
        @JsonProperty("stats_name") @Nullable String statsName,
        @JsonProperty("v2ExplicitTLS") @Nullable JsonNode v2ExplicitTls,
        @JsonProperty("v2BoolHeaders") @Nullable List<String> v2BoolHeaders,
        @JsonProperty("v2BoolQueryParameters") @Nullable List<String> v2BoolQueryParameters) implements Spec {

    /** A header to add: {@code {value, append}}; {@code append} defaults to true as in Emissary. */
    public record AddedHeader(@JsonProperty("value") @Nullable String value,
            @JsonProperty("append") @Nullable Boolean append,
            @JsonProperty("v2Representation") @Nullable String v2Representation) {
    }

    public record RegexMap(@JsonProperty("pattern") @Nullable String pattern,
            @JsonProperty("substitution") @Nullable String substitution) {
    }

    /**
     * TCP keepalive to the upstream. {@code time} is what Emissary's Python reads for the Module (whose config has no
     * schema), so it is accepted there as another spelling of {@code idle_time}.
     */
    public record KeepAlive(@JsonProperty("probes") @Nullable Integer probes,
            @JsonProperty("idle_time") @Nullable Integer idleTime,
            @JsonProperty("interval") @Nullable Integer interval,
            @JsonProperty("time") @Nullable Integer time) {

        /** {@code idle_time}, else {@code time}. */
        public @Nullable Integer effectiveIdleTime() {
            return idleTime != null ? idleTime : time;
        }
    }

    public record LoadBalancer(@JsonProperty("policy") @Nullable String policy,
            @JsonProperty("cookie") @Nullable Cookie cookie,
            @JsonProperty("header") @Nullable String header,
            @JsonProperty("source_ip") @Nullable Boolean sourceIp) {

        public record Cookie(@JsonProperty("name") @Nullable String name, @JsonProperty("path") @Nullable String path,
                @JsonProperty("ttl") @Nullable String ttl) {
        }
    }
}
