package dev.legate.compiler.ir;

import dev.legate.model.ModuleSpec;
import dev.legate.model.ModuleSpec.AmbassadorConfig;
import org.jspecify.annotations.Nullable;

/** Resolves the {@code ambassador} Module's config into {@link IrSettings}, with Emissary's defaults. */
final class SettingsResolver {

    static final long DEFAULT_TIMEOUT_MS = 3000;
    static final int DEFAULT_REGEX_MAX_SIZE = 200;

    private SettingsResolver() {
    }

    static IrSettings resolve(@Nullable AmbassadorConfig c, String ambassadorNamespace) {
        if (c == null) {
            c = ModuleSpec.AmbassadorConfig.EMPTY;
        }
        ModuleSpec.ProbeConfig diag = c.diagnostics();
        String logFormat = c.envoyLogFormat() != null && c.envoyLogFormat().isTextual()
                ? c.envoyLogFormat().asText() : null;
        return new IrSettings(
                orTrue(c.useRemoteAddress()),
                c.xffNumTrustedHops() == null ? 0 : c.xffNumTrustedHops(),
                c.serverName() == null ? "envoy" : c.serverName(),
                c.enableHttp10(),
                c.allowChunkedLength(),
                c.preserveExternalRequestId(),
                c.forwardClientCertDetails(),
                Boolean.TRUE.equals(c.properCase()),
                c.clusterRequestTimeoutMs() == null ? DEFAULT_TIMEOUT_MS : c.clusterRequestTimeoutMs(),
                c.clusterIdleTimeoutMs(),
                c.clusterMaxConnectionLifetimeMs(),
                c.listenerIdleTimeoutMs(),
                c.headersWithUnderscoresAction(),
                c.maxRequestHeadersKb(),
                Boolean.TRUE.equals(c.mergeSlashes()),
                Boolean.TRUE.equals(c.stripMatchingHostPort()),
                Boolean.TRUE.equals(c.rejectRequestsWithEscapedSlashes()),
                Boolean.TRUE.equals(c.suppressEnvoyHeaders()),
                Boolean.TRUE.equals(c.xForwardedProtoRedirect()),
                c.regexMaxSize() == null ? DEFAULT_REGEX_MAX_SIZE : c.regexMaxSize(),
                orTrue(c.enableIpv4()),
                Boolean.TRUE.equals(c.enableIpv6()),
                Boolean.TRUE.equals(c.useAmbassadorNamespaceForServiceResolution()),
                c.bufferLimitBytes(),
                c.envoyLogType() == null ? "text" : c.envoyLogType(),
                c.envoyLogPath() == null ? "/dev/fd/1" : c.envoyLogPath(),
                logFormat,
                diag == null || diag.enabled() == null || diag.enabled(),
                diag != null && Boolean.TRUE.equals(diag.allowNonLocal()),
                c.retryPolicy(),
                c.cors(),
                ambassadorNamespace);
    }

    private static boolean orTrue(@Nullable Boolean value) {
        return value == null || value;
    }
}
