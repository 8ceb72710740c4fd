package dev.legate.compiler.config;

import dev.legate.compiler.Diagnostic;
import dev.legate.model.AuthServiceSpec;
import dev.legate.model.CircuitBreaker;
import dev.legate.model.LogServiceSpec;
import dev.legate.model.RateLimitServiceSpec;
import dev.legate.model.ResourceKey;
import dev.legate.model.TracingServiceSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The rules of AuthService, RateLimitService, LogService and TracingService that types cannot express: required
 * fields, enums, ranges, and what Emissary's IR refuses (gRPC auth before protocol v3, the v2 protocol of the rate
 * limit and log services, the removed lightstep driver). Errors reject the resource, naming the field.
 */
final class ServiceSpecValidator {

    /** Envoy's {@code type.v3.StatusCode} values: the codes {@code status_on_error} can use. */
    private static final Set<Integer> ENVOY_STATUS_CODES = Set.of(100, 200, 201, 202, 203, 204, 205, 206, 207, 208,
            226, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411,
            412, 413, 414, 415, 416, 417, 421, 422, 423, 424, 426, 428, 429, 431, 500, 501, 502, 503, 504, 505, 506,
            507, 508, 510, 511);
    private static final Set<String> TRACING_DRIVERS = Set.of("zipkin", "datadog", "opentelemetry");

    private final ResourceKey key;
    private final List<Diagnostic> out;

    private ServiceSpecValidator(ResourceKey key, List<Diagnostic> out) {
        this.key = key;
        this.out = out;
    }

    static void auth(ResourceKey key, AuthServiceSpec s, List<Diagnostic> out) {
        ServiceSpecValidator check = new ServiceSpecValidator(key, out);
        check.required("spec.auth_service", s.authService());
        String proto = s.proto() == null ? "http" : s.proto();
        if (!proto.equals("http") && !proto.equals("grpc")) {
            check.error("spec.proto: '" + proto + "' is not supported; proto must be http or grpc");
        }
        if (s.protocolVersion() != null && !Set.of("v2", "v3").contains(s.protocolVersion())) {
            check.error("spec.protocol_version: '" + s.protocolVersion() + "' is not one of v2, v3");
        } else if (proto.equals("grpc") && !"v3".equals(s.protocolVersion())) {
            check.error("spec.protocol_version: " + (s.protocolVersion() == null ? "not set (v2)"
                    : s.protocolVersion()) + " is unsupported for proto grpc; protocol_version must be v3");
        }
        check.nonNegative("spec.timeout_ms", s.timeoutMs());
        if (s.includeBody() != null && s.includeBody().maxBytes() != null && s.includeBody().maxBytes() < 1) {
            check.error("spec.include_body.max_bytes: must be at least 1");
        }
        if (s.statusOnError() != null && s.statusOnError().code() != null
                && !ENVOY_STATUS_CODES.contains(s.statusOnError().code())) {
            check.error("spec.status_on_error.code: " + s.statusOnError().code() + " is not an HTTP status Envoy "
                    + "can return");
        }
        if (s.addAuthHeaders() != null) {
            for (Map.Entry<String, String> h : s.addAuthHeaders().entrySet()) {
                if (h.getKey().isEmpty()) {
                    check.error("spec.add_auth_headers: a header name is empty");
                } else if (h.getValue() == null) {
                    check.error("spec.add_auth_headers." + h.getKey() + ": needs a value");
                }
            }
        }
        check.headerNames("spec.allowed_request_headers", s.allowedRequestHeaders());
        check.headerNames("spec.allowed_authorization_headers", s.allowedAuthorizationHeaders());
        check.circuitBreakers("spec.circuit_breakers", s.circuitBreakers());
        if (proto.equals("grpc") && s.pathPrefix() != null && !s.pathPrefix().isEmpty()) {
            check.warning("spec.path_prefix: has no effect with proto grpc");
        }
    }

    static void rateLimit(ResourceKey key, RateLimitServiceSpec s, List<Diagnostic> out) {
        ServiceSpecValidator check = new ServiceSpecValidator(key, out);
        check.required("spec.service", s.service());
        check.protocolV3(s.protocolVersion());
        check.nonNegative("spec.timeout_ms", s.timeoutMs());
    }

    static void log(ResourceKey key, LogServiceSpec s, List<Diagnostic> out) {
        ServiceSpecValidator check = new ServiceSpecValidator(key, out);
        check.required("spec.service", s.service());
        check.protocolV3(s.protocolVersion());
        if (s.driver() == null) {
            check.warning("spec.driver: not set; tcp is used, as in Emissary");
        } else if (!s.driver().equals("http") && !s.driver().equals("tcp")) {
            check.error("spec.driver: '" + s.driver() + "' is not one of http, tcp");
        }
        if (s.flushIntervalTime() != null && s.flushIntervalTime() < 1) {
            check.error("spec.flush_interval_time: must be at least 1 (second)");
        }
        if (s.flushIntervalByteSize() != null && s.flushIntervalByteSize() < 0) {
            check.error("spec.flush_interval_byte_size: must not be negative");
        }
        List<LogServiceSpec.AdditionalLogHeader> headers = s.driverConfig() == null ? null
                : s.driverConfig().additionalLogHeaders();
        if (headers != null && !headers.isEmpty()) {
            if (!"http".equals(s.driver())) {
                check.error("spec.driver_config.additional_log_headers: not supported with the tcp driver");
            }
            for (int i = 0; i < headers.size(); i++) {
                LogServiceSpec.AdditionalLogHeader h = headers.get(i);
                if (h == null || h.headerName() == null || h.headerName().isEmpty()) {
                    check.error("spec.driver_config.additional_log_headers[" + i + "].header_name: required");
                }
            }
        }
    }

    static void tracing(ResourceKey key, TracingServiceSpec s, List<Diagnostic> out) {
        ServiceSpecValidator check = new ServiceSpecValidator(key, out);
        check.required("spec.service", s.service());
        check.required("spec.driver", s.driver());
        if ("lightstep".equals(s.driver())) {
            check.error("spec.driver: the lightstep driver is no longer supported (removed in Emissary 3.4); use "
                    + "zipkin, datadog or opentelemetry");
        } else if (s.driver() != null && !TRACING_DRIVERS.contains(s.driver())) {
            check.error("spec.driver: '" + s.driver() + "' is not one of datadog, opentelemetry, zipkin");
        }
        if (s.sampling() != null) {
            check.percent("spec.sampling.client", s.sampling().client());
            check.percent("spec.sampling.random", s.sampling().random());
            check.percent("spec.sampling.overall", s.sampling().overall());
        }
        TracingServiceSpec.TraceConfig c = s.config();
        if (c != null && c.collectorEndpointVersion() != null && !c.collectorEndpointVersion().isEmpty()
                && !Set.of("HTTP_JSON", "HTTP_PROTO").contains(c.collectorEndpointVersion())) {
            check.error("spec.config.collector_endpoint_version: '" + c.collectorEndpointVersion() + "' is not one "
                    + "of HTTP_JSON, HTTP_PROTO");
        }
        check.headerNames("spec.tag_headers", s.tagHeaders());
        if (s.customTags() != null) {
            for (int i = 0; i < s.customTags().size(); i++) {
                TracingServiceSpec.CustomTag t = s.customTags().get(i);
                String at = "spec.custom_tags[" + i + "]";
                if (t == null) {
                    check.error(at + ": must not be null");
                    continue;
                }
                if (t.tag() == null || t.tag().isEmpty()) {
                    check.error(at + ".tag: required");
                }
                int sources = (t.literal() != null ? 1 : 0) + (t.environment() != null ? 1 : 0)
                        + (t.requestHeader() != null ? 1 : 0);
                if (sources != 1) {
                    check.error(at + ": needs exactly one of literal, environment, request_header");
                } else if (t.literal() != null && t.literal().value() == null) {
                    check.error(at + ".literal.value: required");
                } else if (t.environment() != null && empty(t.environment().name())) {
                    check.error(at + ".environment.name: required");
                } else if (t.requestHeader() != null && empty(t.requestHeader().name())) {
                    check.error(at + ".request_header.name: required");
                }
            }
        }
    }

    private static boolean empty(@Nullable String s) {
        return s == null || s.isEmpty();
    }

    private void error(String message) {
        out.add(Diagnostic.error(key, message));
    }

    private void warning(String message) {
        out.add(Diagnostic.warning(key, message));
    }

    private void required(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            error(field + ": required");
        }
    }

    /** Emissary 3+ speaks only v3 of Envoy's rate limit and access log APIs, and its default is v2. */
    private void protocolV3(@Nullable String version) {
        if (!"v3".equals(version)) {
            error("spec.protocol_version: " + (version == null ? "not set (v2)" : version) + " is unsupported; "
                    + "protocol_version must be v3");
        }
    }

    private void nonNegative(String field, @Nullable Long value) {
        if (value != null && value < 0) {
            error(field + ": must not be negative (" + value + ")");
        }
    }

    private void percent(String field, @Nullable Integer value) {
        if (value != null && (value < 0 || value > 100)) {
            error(field + ": " + value + " is not a percentage (0 to 100)");
        }
    }

    private void headerNames(String field, @Nullable List<String> names) {
        if (names == null) {
            return;
        }
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) == null || names.get(i).isEmpty()) {
                error(field + "[" + i + "]: a header name must not be empty");
            }
        }
    }

    private void circuitBreakers(String field, @Nullable List<CircuitBreaker> breakers) {
        if (breakers == null) {
            return;
        }
        for (int i = 0; i < breakers.size(); i++) {
            CircuitBreaker b = breakers.get(i);
            if (b == null) {
                error(field + "[" + i + "]: must not be null");
                continue;
            }
            if (b.priority() != null && !b.priority().equalsIgnoreCase("default")
                    && !b.priority().equalsIgnoreCase("high")) {
                error(field + "[" + i + "].priority: '" + b.priority() + "' is not one of default, high");
            }
            for (Map.Entry<String, Integer> limit : new java.util.TreeMap<>(java.util.Map.of(
                    "max_connections", orZero(b.maxConnections()), "max_pending_requests",
                    orZero(b.maxPendingRequests()), "max_requests", orZero(b.maxRequests()), "max_retries",
                    orZero(b.maxRetries()))).entrySet()) {
                if (limit.getValue() < 0) {
                    error(field + "[" + i + "]." + limit.getKey() + ": must not be negative");
                }
            }
        }
    }

    private static int orZero(@Nullable Integer value) {
        return value == null ? 0 : value;
    }
}
