package dev.legate.compiler.ir;

import dev.legate.model.CorsPolicy;
import dev.legate.model.RetryPolicy;
import org.jspecify.annotations.Nullable;

/**
 * The gateway-wide settings from the {@code ambassador} Module, with Emissary's defaults filled in. Fields that are
 * {@code null} were not set and leave Envoy's own default in place.
 */
public record IrSettings(
        boolean useRemoteAddress,
        int xffNumTrustedHops,
        String serverName,
        @Nullable Boolean enableHttp10,
        @Nullable Boolean allowChunkedLength,
        @Nullable Boolean preserveExternalRequestId,
        @Nullable String forwardClientCertDetails,
        boolean properCase,
        long clusterRequestTimeoutMs,
        @Nullable Long clusterIdleTimeoutMs,
        @Nullable Long clusterMaxConnectionLifetimeMs,
        @Nullable Long listenerIdleTimeoutMs,
        @Nullable String headersWithUnderscoresAction,
        @Nullable Integer maxRequestHeadersKb,
        boolean mergeSlashes,
        boolean stripMatchingHostPort,
        boolean rejectRequestsWithEscapedSlashes,
        boolean suppressEnvoyHeaders,
        boolean xForwardedProtoRedirect,
        int regexMaxSize,
        boolean enableIpv4,
        boolean enableIpv6,
        boolean useAmbassadorNamespaceForServiceResolution,
        @Nullable Integer bufferLimitBytes,
        String envoyLogType,
        String envoyLogPath,
        @Nullable String envoyLogFormat,
        boolean diagnosticsEnabled,
        boolean diagnosticsAllowNonLocal,
        @Nullable RetryPolicy retryPolicy,
        @Nullable CorsPolicy cors,
        String ambassadorNamespace) {
}
