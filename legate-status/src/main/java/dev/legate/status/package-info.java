/**
 * Writes what Legate made of each resource back into the cluster: Mapping, TCPMapping, Host and Listener status
 * (Emissary's fields plus an {@code Accepted} condition), and Ingress {@code status.loadBalancer} copied from the
 * gateway's Service. Only the replica holding a coordination.k8s.io Lease writes, and only what changed, at a
 * bounded rate. {@link dev.legate.status.StatusWriter} is the entry point; {@link dev.legate.status.StatusReport}
 * turns a compile result into per-resource outcomes.
 */
@NullMarked
package dev.legate.status;

import org.jspecify.annotations.NullMarked;
