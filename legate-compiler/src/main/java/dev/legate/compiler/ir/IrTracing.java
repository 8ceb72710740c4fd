package dev.legate.compiler.ir;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Tracing from the TracingService (Emissary's IRTracing): the driver, its collector cluster and settings, sampling
 * and custom tags, applied by every HTTP connection manager.
 *
 * @param cluster the Envoy name of the collector's cluster
 * @param collectorEndpoint Zipkin's collector path (default {@code /api/v2/spans})
 * @param collectorEndpointVersion Zipkin's HTTP_JSON or HTTP_PROTO
 * @param serviceName Datadog's and OpenTelemetry's service name (default {@code ambassador})
 * @param clientSampling percentages, or null when not set
 */
public record IrTracing(Driver driver, String cluster, @Nullable String collectorEndpoint,
        @Nullable String collectorEndpointVersion, @Nullable Boolean traceId128bit,
        @Nullable Boolean sharedSpanContext, @Nullable String collectorHostname, @Nullable String serviceName,
        @Nullable Integer clientSampling, @Nullable Integer randomSampling, @Nullable Integer overallSampling,
        List<CustomTag> customTags, Provenance provenance) {

    public IrTracing {
        customTags = List.copyOf(customTags);
    }

    public enum Driver {
        ZIPKIN, DATADOG, OPENTELEMETRY
    }

    /** A span tag from a literal, an environment variable or a request header. */
    public record CustomTag(String tag, Source source, String value, @Nullable String defaultValue) {
    }

    public enum Source {
        LITERAL, ENVIRONMENT, REQUEST_HEADER
    }
}
