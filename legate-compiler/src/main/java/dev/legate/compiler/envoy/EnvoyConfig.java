package dev.legate.compiler.envoy;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;

/**
 * The Envoy resources of one configuration, each list in output order, all of them valid for Envoy. HTTP connection
 * managers refer to their routes by name (RDS); {@link #routeConfigurations()} holds them, named
 * {@code <listener>-<filter chain>}. The static bootstrap inlines them (see
 * {@link dev.legate.compiler.output.EnvoyJson}); an ADS server serves them as they are. {@code runtime} is the
 * static runtime layer of the bootstrap (Module {@code runtime_flags}); empty when none is set.
 */
public record EnvoyConfig(List<Listener> listeners, List<RouteConfiguration> routeConfigurations,
        List<Cluster> clusters, List<Secret> secrets, com.google.protobuf.Struct runtime) {

    public EnvoyConfig {
        listeners = List.copyOf(listeners);
        routeConfigurations = List.copyOf(routeConfigurations);
        clusters = List.copyOf(clusters);
        secrets = List.copyOf(secrets);
        java.util.Objects.requireNonNull(runtime, "runtime");
    }

    /** A configuration without runtime flags. */
    public EnvoyConfig(List<Listener> listeners, List<RouteConfiguration> routeConfigurations,
            List<Cluster> clusters, List<Secret> secrets) {
        this(listeners, routeConfigurations, clusters, secrets, com.google.protobuf.Struct.getDefaultInstance());
    }
}
