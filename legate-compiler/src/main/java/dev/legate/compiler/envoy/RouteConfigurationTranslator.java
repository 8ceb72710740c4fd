package dev.legate.compiler.envoy;

import dev.legate.compiler.Diagnostic;
import dev.legate.compiler.ir.IrListener;
import dev.legate.compiler.ir.IrListener.IrBoundRoute;
import dev.legate.compiler.ir.IrListener.IrVirtualHost;
import dev.legate.compiler.ir.IrRoute;
import dev.legate.compiler.ir.IrRouteAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * IR virtual hosts to route configurations, reusing what the previous compile made of the same segments (see
 * {@link RouteMemo}): a virtual host changes by the segments that changed, a route configuration of unchanged virtual
 * hosts is the same message. Routes whose cluster was left out are left out; routes that cannot be translated are left
 * out with a diagnostic on their Mapping. Not thread-safe: one compile.
 */
final class RouteConfigurationTranslator {

    /** How far ahead among the old segments a segment is looked for (segments removed before it). */
    private static final int LOOK_AHEAD = 8;

    /** A route configuration and the constraint violations of everything in it but its routes. */
    record Made(RouteConfiguration routeConfiguration, List<String> violations) {
    }

    private final RouteTranslator routes;
    private final ClusterCheck clusters;
    private final RouteMemo.Generation memo;
    private final List<Diagnostic> diagnostics;
    /** Checks a route configuration without its routes (which were checked one by one). */
    private final Function<RouteConfiguration, List<String>> shellCheck;
    /** What this compile made of each segment it had to make (a segment may serve several virtual hosts). */
    private final Map<List<IrBoundRoute>, SegmentMade> madeNow = new IdentityHashMap<>();

    RouteConfigurationTranslator(RouteTranslator routes, Set<String> validClusters, RouteMemo.Generation memo,
            List<Diagnostic> diagnostics, Function<RouteConfiguration, List<String>> shellCheck) {
        this.routes = routes;
        this.clusters = new ClusterCheck(validClusters);
        this.memo = memo;
        this.diagnostics = diagnostics;
        this.shellCheck = shellCheck;
    }

    /** One segment made now: its kept routes and, when not all were kept, what each became. */
    private record SegmentMade(List<Route> routes, RouteMemo.@Nullable Irregular irregular) {
    }

    Made translate(String name, List<IrVirtualHost> virtualHosts) {
        List<VirtualHost> made = new ArrayList<>(virtualHosts.size());
        for (IrVirtualHost v : virtualHosts) {
            made.add(virtualHost(name, v));
        }
        RouteMemo.RouteConfigurationMade before = memo.previousRouteConfiguration(name);
        RouteMemo.RouteConfigurationMade now;
        if (before != null && before.message().getName().equals(name) && sameInstances(before.virtualHosts(), made)) {
            now = before;
        } else {
            RouteConfiguration rc = RouteConfiguration.newBuilder().setName(name).addAllVirtualHosts(made).build();
            RouteConfiguration.Builder shell = RouteConfiguration.newBuilder().setName(name);
            for (VirtualHost vh : made) {
                shell.addVirtualHosts(vh.toBuilder().clearRoutes());
            }
            now = new RouteMemo.RouteConfigurationMade(made, rc, shellCheck.apply(shell.build()));
        }
        memo.routeConfiguration(name, now);
        return new Made(now.message(), now.violations());
    }

    private VirtualHost virtualHost(String routeConfiguration, IrVirtualHost v) {
        String key = RouteMemo.virtualHostKey(routeConfiguration, v.name());
        List<List<IrBoundRoute>> segments = v.segments();
        RouteMemo.VirtualHostMade before = memo.previousVirtualHost(key);
        if (before != null && (!before.name().equals(v.name()) || !before.domain().equals(v.domain()))) {
            before = null;
        }
        List<List<IrBoundRoute>> old = before == null ? List.of() : before.segments();
        int n = segments.size();
        int m = old.size();
        int prefix = 0;
        while (prefix < n && prefix < m && segments.get(prefix) == old.get(prefix)) {
            prefix++;
        }
        if (before != null && prefix == n && n == m) {
            memo.virtualHost(key, before);
            diagnostics.addAll(before.diagnostics());
            return before.message();
        }
        // Walk the new segments along the old ones: runs of the same instances take last time's routes in one go;
        // a segment that is not next in line is looked for a few places ahead (segments removed before it), else it
        // is new (inserted before the next old one, or in place of it) and translated. Segments keep their relative
        // order from build to build (groups are ordered by weight, then input position, both fixed for an unchanged
        // group). Whatever the alignment, a segment's routes are taken from last time only for the same instance.
        // Routes gathered in a list of the right size first: added to the builder piece by piece, its list would grow
        // (and be copied) several times over at a hundred thousand routes.
        List<Route> vh = new ArrayList<>((before == null ? 0 : before.message().getRoutesCount()) + 64);
        int[] ends = new int[n];
        Map<Integer, RouteMemo.Irregular> irregular = new HashMap<>();
        List<Diagnostic> reported = new ArrayList<>();
        Map<List<IrBoundRoute>, Integer> oldIndex = null;
        int count = 0;
        int i = 0;
        int j = 0;
        while (i < n) {
            List<IrBoundRoute> segment = segments.get(i);
            if (j < m && segment == old.get(j)) {
                int i0 = i;
                int j0 = j;
                while (i < n && j < m && segments.get(i) == old.get(j)) {
                    i++;
                    j++;
                }
                count = keep(before, j0, j, i0, vh, ends, count, irregular, reported);
                continue;
            }
            int ahead = -1;
            for (int k = 1; k <= LOOK_AHEAD && j + k < m; k++) {
                if (old.get(j + k) == segment) {
                    ahead = j + k;
                    break;
                }
            }
            if (ahead >= 0) {
                j = ahead;
                continue;
            }
            // Not among the next old ones: new, inserted before old j if that one comes a little later in the new
            // list, or in place of it if the next ones match. Else (a longer run of old segments went) the old
            // segments are indexed, once, to find where this one was.
            boolean inserted = j >= m;
            for (int k = 1; k <= LOOK_AHEAD && !inserted && i + k < n; k++) {
                inserted = segments.get(i + k) == old.get(j);
            }
            if (!inserted) {
                boolean replaces = i + 1 < n && j + 1 < m ? segments.get(i + 1) == old.get(j + 1)
                        : i + 1 == n && j + 1 == m;
                if (replaces) {
                    j++;
                } else {
                    if (oldIndex == null) {
                        oldIndex = new IdentityHashMap<>(m);
                        for (int k = m - 1; k >= 0; k--) {
                            oldIndex.put(old.get(k), k);
                        }
                    }
                    Integer at = oldIndex.get(segment);
                    if (at != null) {
                        j = at;
                        continue;
                    }
                }
            }
            SegmentMade made = madeNow.computeIfAbsent(segment, this::segment);
            vh.addAll(made.routes());
            count += made.routes().size();
            if (made.irregular() != null) {
                irregular.put(i, made.irregular());
                reported.addAll(made.irregular().diagnostics());
            }
            ends[i] = count;
            i++;
        }
        VirtualHost message = VirtualHost.newBuilder().setName(v.name()).addDomains(v.domain()).addAllRoutes(vh)
                .build();
        RouteMemo.VirtualHostMade now = new RouteMemo.VirtualHostMade(v.name(), v.domain(), segments, ends,
                irregular, reported, message);
        memo.virtualHost(key, now);
        diagnostics.addAll(now.diagnostics());
        return message;
    }

    /**
     * Adds the routes of {@code before}'s segments {@code from..to} (the same instances as the new segments from
     * {@code at}) to {@code vh}, and where each ends; returns the number of routes added so far.
     */
    private static int keep(RouteMemo.VirtualHostMade before, int from, int to, int at, List<Route> vh,
            int[] ends, int count, Map<Integer, RouteMemo.Irregular> irregular, List<Diagnostic> reported) {
        int start = before.start(from);
        vh.addAll(before.message().getRoutesList().subList(start, before.start(to)));
        for (int k = from; k < to; k++) {
            ends[at + k - from] = before.ends()[k] - start + count;
        }
        keepIrregular(before, from, to, at - from, irregular, reported);
        return count + before.start(to) - start;
    }

    /** Carries the irregular segments {@code from..to} of {@code before} over, at their index plus {@code shift}. */
    private static void keepIrregular(RouteMemo.VirtualHostMade before, int from, int to, int shift,
            Map<Integer, RouteMemo.Irregular> irregular, List<Diagnostic> reported) {
        if (before.irregular().isEmpty()) {
            return;
        }
        before.irregular().forEach((j, ir) -> {
            if (j >= from && j < to) {
                irregular.put(j + shift, ir);
                reported.addAll(ir.diagnostics());
            }
        });
    }

    /** A segment's routes, translated now (each IR route once per compile: see {@link RouteTranslator}). */
    private SegmentMade segment(List<IrBoundRoute> segment) {
        List<Route> kept = new ArrayList<>(segment.size());
        Object[] results = new Object[segment.size()];
        List<Diagnostic> failures = new ArrayList<>();
        boolean regular = true;
        for (int k = 0; k < segment.size(); k++) {
            IrBoundRoute bound = segment.get(k);
            if (bound.action() == IrListener.Variant.ROUTE && !clusters.valid(bound.route())) {
                regular = false;
                continue;
            }
            Object result = routes.translate(bound);
            results[k] = result;
            if (result instanceof Route route) {
                kept.add(route);
            } else {
                regular = false;
                failures.add((Diagnostic) result);
            }
        }
        return new SegmentMade(List.copyOf(kept), regular ? null : new RouteMemo.Irregular(results, failures));
    }

    private static <T> boolean sameInstances(List<T> a, List<T> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a route's clusters (and its mirror's) are among the valid ones. The variants of one IR route are bound
     * next to each other, so the last answer is kept.
     */
    private static final class ClusterCheck {
        private final Set<String> validClusters;
        private @Nullable IrRoute last;
        private boolean lastValid;

        ClusterCheck(Set<String> validClusters) {
            this.validClusters = validClusters;
        }

        boolean valid(IrRoute route) {
            if (route != last) {
                last = route;
                lastValid = !(route.action() instanceof IrRouteAction.Forward f)
                        || (validClusters.contains(f.cluster())
                        && (f.mirror() == null || validClusters.contains(f.mirror().cluster())));
            }
            return lastValid;
        }
    }
}
