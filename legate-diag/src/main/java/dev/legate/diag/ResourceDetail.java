package dev.legate.diag;

import static java.util.Objects.requireNonNull;

import dev.legate.diag.Rows.ClusterRow;
import dev.legate.diag.Rows.HostRow;
import dev.legate.diag.Rows.ListenerRow;
import dev.legate.diag.Rows.RouteRow;
import dev.legate.diag.Rows.SourceRow;
import dev.legate.diag.Rows.TlsContextRow;
import java.util.List;

/**
 * One source resource's page ({@code /ambassador/v0/diag/Kind/name.namespace}): its state and problems, its input as
 * accepted (v3alpha1 YAML; a Secret's data redacted), and what it made.
 *
 * @param yaml the resource as the compiler accepted it, empty when it was rejected
 * @param routes the routes it made (at most {@link #ROUTE_LIMIT}; {@code routeCount} says how many there are)
 */
public record ResourceDetail(SourceRow source, String yaml, int routeCount, List<RouteRow> routes,
        List<ClusterRow> clusters, List<HostRow> hosts, List<TlsContextRow> tlsContexts,
        List<ListenerRow> listeners) {

    public static final int ROUTE_LIMIT = 500;

    public ResourceDetail {
        requireNonNull(source, "source");
        requireNonNull(yaml, "yaml");
        routes = List.copyOf(routes);
        clusters = List.copyOf(clusters);
        hosts = List.copyOf(hosts);
        tlsContexts = List.copyOf(tlsContexts);
        listeners = List.copyOf(listeners);
    }
}
