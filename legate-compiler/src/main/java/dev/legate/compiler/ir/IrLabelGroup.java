package dev.legate.compiler.ir;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One rate-limit label group of a Mapping ({@code labels: {domain: [{group: [specifier, ...]}]}}): the descriptor
 * entries Envoy sends to the rate limit service. Only groups of the RateLimitService's domain are used.
 */
public record IrLabelGroup(String domain, String name, List<Action> actions) {

    public IrLabelGroup {
        actions = List.copyOf(actions);
    }

    /** One descriptor entry, mirroring Envoy's rate limit actions (named by its type in ir.json). */
    @com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.SIMPLE_NAME,
            property = "action")
    public sealed interface Action {
    }

    /** {@code source_cluster}: the downstream's local cluster. */
    public record SourceCluster() implements Action {
    }

    /** {@code destination_cluster}: the route's cluster. */
    public record DestinationCluster() implements Action {
    }

    /** {@code remote_address}: the client's address (trusted X-Forwarded-For). */
    public record RemoteAddress() implements Action {
    }

    /** {@code generic_key}: a fixed {@code key=value}. */
    public record GenericKey(String key, String value) implements Action {
    }

    /**
     * {@code request_headers}: {@code key=<value of header>}; without the header the group is skipped, or (with
     * {@code omit_if_not_present}) only this entry.
     */
    public record RequestHeaders(String key, String headerName, @Nullable Boolean omitIfNotPresent)
            implements Action {
    }
}
