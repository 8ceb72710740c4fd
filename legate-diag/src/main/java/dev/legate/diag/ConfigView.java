package dev.legate.diag;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.CompileResult;
import dev.legate.compiler.Diagnostic;
import dev.legate.compiler.ir.Ir;
import dev.legate.compiler.ir.IrCluster;
import dev.legate.compiler.ir.IrHost;
import dev.legate.compiler.ir.IrListener;
import dev.legate.compiler.ir.IrMatcher;
import dev.legate.compiler.ir.IrRoute;
import dev.legate.compiler.ir.IrRouteAction;
import dev.legate.compiler.ir.IrTlsContext;
import dev.legate.diag.Rows.Admission;
import dev.legate.diag.Rows.ClusterRow;
import dev.legate.diag.Rows.FilterChainRow;
import dev.legate.diag.Rows.HostRow;
import dev.legate.diag.Rows.ListenerRow;
import dev.legate.diag.Rows.Problem;
import dev.legate.diag.Rows.RouteRow;
import dev.legate.diag.Rows.SourceRow;
import dev.legate.diag.Rows.State;
import dev.legate.diag.Rows.Target;
import dev.legate.diag.Rows.TlsContextRow;
import dev.legate.diag.Rows.VirtualHostRow;
import dev.legate.model.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The tables of one served configuration, built once when it is first looked at and then only read: every page
 * request filters and slices these lists instead of walking the IR again (at 10,000 Mappings the route table has
 * about 100,000 rows). Immutable and thread-safe.
 */
final class ConfigView {

    private static final Comparator<SourceRow> SOURCE_ORDER = Comparator.comparing(SourceRow::state)
            .thenComparing(SourceRow::key);

    final ServedConfiguration served;
    final List<SourceRow> sources;
    final List<RouteRow> routes;
    final List<ClusterRow> clusters;
    final List<ListenerRow> listeners;
    final List<HostRow> hosts;
    final List<TlsContextRow> tlsContexts;
    /**
     * Lower-cased text of each row, for searching; same order as the lists. Made on the first search: at 10,000
     * Mappings the route texts are some 30 MB of strings that a plain page view does not need.
     */
    private final Lazy<List<String>> sourceText;
    private final Lazy<List<String>> routeText;
    private final Lazy<List<String>> clusterText;
    /** The routes each source made, for its page. Made on the first resource page. */
    private final Lazy<Map<String, List<RouteRow>>> routesBySource;
    final Map<String, Integer> resourcesByKind;
    final Map<String, Long> diagnosticsBySeverity;
    private final Map<String, SourceRow> sourcesByKey;
    private final Map<String, Resource<?>> resourcesByKey;

    private ConfigView(ServedConfiguration served) {
        this.served = served;
        CompileResult result = served.result();
        Ir ir = result.ir();

        Map<String, List<Diagnostic>> problems = new TreeMap<>();
        for (Diagnostic d : result.diagnostics()) {
            problems.computeIfAbsent(d.source(), k -> new ArrayList<>()).add(d);
        }
        Map<String, Resource<?>> resources = new HashMap<>();
        List<SourceRow> sourceRows = new ArrayList<>();
        for (Resource<?> r : result.resources()) {
            String key = r.key().toString();
            resources.put(key, r);
            sourceRows.add(new SourceRow(key, r.key().kind(), r.name(), r.namespace(), r.location().toString(),
                    state(problems.getOrDefault(key, List.of())), Admission.ACCEPTED,
                    problems(problems.getOrDefault(key, List.of()))));
        }
        for (Map.Entry<String, List<Diagnostic>> e : problems.entrySet()) {
            if (!resources.containsKey(e.getKey())) {
                sourceRows.add(rejected(e.getKey(), e.getValue()));
            }
        }
        sourceRows.sort(SOURCE_ORDER);
        this.sources = List.copyOf(sourceRows);
        this.resourcesByKey = Map.copyOf(resources);
        Map<String, SourceRow> byKey = new HashMap<>();
        sources.forEach(s -> byKey.put(s.key(), s));
        this.sourcesByKey = Map.copyOf(byKey);

        this.routes = routeRows(ir);
        this.clusters = ir.clusters().stream().map(ConfigView::clusterRow)
                .sorted(Comparator.comparing(ClusterRow::name)).toList();
        this.listeners = ir.listeners().stream().map(ConfigView::listenerRow).toList();
        this.hosts = ir.hosts().stream().map(ConfigView::hostRow)
                .sorted(Comparator.comparing(HostRow::namespace).thenComparing(HostRow::name)).toList();
        this.tlsContexts = ir.tlsContexts().stream().map(ConfigView::tlsRow)
                .sorted(Comparator.comparing(TlsContextRow::namespace).thenComparing(TlsContextRow::name)).toList();

        this.sourceText = new Lazy<>(() -> sources.stream().map(s -> lower(s.key() + " " + s.location() + " "
                + s.state() + " " + s.problems().stream().map(Problem::message).toList())).toList());
        this.routeText = new Lazy<>(() -> routes.stream().map(ConfigView::searchText).toList());
        this.routesBySource = new Lazy<>(() -> {
            Map<String, List<RouteRow>> index = new HashMap<>();
            for (RouteRow r : routes) {
                for (String source : r.sources()) {
                    index.computeIfAbsent(source, k -> new ArrayList<>()).add(r);
                }
            }
            return index;
        });
        this.clusterText = new Lazy<>(() -> clusters.stream().map(c -> lower(c.name() + " " + c.endpoint() + " "
                + c.sources())).toList());

        Map<String, Integer> byKind = new TreeMap<>();
        result.resources().forEach(r -> byKind.merge(r.key().kind(), 1, Integer::sum));
        this.resourcesByKind = Map.copyOf(byKind);
        Map<String, Long> bySeverity = new LinkedHashMap<>();
        for (Diagnostic.Severity s : Diagnostic.Severity.values()) {
            bySeverity.put(s.jsonName(), result.diagnostics().stream().filter(d -> d.severity() == s).count());
        }
        this.diagnosticsBySeverity = java.util.Collections.unmodifiableMap(bySeverity);
    }

    /** Makes the search texts and the per-source index now rather than on first use. */
    void prepareSearch() {
        sourceText.get();
        routeText.get();
        clusterText.get();
        routesBySource.get();
    }

    /** The routes {@code source} made, in route-table order. */
    List<RouteRow> routesMadeBy(String source) {
        return routesBySource.get().getOrDefault(source, List.of());
    }

    Page<SourceRow> sources(String query, int page, int size) {
        return Page.of(sources, query.isBlank() ? List.of() : sourceText.get(), query, page, size);
    }

    Page<RouteRow> routes(String query, int page, int size) {
        return Page.of(routes, query.isBlank() ? List.of() : routeText.get(), query, page, size);
    }

    Page<ClusterRow> clusters(String query, int page, int size) {
        return Page.of(clusters, query.isBlank() ? List.of() : clusterText.get(), query, page, size);
    }

    /** A value made once, on first use, by whichever thread asks first. */
    private static final class Lazy<T> {
        private final java.util.function.Supplier<T> make;
        private volatile @Nullable T value;

        Lazy(java.util.function.Supplier<T> make) {
            this.make = make;
        }

        T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = make.get();
                        value = v;
                    }
                }
            }
            return v;
        }
    }

    static ConfigView of(ServedConfiguration served) {
        return new ConfigView(requireNonNull(served, "served"));
    }

    @Nullable SourceRow source(String key) {
        return sourcesByKey.get(key);
    }

    @Nullable Resource<?> resource(String key) {
        return resourcesByKey.get(key);
    }

    static SourceRow rejected(String key, List<Diagnostic> diagnostics) {
        String kind;
        String name;
        String namespace;
        int slash = key.indexOf('/');
        if (key.startsWith("file:") || slash < 0) {
            kind = "file";
            name = key.startsWith("file:") ? key.substring(5) : key;
            namespace = "";
        } else {
            kind = key.substring(0, slash);
            String rest = key.substring(slash + 1);
            int dot = rest.lastIndexOf('.');
            name = dot < 0 ? rest : rest.substring(0, dot);
            namespace = dot < 0 ? "" : rest.substring(dot + 1);
        }
        return new SourceRow(key, kind, name, namespace, "", state(diagnostics), Admission.REJECTED,
                problems(diagnostics));
    }

    private static State state(List<Diagnostic> diagnostics) {
        State worst = State.OK;
        for (Diagnostic d : diagnostics) {
            State s = switch (d.severity()) {
                case ERROR -> State.ERROR;
                case WARNING -> State.WARNING;
                case NOTICE -> State.NOTICE;
            };
            if (s.compareTo(worst) < 0) {
                worst = s;
            }
        }
        return worst;
    }

    private static List<Problem> problems(List<Diagnostic> diagnostics) {
        return diagnostics.stream().map(d -> new Problem(d.severity().jsonName(), d.message())).toList();
    }

    private static List<RouteRow> routeRows(Ir ir) {
        List<RouteRow> rows = new ArrayList<>();
        for (IrListener listener : ir.listeners()) {
            for (IrListener.IrFilterChain chain : listener.filterChains()) {
                for (IrListener.IrVirtualHost vhost : chain.virtualHosts()) {
                    // A canary group's routes are interleaved with their x-forwarded-proto variants: collect them by
                    // match, in the order each match first appears.
                    List<RouteBuilder> ordered = new ArrayList<>(vhost.routes().size());
                    Map<GroupKey, RouteBuilder> open = new HashMap<>();
                    for (IrListener.IrBoundRoute bound : vhost.routes()) {
                        int weight = bound.route().match().weight();
                        if (open.isEmpty() && (weight <= 0 || weight >= 100)) {
                            // No canary group is waiting for its next member and this route is a whole group by
                            // itself (the usual case): no need to key it.
                            ordered.add(new RouteBuilder(listener, chain, vhost, bound));
                            continue;
                        }
                        GroupKey key = GroupKey.of(bound);
                        RouteBuilder builder = key == null ? null : open.get(key);
                        if (builder != null && builder.accepts(bound)) {
                            builder.add(bound);
                            if (builder.complete()) {
                                open.remove(key);
                            }
                            continue;
                        }
                        builder = new RouteBuilder(listener, chain, vhost, bound);
                        ordered.add(builder);
                        if (key != null && !builder.complete()) {
                            open.put(key, builder);
                        }
                    }
                    ordered.forEach(r -> rows.add(r.build()));
                }
            }
        }
        return List.copyOf(rows);
    }

    /**
     * What makes routes one canary group on a virtual host: the same match and variant, forwarding. Null for routes
     * that are never grouped (redirects).
     */
    private record GroupKey(IrListener.Xfp xfp, IrRoute.PathKind pathKind, String path, boolean caseSensitive,
            List<IrMatcher> headers, List<IrMatcher> queryParameters) {

        static @Nullable GroupKey of(IrListener.IrBoundRoute bound) {
            if (bound.action() != IrListener.Variant.ROUTE
                    || !(bound.route().action() instanceof IrRouteAction.Forward)) {
                return null;
            }
            IrRoute.IrRouteMatch m = bound.route().match();
            return new GroupKey(bound.xfp(), m.pathKind(), m.path(), m.caseSensitive(), m.headers(),
                    m.queryParameters());
        }
    }

    /** Collects the routes of one canary group (consecutive, same match, cumulative weights) into one row. */
    private static final class RouteBuilder {
        private final IrListener listener;
        private final IrListener.IrFilterChain chain;
        private final IrListener.IrVirtualHost vhost;
        private final IrListener.IrBoundRoute first;
        private final List<Target> targets = new ArrayList<>();
        private final List<String> sources = new ArrayList<>();
        private int cumulative;

        RouteBuilder(IrListener listener, IrListener.IrFilterChain chain, IrListener.IrVirtualHost vhost,
                IrListener.IrBoundRoute first) {
            this.listener = listener;
            this.chain = chain;
            this.vhost = vhost;
            this.first = first;
            add(first);
        }

        /** Whether the group's weights have reached 100: no further route joins it. */
        boolean complete() {
            return cumulative >= 100;
        }

        /** Whether {@code next} is the group's next canary: its cumulative weight goes on from here. */
        boolean accepts(IrListener.IrBoundRoute next) {
            return cumulative < 100 && next.route().match().weight() > cumulative;
        }

        void add(IrListener.IrBoundRoute bound) {
            IrRoute route = bound.route();
            String source = route.provenance().primary();
            if (!sources.contains(source)) {
                sources.add(source);
            }
            if (bound.action() == IrListener.Variant.ROUTE
                    && route.action() instanceof IrRouteAction.Forward forward) {
                int weight = route.match().weight() <= 0 ? 100 : route.match().weight();
                targets.add(new Target(forward.cluster(), Math.max(0, weight - cumulative)));
                cumulative = Math.max(cumulative, weight);
            }
        }

        RouteRow build() {
            IrRoute route = first.route();
            IrRoute.IrRouteMatch match = route.match();
            String method = null;
            List<String> headers = new ArrayList<>();
            for (IrMatcher h : match.headers()) {
                if (h.name().equals(":method")) {
                    method = h.regex() ? "~ " + h.value() : h.value();
                } else {
                    headers.add(condition(h));
                }
            }
            List<String> query = match.queryParameters().stream().map(ConfigView::condition).toList();
            String redirect = null;
            if (first.action() == IrListener.Variant.REDIRECT) {
                redirect = "https://" + vhost.domain() + " (insecure request redirected to HTTPS)";
            } else if (route.action() instanceof IrRouteAction.Redirect r) {
                redirect = r.responseCode() + " to " + r.host()
                        + (r.pathRedirect() != null ? r.pathRedirect() : "")
                        + (r.prefixRewrite() != null ? " (prefix " + r.prefixRewrite() + ")" : "");
            }
            String pathMatch = switch (match.pathKind()) {
                case PREFIX -> "prefix";
                case PATH -> "exact";
                case REGEX -> "regex";
            };
            return new RouteRow(listener.name(), listener.port(), chain.name(), vhost.name(), vhost.domain(),
                    switch (first.xfp()) {
                        case ALWAYS -> "any";
                        case HTTPS -> "https";
                        case HTTP -> "http";
                    }, pathMatch, match.path(), method, headers, query,
                    redirect == null ? targets : List.of(), redirect, sources);
        }
    }

    private static String condition(IrMatcher m) {
        if (m.value() == null || m.value().isEmpty()) {
            return m.name() + " (present)";
        }
        return m.name() + (m.regex() ? " ~ " : ": ") + m.value();
    }

    private static String searchText(RouteRow r) {
        StringBuilder s = new StringBuilder(128);
        s.append(r.listener()).append(' ').append(r.port()).append(' ').append(r.domain()).append(' ')
                .append(r.path()).append(' ').append(r.xfp());
        if (r.method() != null) {
            s.append(' ').append(r.method());
        }
        r.headers().forEach(h -> s.append(' ').append(h));
        r.queryParameters().forEach(q -> s.append(' ').append(q));
        r.targets().forEach(t -> s.append(' ').append(t.cluster()));
        if (r.redirect() != null) {
            s.append(' ').append(r.redirect());
        }
        r.sources().forEach(src -> s.append(' ').append(src));
        return lower(s.toString());
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static ClusterRow clusterRow(IrCluster c) {
        StringBuilder target = new StringBuilder(c.address() + ":" + c.port());
        // An auth cluster shared by several AuthServices load-balances over their services too.
        c.canaryAddresses().forEach(a -> target.append(", ").append(a.address()).append(':').append(a.port()));
        return new ClusterRow(c.envoyName(), target.toString(), c.dnsType(), c.lbPolicy(),
                c.originateTls() ? "originate" + (c.tlsContextName() != null ? " (" + c.tlsContextName() + ")" : "")
                        : "none", c.connectTimeoutMs(), c.provenance().sources());
    }

    private static ListenerRow listenerRow(IrListener l) {
        List<FilterChainRow> chains = l.filterChains().stream().map(c -> new FilterChainRow(c.name(),
                c.tls() == null ? null : c.tls().name(), c.serverNames(), c.virtualHosts().stream()
                        .map(v -> new VirtualHostRow(v.name(), v.domain(), v.routes().size())).toList())).toList();
        return new ListenerRow(l.name(), l.bindAddress(), l.port(), l.protocolStack(), l.securityModel(), chains,
                l.provenance().sources());
    }

    private static HostRow hostRow(IrHost h) {
        IrTlsContext tls = h.tls();
        return new HostRow(h.name(), h.namespace(), h.hostname(), tls == null ? null : tls.name(),
                tls == null ? null : tls.secret(), h.insecureAction(), h.provenance().sources());
    }

    private static TlsContextRow tlsRow(IrTlsContext t) {
        return new TlsContextRow(t.name(), t.namespace(), t.hosts(), t.secret(), t.caSecret(), t.minTlsVersion(),
                t.maxTlsVersion(), t.alpnProtocols(), t.sni(), t.provenance().sources());
    }

    /** Whether {@code row}'s sources include {@code key}. */
    static boolean madeBy(List<String> sources, String key) {
        return sources.stream().anyMatch(s -> Objects.equals(s, key));
    }
}
