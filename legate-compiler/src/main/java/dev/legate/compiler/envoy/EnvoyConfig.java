package dev.legate.compiler.envoy;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;

/**
 * The Envoy resources of one configuration, each list in output order, all of them valid for Envoy. HTTP connection
 * managers refer to their routes by name (RDS); {@link #routeConfigurations()} holds them, named
 * {@code <listener>-<filter chain>}. The static bootstrap inlines them (see
 * {@link dev.legate.compiler.output.EnvoyJson}); an ADS server serves them as they are. Likewise EDS clusters take
 * their endpoints from {@link #endpoints()} (by the cluster's EDS service name), which the static bootstrap inlines
 * as each cluster's {@code load_assignment}. {@code runtime} is the static runtime layer of the bootstrap (Module
 * {@code runtime_flags}); empty when none is set.
 */
public record EnvoyConfig(List<Listener> listeners, List<RouteConfiguration> routeConfigurations,
        List<Cluster> clusters, List<Secret> secrets, List<ClusterLoadAssignment> endpoints,
        com.google.protobuf.Struct runtime) {

    public EnvoyConfig {
        listeners = List.copyOf(listeners);
        routeConfigurations = List.copyOf(routeConfigurations);
        clusters = List.copyOf(clusters);
        secrets = List.copyOf(secrets);
        endpoints = List.copyOf(endpoints);
        java.util.Objects.requireNonNull(runtime, "runtime");
    }

    /** A configuration without EDS clusters or runtime flags. */
    public EnvoyConfig(List<Listener> listeners, List<RouteConfiguration> routeConfigurations,
            List<Cluster> clusters, List<Secret> secrets) {
        this(listeners, routeConfigurations, clusters, secrets, List.of(), com.google.protobuf.Struct.getDefaultInstance());
    }

    /** A configuration without runtime flags. */
    public EnvoyConfig(List<Listener> listeners, List<RouteConfiguration> routeConfigurations,
            List<Cluster> clusters, List<Secret> secrets, List<ClusterLoadAssignment> endpoints) {
        this(listeners, routeConfigurations, clusters, secrets, endpoints, com.google.protobuf.Struct.getDefaultInstance());
    }

    /** The same configuration with other endpoint assignments (an endpoint-only change). */
    public EnvoyConfig withEndpoints(List<ClusterLoadAssignment> newEndpoints) {
        return new EnvoyConfig(listeners, routeConfigurations, clusters, secrets, newEndpoints, runtime);
    }
}
