package dev.legate.diag;

import dev.legate.xds.ClientStatus;
import dev.legate.xds.XdsStats;
import java.util.List;
import java.util.Optional;

/** What diagnostics read from the running gateway. Every method may be called from any thread, at any time. */
public interface GatewayState {

    /** The configuration being served, if any has been yet. */
    Optional<ServedConfiguration> served();

    /** The connected Envoys, oldest stream first. */
    List<ClientStatus> clients();

    /** xDS totals since start. */
    XdsStats xdsStats();

    /** Whether the gateway is ready (a configuration is served and a supervised Envoy, if any, is ready). */
    boolean ready();
}
