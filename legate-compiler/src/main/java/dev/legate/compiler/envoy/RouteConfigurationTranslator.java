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
        int suffix = 0;
        while (suffix < n - prefix && suffix < m - prefix
                && segments.get(n - 1 - suffix) == old.get(m - 1 - suffix)) {
            suffix++;
        }
        Map<List<IrBoundRoute>, Integer> oldMiddle = new IdentityHashMap<>();
        for (int j = prefix; j < m - suffix; j++) {
            oldMiddle.putIfAbsent(old.get(j), j);
        }
        List<Route> oldRoutes = before == null ? List.of() : before.message().getRoutesList();
        List<Route> kept = new ArrayList<>(oldRoutes.size() + 16);
        int[] ends = new int[n];
        Map<Integer, RouteMemo.Irregular> irregular = new HashMap<>();
        List<Diagnostic> reported = new ArrayList<>();
        // The unchanged segments before and after the change: last time's routes, copied in one go each.
        if (prefix > 0) {
            kept.addAll(oldRoutes.subList(0, before.start(prefix)));
            System.arraycopy(before.ends(), 0, ends, 0, prefix);
            keepIrregular(before, 0, prefix, 0, irregular, reported);
        }
        for (int i = prefix; i < n - suffix; i++) {
            Integer j = oldMiddle.get(segments.get(i));
            if (j != null) {
                kept.addAll(oldRoutes.subList(before.start(j), before.ends()[j]));
                keepIrregular(before, j, j + 1, i - j, irregular, reported);
            } else {
                SegmentMade made = madeNow.computeIfAbsent(segments.get(i), this::segment);
                kept.addAll(made.routes());
                if (made.irregular() != null) {
                    irregular.put(i, made.irregular());
                    reported.addAll(made.irregular().diagnostics());
                }
            }
            ends[i] = kept.size();
        }
        if (suffix > 0) {
            int from = m - suffix;
            int shift = kept.size() - before.start(from);
            kept.addAll(oldRoutes.subList(before.start(from), before.start(m)));
            for (int k = 0; k < suffix; k++) {
                ends[n - suffix + k] = before.ends()[from + k] + shift;
            }
            keepIrregular(before, from, m, (n - suffix) - from, irregular, reported);
        }
        VirtualHost message = VirtualHost.newBuilder().setName(v.name()).addDomains(v.domain()).addAllRoutes(kept)
                .build();
        RouteMemo.VirtualHostMade now = new RouteMemo.VirtualHostMade(v.name(), v.domain(), segments, ends,
                irregular, reported, message);
        memo.virtualHost(key, now);
        diagnostics.addAll(now.diagnostics());
        return message;
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
