package dev.legate.xds;

/**
 * Totals since an {@link XdsServer} started.
 *
 * @param streamsOpened ADS streams opened (connections, counting reconnects)
 * @param responsesSent discovery responses sent (pushes), all types and streams together
 * @param nacksReceived responses rejected by a client
 */
public record XdsStats(long streamsOpened, long responsesSent, long nacksReceived) {
}
