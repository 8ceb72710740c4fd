/**
 * Diagnostics of a running gateway: the read-only model of what it serves and why (sources and their problems,
 * routes, clusters, listeners, connected Envoys, reconfigurations), rendered as HTML and JSON on the diagnostics port;
 * the snapshot server; and the Prometheus metrics. Secret material never enters the model.
 */
@NullMarked
package dev.legate.diag;

import org.jspecify.annotations.NullMarked;
