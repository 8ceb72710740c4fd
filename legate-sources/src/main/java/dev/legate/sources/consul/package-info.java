/**
 * The Consul catalog source: for each Mapping or TCPMapping that names a ConsulResolver, a blocking query on
 * Consul's health endpoint for that service, fed into the snapshot as {@code ConsulServiceEntries} documents.
 */
@NullMarked
package dev.legate.sources.consul;

import org.jspecify.annotations.NullMarked;
