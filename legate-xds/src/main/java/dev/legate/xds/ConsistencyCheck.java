package dev.legate.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Checks that a configuration refers only to resources it contains, before any of it is sent.
 *
 * <p>java-control-plane's {@code Snapshot.ensureConsistent()} is the model but cannot be used as is: it recognises
 * HTTP connection managers only under the deprecated filter name {@code envoy.http_connection_manager} (Legate uses
 * {@code envoy.filters.network.http_connection_manager}), it demands that every route configuration and every
 * endpoint assignment be referenced (the intermediate snapshots of a make-before-break publish keep unreferenced
 * ones on purpose), and it does not look at routes' clusters or at SDS secrets. This check finds filters by the type
 * of their {@code typed_config}, and reports, one message per dangling name:
 *
 * <ul>
 *   <li>a listener naming an RDS route configuration that is not in the set;
 *   <li>a route (or a TCP proxy) naming a cluster that is not in the set;
 *   <li>an EDS cluster whose {@link ClusterLoadAssignment} is not in the set;
 *   <li>a TLS context naming an SDS secret (served over ADS) that is not in the set;
 *   <li>two resources of one type with the same name, or a resource without a name.
 * </ul>
 *
 * <p>Clusters chosen at request time ({@code cluster_header}, cluster specifier plugins) cannot be checked.
 */
final class ConsistencyCheck {

    private static final String HCM_TYPE = typeUrl(HttpConnectionManager.getDescriptor().getFullName());
    private static final String TCP_PROXY_TYPE = typeUrl(TcpProxy.getDescriptor().getFullName());
    private static final String DOWNSTREAM_TLS_TYPE = typeUrl(DownstreamTlsContext.getDescriptor().getFullName());
    private static final String UPSTREAM_TLS_TYPE = typeUrl(UpstreamTlsContext.getDescriptor().getFullName());

    private final Set<String> routeNames;
    private final Set<String> clusterNames;
    private final Set<String> endpointNames;
    private final Set<String> secretNames;
    private final List<String> errors = new ArrayList<>();

    private ConsistencyCheck(XdsResources resources) {
        this.routeNames = names("route configuration", resources.routes(), RouteConfiguration::getName);
        this.clusterNames = names("cluster", resources.clusters(), Cluster::getName);
        this.endpointNames = names("endpoint assignment", resources.endpoints(), ClusterLoadAssignment::getClusterName);
        this.secretNames = names("secret", resources.secrets(), Secret::getName);
        names("listener", resources.listeners(), Listener::getName);
    }

    /** Every problem found, in a stable order; empty when the configuration is consistent. */
    static List<String> check(XdsResources resources) {
        return check(resources, rc -> null);
    }

    /**
     * Like {@link #check(XdsResources)}, taking the clusters the routes of each (RDS) route configuration name from
     * {@code routeClusters} where it knows them (see {@link RouteBytes#clusters}), so that the routes of a large
     * configuration are not read again on every publish.
     */
    static List<String> check(XdsResources resources,
            Function<RouteConfiguration, @Nullable Collection<String>> routeClusters) {
        ConsistencyCheck check = new ConsistencyCheck(resources);
        resources.listeners().forEach(check::listener);
        for (RouteConfiguration r : resources.routes()) {
            String owner = "route configuration \"" + r.getName() + "\"";
            Collection<String> clusters = routeClusters.apply(r);
            if (clusters == null) {
                check.routeConfiguration(owner, r);
            } else {
                Set<String> missing = new TreeSet<>();
                clusters.forEach(c -> check.clusterRef(missing, c));
                check.reportMissingClusters(owner, missing);
            }
        }
        resources.clusters().forEach(check::cluster);
        return List.copyOf(check.errors);
    }

    private <T extends Message> Set<String> names(String kind, List<T> resources, Function<T, String> name) {
        Set<String> names = new HashSet<>();
        Set<String> duplicates = new TreeSet<>();
        for (T resource : resources) {
            String n = name.apply(resource);
            if (n.isEmpty()) {
                errors.add("a " + kind + " has no name");
            } else if (!names.add(n)) {
                duplicates.add(n);
            }
        }
        duplicates.forEach(n -> errors.add("more than one " + kind + " is named \"" + n + "\""));
        return names;
    }

    private void listener(Listener listener) {
        String owner = "listener \"" + listener.getName() + "\"";
        for (FilterChain chain : listener.getFilterChainsList()) {
            filterChain(owner, chain);
        }
        if (listener.hasDefaultFilterChain()) {
            filterChain(owner, listener.getDefaultFilterChain());
        }
        if (listener.hasApiListener() && listener.getApiListener().hasApiListener()) {
            Any api = listener.getApiListener().getApiListener();
            if (api.getTypeUrl().equals(HCM_TYPE)) {
                HttpConnectionManager hcm = unpack(owner, api, HttpConnectionManager.class);
                if (hcm != null) {
                    connectionManager(owner, hcm);
                }
            }
        }
    }

    private void filterChain(String owner, FilterChain chain) {
        for (Filter filter : chain.getFiltersList()) {
            if (!filter.hasTypedConfig()) {
                continue;
            }
            Any config = filter.getTypedConfig();
            if (config.getTypeUrl().equals(HCM_TYPE)) {
                HttpConnectionManager hcm = unpack(owner, config, HttpConnectionManager.class);
                if (hcm != null) {
                    connectionManager(owner, hcm);
                }
            } else if (config.getTypeUrl().equals(TCP_PROXY_TYPE)) {
                TcpProxy tcp = unpack(owner, config, TcpProxy.class);
                if (tcp != null) {
                    Set<String> missing = new TreeSet<>();
                    if (tcp.hasWeightedClusters()) {
                        tcp.getWeightedClusters().getClustersList().forEach(c -> clusterRef(missing, c.getName()));
                    } else {
                        clusterRef(missing, tcp.getCluster());
                    }
                    missing.forEach(c -> errors.add(owner + " proxies TCP to cluster \"" + c
                            + "\", which is not in the configuration"));
                }
            }
        }
        if (chain.hasTransportSocket()) {
            transportSocket(owner, chain.getTransportSocket(), DOWNSTREAM_TLS_TYPE);
        }
    }

    private void connectionManager(String owner, HttpConnectionManager hcm) {
        switch (hcm.getRouteSpecifierCase()) {
            case RDS -> {
                String name = hcm.getRds().getRouteConfigName();
                if (!routeNames.contains(name)) {
                    errors.add(owner + " names route configuration \"" + name
                            + "\" (RDS), which is not in the configuration");
                }
            }
            case ROUTE_CONFIG -> routeConfiguration(owner + "'s inline route configuration", hcm.getRouteConfig());
            default -> {
                // scoped routes and an unset specifier name nothing this server serves by that name
            }
        }
    }

    private void routeConfiguration(String owner, RouteConfiguration config) {
        Set<String> names = new HashSet<>();
        for (VirtualHost vh : config.getVirtualHostsList()) {
            for (Route route : vh.getRoutesList()) {
                RouteBytes.clusterNames(route, names);
            }
        }
        Set<String> missing = new TreeSet<>();
        names.forEach(c -> clusterRef(missing, c));
        reportMissingClusters(owner, missing);
    }

    private void reportMissingClusters(String owner, Set<String> missing) {
        missing.forEach(c -> errors.add(owner + " routes to cluster \"" + c + "\", which is not in the configuration"));
    }

    private void clusterRef(Set<String> missing, String cluster) {
        if (!cluster.isEmpty() && !clusterNames.contains(cluster)) {
            missing.add(cluster);
        }
    }

    private void cluster(Cluster cluster) {
        String owner = "cluster \"" + cluster.getName() + "\"";
        if (cluster.hasType() && cluster.getType() == Cluster.DiscoveryType.EDS) {
            String service = cluster.getEdsClusterConfig().getServiceName();
            String assignment = service.isEmpty() ? cluster.getName() : service;
            if (!endpointNames.contains(assignment)) {
                errors.add(owner + " takes its endpoints from EDS, but the configuration has no endpoint assignment \""
                        + assignment + "\"");
            }
        }
        if (cluster.hasTransportSocket()) {
            transportSocket(owner, cluster.getTransportSocket(), UPSTREAM_TLS_TYPE);
        }
        cluster.getTransportSocketMatchesList().forEach(m -> {
            if (m.hasTransportSocket()) {
                transportSocket(owner, m.getTransportSocket(), UPSTREAM_TLS_TYPE);
            }
        });
    }

    private void transportSocket(String owner, TransportSocket socket, String expectedType) {
        if (!socket.hasTypedConfig() || !socket.getTypedConfig().getTypeUrl().equals(expectedType)) {
            return;
        }
        @Nullable CommonTlsContext common;
        if (expectedType.equals(DOWNSTREAM_TLS_TYPE)) {
            DownstreamTlsContext tls = unpack(owner, socket.getTypedConfig(), DownstreamTlsContext.class);
            common = tls == null ? null : tls.getCommonTlsContext();
        } else {
            UpstreamTlsContext tls = unpack(owner, socket.getTypedConfig(), UpstreamTlsContext.class);
            common = tls == null ? null : tls.getCommonTlsContext();
        }
        if (common == null) {
            return;
        }
        Set<String> missing = new TreeSet<>();
        common.getTlsCertificateSdsSecretConfigsList().forEach(s -> secretRef(missing, s));
        if (common.hasValidationContextSdsSecretConfig()) {
            secretRef(missing, common.getValidationContextSdsSecretConfig());
        }
        if (common.hasCombinedValidationContext()
                && common.getCombinedValidationContext().hasValidationContextSdsSecretConfig()) {
            secretRef(missing, common.getCombinedValidationContext().getValidationContextSdsSecretConfig());
        }
        missing.forEach(s -> errors.add(owner + " names secret \"" + s
                + "\" (SDS), which is not in the configuration"));
    }

    private void secretRef(Set<String> missing, SdsSecretConfig sds) {
        // A secret from another SDS server is not ours to check; no sds_config means a static (bootstrap) secret
        // to Envoy, but Legate's configurations list every secret they name, so it is checked too.
        boolean ours = !sds.hasSdsConfig() || sds.getSdsConfig().hasAds();
        if (ours && !sds.getName().isEmpty() && !secretNames.contains(sds.getName())) {
            missing.add(sds.getName());
        }
    }

    private <T extends Message> @Nullable T unpack(String owner, Any any, Class<T> type) {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            errors.add(owner + " has an unreadable " + type.getSimpleName() + ": " + e.getMessage());
            return null;
        }
    }

    private static String typeUrl(String fullName) {
        return "type.googleapis.com/" + fullName;
    }
}
