/**
 * {@code legate serve}: the reconfiguration loop (source, compile, publish), snapshots on disk, health probes and
 * the supervised Envoy.
 */
@NullMarked
package dev.legate.app.serve;

import org.jspecify.annotations.NullMarked;
