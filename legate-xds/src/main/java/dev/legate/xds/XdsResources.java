package dev.legate.xds;

import static java.util.Objects.requireNonNull;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;

/**
 * What one configuration looks like to Envoy: the five resource types served over ADS. Lists may come in any order;
 * the server sorts by name, so the same content always gives the same versions and the same bytes on the wire.
 *
 * <p>References between the lists are by name: a listener's HTTP connection manager names its route configuration
 * (RDS), routes name clusters, EDS clusters name their {@link ClusterLoadAssignment}, TLS contexts name SDS secrets.
 * {@link XdsServer#publish} checks every such reference before anything is sent.
 *
 * @param listeners LDS resources
 * @param routes RDS resources (route configurations)
 * @param clusters CDS resources
 * @param endpoints EDS resources, keyed by {@code cluster_name}
 * @param secrets SDS resources
 */
public record XdsResources(List<Listener> listeners, List<RouteConfiguration> routes, List<Cluster> clusters,
        List<ClusterLoadAssignment> endpoints, List<Secret> secrets) {

    private static final XdsResources EMPTY = new XdsResources(List.of(), List.of(), List.of(), List.of(), List.of());

    public XdsResources {
        listeners = List.copyOf(requireNonNull(listeners, "listeners"));
        routes = List.copyOf(requireNonNull(routes, "routes"));
        clusters = List.copyOf(requireNonNull(clusters, "clusters"));
        endpoints = List.copyOf(requireNonNull(endpoints, "endpoints"));
        secrets = List.copyOf(requireNonNull(secrets, "secrets"));
    }

    /** No resources at all: Envoys receive empty answers for every type (which ends their initial fetch). */
    public static XdsResources empty() {
        return EMPTY;
    }
}
