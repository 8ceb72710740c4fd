package dev.legate.xds;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * API-listener views: for each HTTP connection manager that takes its routes over RDS, one more Listener whose
 * {@code api_listener} wraps that connection manager. Proxyless xDS clients (grpc-java, Armeria) read only API
 * listeners; with these views they route by the very route configurations Envoy uses.
 *
 * <p>A view is named {@value #PREFIX} + the route configuration's name (itself {@code <listener>-<chain>}), so its
 * name is stable and says which routes it reads. HTTP filters other than the router are marked optional in the view:
 * a proxyless client cannot run Envoy's CORS, ext_authz or rate-limit filters, and Envoy's rule is that a client
 * skips an optional filter it does not know instead of refusing the whole listener.
 */
public final class ApiListenerViews {

    /** What a view's name starts with. */
    public static final String PREFIX = "api-";

    private static final String HCM = "envoy.filters.network.http_connection_manager";
    private static final String ROUTER = "envoy.filters.http.router";

    private ApiListenerViews() {
    }

    /** The name of the view of the connection manager that reads {@code routeConfigName}. */
    public static String nameFor(String routeConfigName) {
        return PREFIX + requireNonNull(routeConfigName, "routeConfigName");
    }

    /**
     * {@code listeners} followed by one view per distinct RDS route configuration they name (sorted by name). Views
     * are not made of API listeners, of connection managers with inline routes, or where a listener of the same name
     * already exists.
     */
    public static List<Listener> with(List<Listener> listeners) {
        requireNonNull(listeners, "listeners");
        Map<String, Listener> views = new TreeMap<>();
        Set<String> taken = new HashSet<>();
        listeners.forEach(l -> taken.add(l.getName()));
        for (Listener listener : listeners) {
            for (FilterChain chain : chains(listener)) {
                for (Filter filter : chain.getFiltersList()) {
                    if (!filter.getName().equals(HCM) || !filter.hasTypedConfig()
                            || !filter.getTypedConfig().is(HttpConnectionManager.class)) {
                        continue;
                    }
                    HttpConnectionManager hcm = unpack(filter.getTypedConfig());
                    if (hcm == null || !hcm.hasRds()) {
                        continue;
                    }
                    String name = nameFor(hcm.getRds().getRouteConfigName());
                    if (!taken.contains(name)) {
                        views.putIfAbsent(name, view(name, hcm));
                    }
                }
            }
        }
        List<Listener> all = new ArrayList<>(listeners);
        all.addAll(views.values());
        return all;
    }

    /**
     * The endpoint assignments with a weight of 1 on every locality that has none. grpc-java's xDS client ignores
     * localities without a weight (so a proxyless gRPC client would find no endpoint); Envoy ignores locality
     * weights unless locality-weighted balancing is configured, so this changes nothing for Envoy.
     */
    public static List<ClusterLoadAssignment> withLocalityWeights(List<ClusterLoadAssignment> assignments) {
        requireNonNull(assignments, "assignments");
        List<ClusterLoadAssignment> out = new ArrayList<>(assignments.size());
        for (ClusterLoadAssignment cla : assignments) {
            if (cla.getEndpointsList().stream().allMatch(LocalityLbEndpoints::hasLoadBalancingWeight)) {
                out.add(cla);
                continue;
            }
            ClusterLoadAssignment.Builder b = cla.toBuilder();
            for (LocalityLbEndpoints.Builder locality : b.getEndpointsBuilderList()) {
                if (!locality.hasLoadBalancingWeight()) {
                    locality.setLoadBalancingWeight(UInt32Value.of(1));
                }
            }
            out.add(b.build());
        }
        return out;
    }

    private static List<FilterChain> chains(Listener listener) {
        if (listener.hasApiListener()) {
            return List.of();
        }
        Map<String, FilterChain> chains = new LinkedHashMap<>();
        int unnamed = 0;
        for (FilterChain c : listener.getFilterChainsList()) {
            chains.put(c.getName().isEmpty() ? "#" + unnamed++ : c.getName(), c);
        }
        if (listener.hasDefaultFilterChain()) {
            chains.put("#default", listener.getDefaultFilterChain());
        }
        return List.copyOf(chains.values());
    }

    private static Listener view(String name, HttpConnectionManager hcm) {
        HttpConnectionManager.Builder b = hcm.toBuilder().clearHttpFilters();
        for (HttpFilter f : hcm.getHttpFiltersList()) {
            b.addHttpFilters(f.getName().equals(ROUTER) ? f : f.toBuilder().setIsOptional(true).build());
        }
        return Listener.newBuilder().setName(name)
                .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(b.build()))).build();
    }

    private static @Nullable HttpConnectionManager unpack(Any any) {
        try {
            return any.unpack(HttpConnectionManager.class);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }
}
