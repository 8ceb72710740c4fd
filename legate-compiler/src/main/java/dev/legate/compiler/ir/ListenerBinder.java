package dev.legate.compiler.ir;

import dev.legate.compiler.Diagnostic;
import dev.legate.compiler.ir.IrListener.IrBoundRoute;
import dev.legate.compiler.ir.IrListener.IrFilterChain;
import dev.legate.compiler.ir.IrListener.IrVirtualHost;
import dev.legate.compiler.ir.IrListener.Variant;
import dev.legate.compiler.ir.IrListener.Xfp;
import dev.legate.model.ListenerSpec;
import dev.legate.model.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Binds Hosts and routes to Listeners as Emissary's v3listener.py does: which Hosts each Listener takes (hostBinding),
 * which filter chain each Host lands in (one cleartext chain shared by all, one TLS chain per SNI), and which route
 * variants each virtual host gets (securityModel and Host.requestPolicy.insecure).
 */
final class ListenerBinder {

    static final Map<String, List<String>> PROTOCOL_STACKS = Map.of(
            "HTTP", List.of("HTTP", "TCP"),
            "HTTPS", List.of("TLS", "HTTP", "TCP"),
            "HTTPPROXY", List.of("PROXY", "HTTP", "TCP"),
            "HTTPSPROXY", List.of("TLS", "PROXY", "HTTP", "TCP"),
            "TCP", List.of("TCP"),
            "TLS", List.of("TLS", "TCP"),
            "UDP", List.of("UDP"));
    static final String BIND_ADDRESS = "0.0.0.0";

    private final IrSettings settings;
    private final List<IrHost> hosts;
    private final List<IrMappingGroup> groups;
    private final List<Diagnostic> diagnostics;
    private final Memo.Generation memo;

    ListenerBinder(IrSettings settings, List<IrHost> hosts, List<IrMappingGroup> groups,
            List<Diagnostic> diagnostics) {
        this(settings, hosts, groups, diagnostics, Memo.EMPTY.next());
    }

    /** As the other constructor, reusing the bindings {@code memo}'s previous build made. */
    ListenerBinder(IrSettings settings, List<IrHost> hosts, List<IrMappingGroup> groups,
            List<Diagnostic> diagnostics, Memo.Generation memo) {
        this.memo = memo;
        this.settings = settings;
        this.hosts = hosts.stream().sorted(Comparator.comparing(IrHost::hostname)).toList();
        this.groups = groups;
        this.diagnostics = diagnostics;
    }

    List<IrListener> bind(List<Resource<ListenerSpec>> listeners) {
        List<IrListener> out = new ArrayList<>();
        Map<String, String> bound = new TreeMap<>();
        for (Resource<ListenerSpec> r : listeners) {
            ListenerSpec spec = r.spec();
            String key = r.key().toString();
            List<String> stack = spec.protocolStack() != null && !spec.protocolStack().isEmpty()
                    ? spec.protocolStack() : PROTOCOL_STACKS.get(spec.protocol());
            String socket = stack.get(stack.size() - 1);
            if (socket.equals("UDP")) {
                diagnostics.add(Diagnostic.warning(key, "UDP (HTTP/3) listeners are not supported yet; this "
                        + "Listener is not used"));
                continue;
            }
            String bindKey = socket.toLowerCase(Locale.ROOT) + "-" + BIND_ADDRESS + "-" + spec.port();
            if (bound.containsKey(bindKey)) {
                diagnostics.add(Diagnostic.error(key, "duplicate Listener on " + socket.toLowerCase(Locale.ROOT)
                        + "://" + BIND_ADDRESS + ":" + spec.port() + "; keeping " + bound.get(bindKey)));
                continue;
            }
            bound.put(bindKey, key);
            if (!stack.contains("HTTP")) {
                continue; // TCP and TLS Listeners carry TCPMappings only: TcpBinder builds them
            }
            IrListener listener = bindOne(r, stack);
            if (listener.filterChains().isEmpty()) {
                diagnostics.add(Diagnostic.error(key, "no Host matches this Listener's hostBinding; the Listener "
                        + "is not used"));
                continue;
            }
            out.add(listener);
        }
        return out;
    }

    /** A chain being filled: the TLS context (null for cleartext), its hosts by hostname, routes by hostname. */
    private static final class Chain {
        final @Nullable IrTlsContext tls;
        final Map<String, IrHost> hosts = new LinkedHashMap<>();
        final Set<String> serverNames = new LinkedHashSet<>();
        /** By hostname: the Host's segments (one mapping group's bound routes each), in group order. */
        final Map<String, List<List<IrBoundRoute>>> routes = new LinkedHashMap<>();

        Chain(@Nullable IrTlsContext tls) {
            this.tls = tls;
        }
    }

    private IrListener bindOne(Resource<ListenerSpec> r, List<String> stack) {
        ListenerSpec spec = r.spec();
        String key = r.key().toString();
        String name = r.name();
        String securityModel = spec.securityModel();
        boolean tlsOk = stack.contains("TLS");
        String from = spec.hostBinding().namespace() == null ? null : spec.hostBinding().namespace().from();
        String namespaceLiteral = from == null || from.equalsIgnoreCase("SELF") ? r.namespace()
                : from.equalsIgnoreCase("ALL") ? "*" : r.namespace();
        if (from != null && from.equalsIgnoreCase("SELECTOR")) {
            diagnostics.add(Diagnostic.warning(key, "hostBinding.namespace.from: SELECTOR is not supported (nor by "
                    + "Emissary); Hosts are taken from the Listener's own namespace"));
        }
        Map<String, String> hostSelector = spec.hostBinding().selector() == null
                || spec.hostBinding().selector().matchLabels() == null ? Map.of()
                : spec.hostBinding().selector().matchLabels();

        Map<String, Chain> chains = new LinkedHashMap<>();
        for (IrHost host : hosts) {
            boolean nsMatch = namespaceLiteral.equals("*") || namespaceLiteral.equals(host.namespace());
            if (!nsMatch || !MappingCompiler.selectorMatches(hostSelector, host.labels())) {
                continue;
            }
            if (tlsOk && host.tls() != null) {
                Chain chain = chains.computeIfAbsent("tls-" + host.sni(), k -> new Chain(host.tls()));
                addHost(chain, host);
            }
            if (!(securityModel.equals("INSECURE") && host.insecureAction().equals("Reject"))) {
                Chain chain = chains.computeIfAbsent("cleartext-" + host.hostname(), k -> new Chain(null));
                addHost(chain, host);
            }
        }

        // Each host of each chain has its own list, filled in group order: hosts may be taken in any order. Groups
        // outermost: one look-up of a group's bindings serves all the Hosts of the Listener.
        List<List<List<IrBoundRoute>>> targets = new ArrayList<>();
        List<IrHost> targetHosts = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        for (Chain chain : chains.values()) {
            for (IrHost host : chain.hosts.values()) {
                targets.add(chain.routes.get(host.hostname()));
                targetHosts.add(host);
                slots.add(memo.slot(new Memo.HostKey(host, securityModel)));
            }
        }
        for (IrMappingGroup group : groups) {
            List<IrBoundRoute>[] bindings = memo.bindings(group);
            for (int k = 0; k < targets.size(); k++) {
                int slot = slots.get(k);
                List<IrBoundRoute> bound = slot < bindings.length ? bindings[slot] : null;
                if (bound == null) {
                    bound = bind(targetHosts.get(k), group, securityModel);
                    bindings = memo.bound(group, slot, bound);
                }
                if (!bound.isEmpty()) {
                    targets.get(k).add(bound);
                }
            }
        }

        // One shared cleartext filter chain for all cleartext Hosts; one TLS filter chain per SNI.
        List<IrFilterChain> filterChains = new ArrayList<>();
        Map<String, IrVirtualHost> cleartextHosts = new LinkedHashMap<>();
        int cleartextPosition = -1;
        for (Chain chain : chains.values()) {
            if (chain.tls == null) {
                if (cleartextPosition < 0) {
                    cleartextPosition = filterChains.size();
                    filterChains.add(null);
                }
                for (IrHost host : chain.hosts.values()) {
                    cleartextHosts.put(host.hostname(), new IrVirtualHost(name + "-" + host.hostname(),
                            host.hostname(), RouteSegments.of(chain.routes.getOrDefault(host.hostname(),
                                    List.of()))));
                }
            } else {
                List<IrVirtualHost> vhosts = new ArrayList<>();
                for (IrHost host : chain.hosts.values()) {
                    vhosts.add(new IrVirtualHost(name + "-" + host.hostname(), host.hostname(),
                            RouteSegments.of(chain.routes.getOrDefault(host.hostname(), List.of()))));
                }
                List<String> serverNames = chain.serverNames.contains("*") ? List.of()
                        : List.copyOf(chain.serverNames);
                filterChains.add(new IrFilterChain("httpshost-" + chain.hosts.values().iterator().next().name(),
                        chain.tls, serverNames, vhosts));
            }
        }
        if (cleartextPosition >= 0) {
            filterChains.set(cleartextPosition, new IrFilterChain("httphost-shared", null, List.of(),
                    List.copyOf(cleartextHosts.values())));
        }
        String statsPrefix = spec.statsPrefix() != null && !spec.statsPrefix().isEmpty() ? spec.statsPrefix()
                : tlsOk ? "ingress_https" : "ingress_http";
        int l7Depth = spec.l7Depth() == null ? 0 : spec.l7Depth();
        int trustedHops = l7Depth > 0 ? l7Depth : settings.xffNumTrustedHops();
        return new IrListener(name, BIND_ADDRESS, spec.port(), stack, securityModel, statsPrefix, trustedHops,
                spec.http2MaxConcurrentStreams(), filterChains, Provenance.of(r.key()));
    }

    private void addHost(Chain chain, IrHost host) {
        if (chain.tls != null) {
            if (host.tls() == null) {
                diagnostics.add(Diagnostic.error(host.provenance().primary(), "TLS Host " + host.name()
                        + ": discarding because it has no TLS context"));
                return;
            }
            if (!chain.tls.name().equals(host.tls().name()) || !chain.tls.namespace().equals(host.tls().namespace())) {
                diagnostics.add(Diagnostic.error(host.provenance().primary(), "TLS Host " + host.name()
                        + ": discarding because its TLS context differs from that of another Host with SNI "
                        + host.sni()));
                return;
            }
            chain.serverNames.add(host.sni());
        }
        chain.routes.put(host.hostname(), new ArrayList<>(groups.size()));
        chain.hosts.put(host.hostname(), host);
    }

    /** Emissary's IRHost.matches_httpgroup. */
    static boolean matches(IrHost host, IrMappingGroup group) {
        if (group.internal()) {
            return true;
        }
        boolean hasHostname = false;
        boolean hostMatch = false;
        if (group.hostRegex()) {
            hasHostname = true;
            hostMatch = true;
        } else if (group.hostGlob() != null) {
            hasHostname = true;
            hostMatch = HostGlobs.overlap(host.hostname(), group.hostGlob());
        }
        boolean hasSelector = !host.mappingSelector().isEmpty();
        boolean selectorMatch = hasSelector && MappingCompiler.selectorMatches(host.mappingSelector(), group.labels());
        if (hasSelector && hasHostname) {
            return hostMatch && selectorMatch;
        }
        if (hasSelector) {
            return selectorMatch;
        }
        return hasHostname && hostMatch;
    }

    /**
     * A group's routes bound to one Host, as one segment of the virtual host's routes (see {@link RouteSegments}):
     * none when the Host does not take the group.
     */
    private static List<IrBoundRoute> bind(IrHost host, IrMappingGroup group, String securityModel) {
        if (!matches(host, group)) {
            return List.of();
        }
        List<IrBoundRoute> routes = new ArrayList<>();
        for (IrRoute route : group.routes()) {
            bindVariants(routes, host, route, securityModel);
        }
        return RouteSegments.segment(routes);
    }

    /**
     * The bindings one build made, for the next: each group's routes bound to each Host (with the Listener's security
     * model, all a binding reads besides the group), by group instance (the IR memo hands back the same instance for a
     * group made from the same inputs) and the Host's slot. Immutable once made: a build copies a group's bindings
     * before it adds to them.
     */
    static final class Memo {
        static final Memo EMPTY = new Memo(List.of(), Map.of());

        record HostKey(IrHost host, String securityModel) {
        }

        /** The Hosts (with security models) bound, each at its slot. */
        private final List<HostKey> keys;
        /** By group instance: its segment for each slot (null where not bound). */
        private final Map<IrMappingGroup, List<IrBoundRoute>[]> bindings;

        private Memo(List<HostKey> keys, Map<IrMappingGroup, List<IrBoundRoute>[]> bindings) {
            this.keys = keys;
            this.bindings = bindings;
        }

        Generation next() {
            return new Generation(this);
        }

        /** Not thread-safe: one build, one thread. */
        static final class Generation {
            private final Memo previous;
            private final List<HostKey> keys;
            private final Map<HostKey, Integer> slots = new java.util.HashMap<>();
            private final java.util.BitSet used = new java.util.BitSet();
            private final Map<IrMappingGroup, List<IrBoundRoute>[]> bindings;

            private Generation(Memo previous) {
                this.previous = previous;
                this.keys = new ArrayList<>(previous.keys);
                for (int i = 0; i < keys.size(); i++) {
                    slots.put(keys.get(i), i);
                }
                // Sized as last time's: a build after an edit binds as many groups.
                this.bindings = new java.util.IdentityHashMap<>(previous.bindings.size());
            }

            /** The slot of a Host with a security model: the previous build's, or a new one. */
            int slot(HostKey key) {
                Integer slot = slots.get(key);
                if (slot == null) {
                    slot = keys.size();
                    keys.add(key);
                    slots.put(key, slot);
                }
                used.set(slot);
                return slot;
            }

            /** The group's bindings by slot so far (the previous build's; not to be changed: see {@link #bound}). */
            @SuppressWarnings("unchecked")
            List<IrBoundRoute>[] bindings(IrMappingGroup group) {
                List<IrBoundRoute>[] known = bindings.get(group);
                if (known == null) {
                    known = previous.bindings.get(group);
                    if (known == null) {
                        known = new List[0];
                    }
                    bindings.put(group, known);
                }
                return known;
            }

            /** Notes the group's segment for a slot; the group's bindings now. */
            List<IrBoundRoute>[] bound(IrMappingGroup group, int slot, List<IrBoundRoute> segment) {
                // A copy: the array may be the previous build's.
                List<IrBoundRoute>[] now = java.util.Arrays.copyOf(bindings(group), Math.max(keys.size(), slot + 1));
                now[slot] = segment;
                bindings.put(group, now);
                return now;
            }

            Memo done() {
                // A Host (or security model) no longer bound: start afresh rather than keep its bindings.
                return used.cardinality() == keys.size() ? new Memo(List.copyOf(keys), bindings) : EMPTY;
            }
        }
    }

    private static void bindVariants(List<IrBoundRoute> routes, IrHost host, IrRoute route, String securityModel) {
        boolean acme = route.match().pathKind() == IrRoute.PathKind.PREFIX
                && route.match().path().equals("/.well-known/acme-challenge/");
        if (!securityModel.equals("INSECURE")) {
            Xfp xfp = securityModel.equals("SECURE") ? Xfp.ALWAYS : Xfp.HTTPS;
            routes.add(new IrBoundRoute(route, xfp, Variant.ROUTE));
        }
        if (!securityModel.equals("SECURE")) {
            Xfp xfp = securityModel.equals("INSECURE") ? Xfp.ALWAYS : Xfp.HTTP;
            String action = acme ? "Route" : host.insecureAction();
            switch (action) {
                case "Route" -> routes.add(new IrBoundRoute(route, xfp, Variant.ROUTE));
                case "Redirect" -> routes.add(new IrBoundRoute(route, xfp, Variant.REDIRECT));
                default -> {
                    // Reject: no route, so Envoy answers 404.
                }
            }
        }
    }
}
