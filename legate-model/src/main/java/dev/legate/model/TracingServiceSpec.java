package dev.legate.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code TracingService.spec} in getambassador.io/v3alpha1: the tracing driver and its collector. */
public record TracingServiceSpec(
        @JsonProperty("driver") @Nullable String driver,
        @JsonProperty("service") @Nullable String service,
        @JsonProperty("sampling") @Nullable Sampling sampling,
        @JsonProperty("tag_headers") @Nullable List<String> tagHeaders,
        @JsonProperty("custom_tags") @Nullable List<CustomTag> customTags,
        @JsonProperty("config") @Nullable TraceConfig config,
        @JsonProperty("stats_name") @Nullable String statsName) implements Spec {

    /** Percentages (0 to 100) of requests traced. */
    public record Sampling(@JsonProperty("client") @Nullable Integer client,
            @JsonProperty("random") @Nullable Integer random,
            @JsonProperty("overall") @Nullable Integer overall) {
    }

    /** The driver's settings; each driver reads the keys it knows. */
    public record TraceConfig(
            @JsonProperty("access_token_file") @Nullable String accessTokenFile,
            @JsonProperty("collector_cluster") @Nullable String collectorCluster,
            @JsonProperty("collector_endpoint") @Nullable String collectorEndpoint,
            @JsonProperty("collector_endpoint_version") @Nullable String collectorEndpointVersion,
            @JsonProperty("collector_hostname") @Nullable String collectorHostname,
            @JsonProperty("propagation_modes") @Nullable List<String> propagationModes,
            @JsonProperty("trace_id_128bit") @Nullable Boolean traceId128bit,
            @JsonProperty("shared_span_context") @Nullable Boolean sharedSpanContext,
            @JsonProperty("service_name") @Nullable String serviceName) {
    }

    /** A span tag: exactly one of {@code literal}, {@code environment} or {@code request_header}. */
    public record CustomTag(@JsonProperty("tag") @Nullable String tag,
            @JsonProperty("literal") @Nullable Literal literal,
            @JsonProperty("environment") @Nullable FromName environment,
            @JsonProperty("request_header") @Nullable FromName requestHeader) {
    }

    public record Literal(@JsonProperty("value") @Nullable String value) {
    }

    /** An environment variable or request header, with a default value. */
    public record FromName(@JsonProperty("name") @Nullable String name,
            @JsonProperty("default_value") @Nullable String defaultValue) {
    }
}
