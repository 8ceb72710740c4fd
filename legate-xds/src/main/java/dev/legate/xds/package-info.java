/**
 * Legate's ADS server: serves compiled Envoy configuration to every connected Envoy over the Aggregated Discovery
 * Service, state-of-the-world and delta, on top of java-control-plane.
 *
 * <p>{@link dev.legate.xds.XdsServer} is the entry point. Configurations are published as whole
 * {@link dev.legate.xds.XdsResources}; versions are content hashes, so replicas agree and identical content pushes
 * nothing. A publish that would leave an Envoy with a dangling reference (a listener naming a route configuration it
 * has not been sent, a route naming an unknown cluster) is refused or split into ordered steps; see
 * {@link dev.legate.xds.XdsServer} for the design. Every connected Envoy's ACK/NACK state is tracked and reported as
 * {@link dev.legate.xds.ClientStatus}.
 */
@NullMarked
package dev.legate.xds;

import org.jspecify.annotations.NullMarked;
