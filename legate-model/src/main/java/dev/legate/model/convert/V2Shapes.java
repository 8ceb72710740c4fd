package dev.legate.model.convert;

import static dev.legate.model.convert.Shape.ANY;
import static dev.legate.model.convert.Shape.ANY_OBJECT;
import static dev.legate.model.convert.Shape.BOOL;
import static dev.legate.model.convert.Shape.BOOL_OR_STR;
import static dev.legate.model.convert.Shape.INT;
import static dev.legate.model.convert.Shape.STR;
import static dev.legate.model.convert.Shape.STR_LIST;
import static dev.legate.model.convert.Shape.STR_MAP;
import static dev.legate.model.convert.Shape.STR_OR_LIST;
import static dev.legate.model.convert.Shape.list;
import static dev.legate.model.convert.Shape.map;
import static dev.legate.model.convert.Shape.obj;

import java.util.List;
import java.util.Map;

/**
 * The spec shapes of the {@code getambassador.io/v2} kinds (v1 uses the same specs), after Emissary's Go types in
 * {@code pkg/api/getambassador.io/v2}. Only types are described; unknown fields are allowed.
 */
final class V2Shapes {

    private V2Shapes() {}

    static final Shape CIRCUIT_BREAKER = obj(
            "priority", STR, "max_connections", INT, "max_pending_requests", INT, "max_requests", INT,
            "max_retries", INT);

    static final Shape ERROR_RESPONSE_OVERRIDE = obj(
            "on_status_code", INT,
            "body", obj("text_format", STR, "json_format", STR_MAP, "text_format_source", obj("filename", STR),
                    "content_type", STR));

    static final Shape REGEX_MAP = obj("pattern", STR, "substitution", STR);

    /** v3alpha1's AddedHeader, used by the v3 health checks that v2 already embeds. */
    static final Shape ADDED_HEADER_V3 = obj("value", STR, "append", BOOL, "v2Representation", STR);

    /** v3alpha1's HealthCheck (v2 Mappings carry it as {@code v3health_checks}). */
    static final Shape HEALTH_CHECK = obj(
            "timeout", STR, "interval", STR, "unhealthy_threshold", INT, "healthy_threshold", INT,
            "health_check", obj(
                    "http", obj("path", STR, "hostname", STR, "add_request_headers", map(ADDED_HEADER_V3),
                            "remove_request_headers", STR_LIST,
                            "expected_statuses", list(obj("min", INT, "max", INT))),
                    "grpc", obj("upstream_name", STR, "authority", STR)));

    /** v2's AddedHeader: a plain string or {value, append}. */
    static final Shape ADDED_HEADER_V2 = new Shape.Alt("a string, an object {value, append} or null",
            List.of(STR, obj("value", STR, "append", BOOL)));

    /** Mapping {@code headers} / {@code query_parameters} values. */
    static final Shape BOOL_MATCH = new Shape.Alt("a string or true", List.of(STR, BOOL));

    static final Shape CORS = obj(
            "origins", STR_OR_LIST, "methods", STR_OR_LIST, "headers", STR_OR_LIST, "credentials", BOOL,
            "exposed_headers", STR_OR_LIST, "max_age", STR);

    /** domain -> [ {group name -> [specifier]} ]; specifiers are checked by {@link MappingLabels}. */
    static final Shape LABELS = map(list(map(list(ANY))));

    static final Shape LABEL_SELECTOR = obj(
            "matchLabels", STR_MAP,
            "matchExpressions", list(obj("key", STR, "operator", STR, "values", STR_LIST)));

    static final Shape MAPPING = obj(
            "ambassador_id", STR_OR_LIST,
            "prefix", STR, "prefix_regex", BOOL, "prefix_exact", BOOL, "service", STR,
            "add_request_headers", map(ADDED_HEADER_V2), "add_response_headers", map(ADDED_HEADER_V2),
            "add_linkerd_headers", BOOL, "auto_host_rewrite", BOOL, "case_sensitive", BOOL,
            "docs", obj("path", STR, "url", STR, "ignored", BOOL, "display_name", STR, "timeout_ms", INT),
            "dns_type", STR, "enable_ipv4", BOOL, "enable_ipv6", BOOL,
            "circuit_breakers", list(CIRCUIT_BREAKER),
            "keepalive", obj("probes", INT, "idle_time", INT, "interval", INT),
            "cors", CORS,
            "retry_policy", obj("retry_on", STR, "num_retries", INT, "per_try_timeout", STR),
            "respect_dns_ttl", BOOL, "grpc", BOOL, "host_redirect", BOOL, "host_rewrite", STR, "method", STR,
            "method_regex", BOOL, "outlier_detection", STR, "path_redirect", STR, "prefix_redirect", STR,
            "regex_redirect", REGEX_MAP, "redirect_response_code", INT, "priority", STR, "precedence", INT,
            "cluster_tag", STR, "remove_request_headers", STR_OR_LIST, "remove_response_headers", STR_OR_LIST,
            "resolver", STR, "rewrite", STR, "regex_rewrite", REGEX_MAP, "shadow", BOOL,
            "connect_timeout_ms", INT, "cluster_idle_timeout_ms", INT, "cluster_max_connection_lifetime_ms", INT,
            "timeout_ms", INT, "idle_timeout_ms", INT, "tls", BOOL_OR_STR,
            "v3health_checks", list(HEALTH_CHECK), "use_websocket", BOOL, "allow_upgrade", STR_LIST,
            "weight", INT, "bypass_auth", BOOL, "auth_context_extensions", STR_MAP,
            "bypass_error_response_overrides", BOOL, "error_response_overrides", list(ERROR_RESPONSE_OVERRIDE),
            "modules", list(ANY_OBJECT), "host", STR, "host_regex", BOOL, "headers", map(BOOL_MATCH),
            "regex_headers", STR_MAP, "labels", LABELS, "envoy_override", ANY_OBJECT,
            "load_balancer", obj("policy", STR, "cookie", obj("name", STR, "path", STR, "ttl", STR),
                    "header", STR, "source_ip", BOOL),
            "query_parameters", map(BOOL_MATCH), "regex_query_parameters", STR_MAP, "v3StatsName", STR);

    static final Shape TCP_MAPPING = obj(
            "ambassador_id", STR_OR_LIST, "port", INT, "host", STR, "address", STR, "service", STR,
            "enable_ipv4", BOOL, "enable_ipv6", BOOL, "circuit_breakers", list(CIRCUIT_BREAKER),
            "idle_timeout_ms", STR, "resolver", STR, "tls", BOOL_OR_STR, "weight", INT, "cluster_tag", STR,
            "v3StatsName", STR);

    static final Shape TLS_CONFIG = obj(
            "cert_chain_file", STR, "private_key_file", STR, "ca_secret", STR, "cacert_chain_file", STR,
            "alpn_protocols", STR, "cert_required", BOOL, "min_tls_version", STR, "max_tls_version", STR,
            "cipher_suites", STR_LIST, "ecdh_curves", STR_LIST, "redirect_cleartext_from", INT, "sni", STR,
            "v3CRLSecret", STR);

    static final Shape HOST = obj(
            "ambassador_id", STR_OR_LIST, "ambassadorId", STR_OR_LIST, "hostname", STR,
            "selector", LABEL_SELECTOR,
            "acmeProvider", obj("authority", STR, "email", STR, "privateKeySecret", obj("name", STR),
                    "registration", STR),
            "tlsSecret", obj("name", STR, "namespace", STR),
            "requestPolicy", obj("insecure", obj("action", STR, "additionalPort", INT)),
            "previewUrl", obj("enabled", BOOL, "type", STR),
            "tlsContext", obj("name", STR),
            "tls", TLS_CONFIG);

    static final Shape TLS_CONTEXT = obj(
            "ambassador_id", STR_OR_LIST, "hosts", STR_LIST, "secret", STR, "cert_chain_file", STR,
            "private_key_file", STR, "ca_secret", STR, "cacert_chain_file", STR, "alpn_protocols", STR,
            "cert_required", BOOL, "min_tls_version", STR, "max_tls_version", STR, "cipher_suites", STR_LIST,
            "ecdh_curves", STR_LIST, "secret_namespacing", BOOL, "redirect_cleartext_from", INT, "sni", STR,
            "v3CRLSecret", STR);

    static final Shape MODULE = obj("ambassador_id", STR_OR_LIST, "config", ANY_OBJECT);

    static final Shape AUTH_SERVICE = obj(
            "ambassador_id", STR_OR_LIST, "auth_service", STR, "path_prefix", STR, "tls", BOOL_OR_STR,
            "proto", STR, "timeout_ms", INT, "allowed_request_headers", STR_LIST,
            "allowed_authorization_headers", STR_LIST, "add_auth_headers", STR_MAP, "allow_request_body", BOOL,
            "add_linkerd_headers", BOOL, "failure_mode_allow", BOOL,
            "include_body", obj("max_bytes", INT, "allow_partial", BOOL), "status_on_error", obj("code", INT),
            "protocol_version", STR, "v3StatsName", STR, "v3CircuitBreakers", list(CIRCUIT_BREAKER));

    static final Shape RATE_LIMIT_SERVICE = obj(
            "ambassador_id", STR_OR_LIST, "service", STR, "timeout_ms", INT, "domain", STR, "tls", BOOL_OR_STR,
            "protocol_version", STR, "v3StatsName", STR, "failure_mode_deny", BOOL,
            "v3GRPC", obj("use_resource_exhausted_code", BOOL));

    static final Shape LOG_SERVICE = obj(
            "ambassador_id", STR_OR_LIST, "service", STR, "v3ProtocolVersion", STR, "driver", STR,
            "driver_config", obj("additional_log_headers", list(obj("header_name", STR, "during_request", BOOL,
                    "during_response", BOOL, "during_trailer", BOOL))),
            "flush_interval_time", INT, "flush_interval_byte_size", INT, "grpc", BOOL, "v3StatsName", STR);

    static final Shape CUSTOM_TAG = obj(
            "tag", STR, "literal", obj("value", STR),
            "environment", obj("name", STR, "default_value", STR),
            "request_header", obj("name", STR, "default_value", STR));

    static final Shape TRACING_SERVICE = obj(
            "ambassador_id", STR_OR_LIST, "driver", STR, "service", STR,
            "sampling", obj("client", INT, "random", INT, "overall", INT), "tag_headers", STR_LIST,
            "config", obj("access_token_file", STR, "collector_cluster", STR, "collector_endpoint", STR,
                    "collector_endpoint_version", STR, "collector_hostname", STR, "trace_id_128bit", BOOL,
                    "shared_span_context", BOOL, "service_name", STR, "v3PropagationModes", STR_LIST),
            "v3StatsName", STR, "v3CustomTags", list(CUSTOM_TAG));

    static final Shape RESOLVER = obj("ambassador_id", STR_OR_LIST);

    static final Shape CONSUL_RESOLVER = obj("ambassador_id", STR_OR_LIST, "address", STR, "datacenter", STR);

    static final Shape DEV_PORTAL = obj(
            "ambassador_id", STR_OR_LIST, "default", BOOL,
            "content", obj("url", STR, "branch", STR, "dir", STR),
            "docs", list(obj("service", STR, "url", STR, "timeout_ms", INT)),
            "selector", obj("matchNamespaces", STR_LIST, "matchLabels", STR_MAP),
            "naming_scheme", STR, "search", obj("enabled", BOOL, "type", STR), "preserve_servers", BOOL);

    /** Spec shape per kind. */
    static final Map<String, Shape> BY_KIND = Map.ofEntries(
            Map.entry(Kinds.MAPPING, MAPPING),
            Map.entry(Kinds.TCP_MAPPING, TCP_MAPPING),
            Map.entry(Kinds.HOST, HOST),
            Map.entry(Kinds.TLS_CONTEXT, TLS_CONTEXT),
            Map.entry(Kinds.MODULE, MODULE),
            Map.entry(Kinds.AUTH_SERVICE, AUTH_SERVICE),
            Map.entry(Kinds.RATE_LIMIT_SERVICE, RATE_LIMIT_SERVICE),
            Map.entry(Kinds.LOG_SERVICE, LOG_SERVICE),
            Map.entry(Kinds.TRACING_SERVICE, TRACING_SERVICE),
            Map.entry(Kinds.KUBERNETES_SERVICE_RESOLVER, RESOLVER),
            Map.entry(Kinds.KUBERNETES_ENDPOINT_RESOLVER, RESOLVER),
            Map.entry(Kinds.CONSUL_RESOLVER, CONSUL_RESOLVER),
            Map.entry(Kinds.DEV_PORTAL, DEV_PORTAL));
}
