package dev.legate.diag;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How diagnostics run.
 *
 * @param ambassadorId this instance's id, shown on the overview
 * @param snapshotAddress where the snapshot server listens (Emissary's is 127.0.0.1:8005); empty for none
 * @param envoyAdminPort the supervised Envoy's admin port on 127.0.0.1: its {@code /stats/prometheus} is appended to
 *     {@code /metrics} and {@code ?loglevel=} sets its log level; empty when Legate does not run Envoy
 */
public record DiagOptions(String ambassadorId, Optional<InetSocketAddress> snapshotAddress,
        OptionalInt envoyAdminPort) {

    public DiagOptions {
        requireNonNull(ambassadorId, "ambassadorId");
        requireNonNull(snapshotAddress, "snapshotAddress");
        requireNonNull(envoyAdminPort, "envoyAdminPort");
    }
}
