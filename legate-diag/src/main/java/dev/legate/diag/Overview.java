package dev.legate.diag;

import static java.util.Objects.requireNonNull;

import dev.legate.diag.Rows.ClusterRow;
import dev.legate.diag.Rows.EnvoyRow;
import dev.legate.diag.Rows.HostRow;
import dev.legate.diag.Rows.ListenerRow;
import dev.legate.diag.Rows.RouteRow;
import dev.legate.diag.Rows.SourceRow;
import dev.legate.diag.Rows.TlsContextRow;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The overview page's data, exactly what {@code /ambassador/v0/diag/?json=true} returns and the HTML shows. The big
 * tables (sources, routes, clusters) come one filtered page at a time.
 *
 * @param lastFailure the last attempt that failed, when it came after the configuration being served
 */
public record Overview(SystemInfo system, @Nullable Reconfiguration lastFailure,
        Map<String, Integer> resourcesByKind, Map<String, Long> diagnosticsBySeverity, Page<SourceRow> sources,
        Page<RouteRow> routes, Page<ClusterRow> clusters, List<ListenerRow> listeners, List<HostRow> hosts,
        List<TlsContextRow> tlsContexts, List<EnvoyRow> envoys, List<Reconfiguration> reconfigurations) {

    public Overview {
        requireNonNull(system, "system");
        resourcesByKind = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(resourcesByKind));
        diagnosticsBySeverity = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(
                diagnosticsBySeverity));
        listeners = List.copyOf(listeners);
        hosts = List.copyOf(hosts);
        tlsContexts = List.copyOf(tlsContexts);
        envoys = List.copyOf(envoys);
        reconfigurations = List.copyOf(reconfigurations);
    }

    /**
     * The gateway as a whole.
     *
     * @param state {@code ready} or {@code not ready}
     * @param configVersion the version being served (null before the first)
     * @param envoy how Envoy runs: {@code supervised} (Legate runs it) or {@code external}
     * @param logLevel Legate's own log level
     * @param envoyLogLevel the supervised Envoy's, as last set through the diagnostics ({@code unchanged} before)
     * @param diagnosticsEnabled the Module's {@code diagnostics.enabled}: whether Envoy routes /ambassador/v0/ here
     * @param allowNonLocal the Module's {@code diagnostics.allow_non_local}
     */
    public record SystemInfo(String legateVersion, String ambassadorId, String state, @Nullable String configVersion,
            @Nullable String configuredAt, long reconfiguration, String envoy, String logLevel, String envoyLogLevel,
            boolean diagnosticsEnabled, boolean allowNonLocal, String now) {
    }
}
