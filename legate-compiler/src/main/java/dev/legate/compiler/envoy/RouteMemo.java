package dev.legate.compiler.envoy;

import dev.legate.compiler.Diagnostic;
import dev.legate.compiler.ir.IrListener.IrBoundRoute;
import dev.legate.compiler.ir.IrRoute;
import dev.legate.compiler.ir.IrServices;
import dev.legate.compiler.ir.IrSettings;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The virtual hosts and route configurations one compile made, kept for the next, so that an edit costs what it
 * changes rather than a walk over every route. At 10,000 Mappings an edit changes one of the 40,000 segments of a
 * large virtual host (a segment: one mapping group's routes bound to one Host, handed back by the IR builder as the
 * very same instance while neither changes; see {@code RouteSegments}).
 *
 * <p>What is kept, all of it also held by the compile's output, so that the memo adds little of its own: each virtual
 * host's segments (the IR's own list), where each segment's routes end in the {@link VirtualHost} message, the
 * message itself, and, for the rare segments with a route left out, what each route became; each route configuration
 * with the virtual hosts it was made of and its constraint violations. A virtual host whose segments are the same
 * instances as last time is the same message; one that changed is made again from last time's routes for the segments
 * it still has and new routes for the others; a route configuration made of the same virtual host messages is the same
 * message, not checked again. Equal messages (and the same instances) let the xDS server and the snapshot writer reuse
 * the bytes they made of them.
 *
 * <p>A route's translation reads its {@link IrRoute}, the variant it is bound with, the {@link IrSettings} and the
 * {@link IrServices} (auth and rate limits), nothing else ({@link RouteTranslator} must keep it so); whether it is
 * kept also reads the set of valid clusters. A memo made with other settings, services or valid clusters is not used.
 * The output of a compile never depends on the memo: {@code IncrementalCompileTest} compares compiles with and without
 * one.
 *
 * <p>When the IR was rebuilt (a Module or Host changed), segments are new instances: their routes are then looked up
 * by value among last time's, once a compile has met many new routes (hashing a deep record costs more than
 * translating saves for a few).
 *
 * <p>Immutable once made (the index by value is built at most once, on demand); a compile reads the previous memo and
 * makes the next ({@link Generation}).
 */
final class RouteMemo {

    static final RouteMemo EMPTY = new RouteMemo(null, Map.of(), Map.of());

    /**
     * New routes a compile meets before it looks routes up by value as well: at least this many, and at least one in
     * 64 of the routes the previous compile made (indexing them all by value costs more than translating a few new
     * ones, as after an edit of a file of many Mappings).
     */
    static final int MISSES_BEFORE_VALUE_LOOKUP = 64;

    /** What a route's translation reads besides the route, and what decides whether it is kept. */
    private record Context(IrSettings settings, IrServices services, Set<String> validClusters) {
    }

    /** The slot of a bound route's variant among its route's {@link Slots}. */
    static int slot(IrBoundRoute bound) {
        return bound.xfp().ordinal() * 2 + bound.action().ordinal();
    }

    /** What each variant of one IR route became: a checked route, or why it was left out. */
    static final class Slots {
        static final int COUNT = 6;
        final @Nullable Route[] routes = new Route[COUNT];
        final @Nullable String[] failures = new String[COUNT];

        Slots copy() {
            Slots copy = new Slots();
            System.arraycopy(routes, 0, copy.routes, 0, COUNT);
            System.arraycopy(failures, 0, copy.failures, 0, COUNT);
            return copy;
        }
    }

    /**
     * What a segment whose routes were not all kept became: per bound route, its {@link Route}, the
     * {@link Diagnostic} saying why it was left out, or null (its cluster was left out); and those diagnostics.
     */
    record Irregular(@Nullable Object[] results, List<Diagnostic> diagnostics) {
        Irregular {
            diagnostics = List.copyOf(diagnostics);
        }
    }

    /**
     * A virtual host as made: its name, domain and segments, where segment {@code i}'s routes end among the message's
     * ({@code ends[i]}; a segment's routes are all its bound routes in order unless it is {@code irregular}), the
     * diagnostics its segments reported, and the message.
     */
    record VirtualHostMade(String name, String domain, List<List<IrBoundRoute>> segments, int[] ends,
            Map<Integer, Irregular> irregular, List<Diagnostic> diagnostics, VirtualHost message) {
        VirtualHostMade {
            irregular = Map.copyOf(irregular);
            diagnostics = List.copyOf(diagnostics);
        }

        int start(int segment) {
            return segment == 0 ? 0 : ends[segment - 1];
        }
    }

    /** A route configuration as made: its virtual host messages, itself, its shell's constraint violations. */
    record RouteConfigurationMade(List<VirtualHost> virtualHosts, RouteConfiguration message,
            List<String> violations) {
        RouteConfigurationMade {
            violations = List.copyOf(violations);
        }
    }

    private final @Nullable Context context;
    /** By route configuration name and virtual host name. */
    private final Map<String, VirtualHostMade> virtualHosts;
    /** By name. */
    private final Map<String, RouteConfigurationMade> routeConfigurations;
    /** What each route became by equality of the IR route, made when first needed. */
    private volatile @Nullable Map<IrRoute, Slots> byValue;

    /** The routes of its virtual hosts. */
    private final long routeCount;

    private RouteMemo(@Nullable Context context, Map<String, VirtualHostMade> virtualHosts,
            Map<String, RouteConfigurationMade> routeConfigurations) {
        long routes = 0;
        for (VirtualHostMade v : virtualHosts.values()) {
            routes += v.message().getRoutesCount();
        }
        this.routeCount = routes;
        this.context = context;
        this.virtualHosts = virtualHosts;
        this.routeConfigurations = routeConfigurations;
    }

    private Map<IrRoute, Slots> byValue() {
        Map<IrRoute, Slots> index = byValue;
        if (index == null) {
            index = new HashMap<>();
            for (VirtualHostMade made : virtualHosts.values()) {
                List<Route> routes = made.message().getRoutesList();
                for (int i = 0; i < made.segments().size(); i++) {
                    List<IrBoundRoute> segment = made.segments().get(i);
                    Irregular irregular = made.irregular().get(i);
                    int start = made.start(i);
                    for (int k = 0; k < segment.size(); k++) {
                        IrBoundRoute bound = segment.get(k);
                        Object result = irregular == null ? routes.get(start + k) : irregular.results()[k];
                        if (result == null) {
                            continue;
                        }
                        Slots slots = index.computeIfAbsent(bound.route(), r -> new Slots());
                        if (result instanceof Route route) {
                            slots.routes[slot(bound)] = route;
                        } else {
                            slots.failures[slot(bound)] = ((Diagnostic) result).message();
                        }
                    }
                }
            }
            byValue = index;
        }
        return index;
    }

    static String virtualHostKey(String routeConfiguration, String virtualHost) {
        return routeConfiguration + " " + virtualHost;
    }

    /** A compile's view: what the previous compile made (if made in the same context), and what this one makes. */
    Generation next(IrSettings settings, IrServices services, Set<String> validClusters) {
        Context now = new Context(settings, services, Set.copyOf(validClusters));
        return new Generation(now, now.equals(context) ? this : EMPTY);
    }

    /** The memo of one compile in the making. Not thread-safe: one compile, one thread. */
    static final class Generation {
        private final Context context;
        private final RouteMemo previous;
        private final Map<String, VirtualHostMade> virtualHosts = new HashMap<>();
        private final Map<String, RouteConfigurationMade> routeConfigurations = new HashMap<>();
        private int misses;

        private Generation(Context context, RouteMemo previous) {
            this.context = context;
            this.previous = previous;
        }

        /**
         * What a translation reads besides the IR: settings and services (compared by value), and which clusters are
         * valid.
         */
        Object translationContext() {
            return context;
        }

        /** The slots of an IR route met for the first time in this compile: the previous compile's, or empty ones. */
        Slots slots(IrRoute route) {
            Slots before = null;
            if (previous != EMPTY && ++misses > Math.max(MISSES_BEFORE_VALUE_LOOKUP, previous.routeCount / 64)) {
                before = previous.byValue().get(route);
            }
            return before == null ? new Slots() : before.copy();
        }

        @Nullable VirtualHostMade previousVirtualHost(String key) {
            return previous.virtualHosts.get(key);
        }

        void virtualHost(String key, VirtualHostMade made) {
            virtualHosts.put(key, made);
        }

        @Nullable RouteConfigurationMade previousRouteConfiguration(String name) {
            return previous.routeConfigurations.get(name);
        }

        void routeConfiguration(String name, RouteConfigurationMade made) {
            routeConfigurations.put(name, made);
        }

        /** The memo for the next compile. */
        RouteMemo done() {
            return new RouteMemo(context, virtualHosts, routeConfigurations);
        }
    }
}
