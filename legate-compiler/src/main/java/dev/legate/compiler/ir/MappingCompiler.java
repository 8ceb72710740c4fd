package dev.legate.compiler.ir;

import dev.legate.compiler.Diagnostic;
import dev.legate.model.CircuitBreaker;
import dev.legate.model.CorsPolicy;
import dev.legate.model.MappingSpec;
import dev.legate.model.ModuleSpec;
import dev.legate.model.ResourceKey;
import dev.legate.model.Resource;
import dev.legate.model.RetryPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Mappings to mapping groups, routes and clusters, as Emissary's irhttpmapping.py, irhttpmappinggroup.py and
 * ircluster.py do: group by match, order by route weight, normalize canary weights, name clusters.
 */
final class MappingCompiler {

    private static final String DIAG_SERVICE = "127.0.0.1:8877";

    private final IrSettings settings;
    private final ModuleSpec.AmbassadorConfig module;
    private final List<IrHost> hosts;
    private final Map<String, IrTlsContext> contexts;
    private final List<Diagnostic> diagnostics;
    private final Resolvers resolvers;

    /**
     * Clusters by key (the full, unshortened name, with the endpoint source when there is one); the first Mapping to
     * need a key defines the cluster. Hashed (ten thousand look-ups per build); taken in key order where order counts.
     */
    private final Map<String, ClusterDraft> clusters = new java.util.HashMap<>();
    private final Memo.Generation memo;

    MappingCompiler(IrSettings settings, ModuleSpec.AmbassadorConfig module, List<IrHost> hosts,
            Map<String, IrTlsContext> contexts, List<Diagnostic> diagnostics, Resolvers resolvers) {
        this(settings, module, hosts, contexts, diagnostics, resolvers, Memo.EMPTY.next(null));
    }

    /** As the other constructor, reusing what {@code memo}'s previous build made in an equal context. */
    MappingCompiler(IrSettings settings, ModuleSpec.AmbassadorConfig module, List<IrHost> hosts,
            Map<String, IrTlsContext> contexts, List<Diagnostic> diagnostics, Resolvers resolvers,
            Memo.Generation memo) {
        this.memo = memo;
        this.resolvers = resolvers;
        this.settings = settings;
        this.module = module;
        this.hosts = hosts;
        this.contexts = contexts;
        this.diagnostics = diagnostics;
    }

    /** One Mapping, normalized. */
    private record Normalized(ResourceKey key, String name, String namespace, Map<String, String> labels,
            MappingSpec spec, ServiceName service, List<IrMatcher> headers, List<IrMatcher> queryParameters,
            @Nullable String hostGlob, boolean hostRegex, String prefix, int precedence, IrRouteWeight weight,
            String groupId, boolean internal, long defaultTimeoutMs, String rewrite, Resolvers.IrResolver resolver) {
    }

    /** A cluster before its Envoy name is known. */
    private record ClusterDraft(String name, IrCluster cluster, String resolver) {
    }

    /** A few values by key instance, in a list searched in order. */
    private static final class SmallIdentityMap<V> {
        private Object[] entries = new Object[2];
        private int size;

        void put(Object key, V value) {
            for (int i = 0; i < size; i += 2) {
                if (entries[i] == key) {
                    entries[i + 1] = value;
                    return;
                }
            }
            if (size == entries.length) {
                entries = java.util.Arrays.copyOf(entries, size * 2);
            }
            entries[size++] = key;
            entries[size++] = value;
        }

        @SuppressWarnings("unchecked")
        @Nullable V get(Object key) {
            for (int i = 0; i < size; i += 2) {
                if (entries[i] == key) {
                    return (V) entries[i + 1];
                }
            }
            return null;
        }

        V getOrDefault(Object key, V otherwise) {
            V value = get(key);
            return value == null ? otherwise : value;
        }
    }

    /** Mapping group under construction. */
    private static final class Group {
        final String groupId;
        final Normalized first;
        final List<Normalized> mappings = new ArrayList<>(1);
        @Nullable Normalized shadow;
        @Nullable Normalized redirect;
        IrRouteWeight weight;
        // By instance: a Normalized record's equals/hashCode would walk its whole MappingSpec. Groups are small (one
        // Mapping, or a few canaries): a list searched by instance costs less than a hash map per group.
        final SmallIdentityMap<String> clusterOf = new SmallIdentityMap<>();
        final SmallIdentityMap<Integer> weights = new SmallIdentityMap<>();
        boolean failed;

        Group(Normalized first) {
            this.groupId = first.groupId();
            this.first = first;
            this.weight = first.weight();
        }
    }

    List<IrMappingGroup> compile(List<Resource<MappingSpec>> resources, List<IrCluster> clustersOut) {
        List<Normalized> all = new ArrayList<>();
        for (Resource<MappingSpec> r : resources) {
            Memo.Made<@Nullable Normalized> known = memo.normalized(r);
            Normalized n;
            if (known != null) {
                diagnostics.addAll(known.diagnostics());
                n = known.value();
            } else {
                int reported = diagnostics.size();
                n = normalize(r.key(), r.name(), r.namespace(), r.metadata().labels(), r.spec(), false,
                        settings.clusterRequestTimeoutMs());
                memo.rememberNormalized(r, new Memo.Made<>(n, diagnostics.subList(reported, diagnostics.size())));
            }
            if (n != null) {
                all.add(n);
            }
        }
        // The built-in probe Mappings read nothing but the context: the same instances as last time, so that their
        // groups (which every Host takes) are reused like any unchanged Mapping's.
        Memo.Made<List<Normalized>> internal = memo.internal();
        if (internal == null) {
            int reported = diagnostics.size();
            internal = new Memo.Made<>(List.copyOf(internalMappings()), diagnostics.subList(reported,
                    diagnostics.size()));
        } else {
            diagnostics.addAll(internal.diagnostics());
        }
        memo.rememberInternal(internal);
        all.addAll(internal.value());

        Map<String, Group> groups = new LinkedHashMap<>();
        for (Normalized n : all) {
            Group group = groups.get(n.groupId());
            if (group == null) {
                group = new Group(n);
                groups.put(n.groupId(), group);
            }
            addToGroup(group, n);
        }

        // Clusters first: route actions need the final (possibly shortened) Envoy names.
        for (Group group : groups.values()) {
            if (group.shadow != null) {
                group.clusterOf.put(group.shadow, clusterFor(group.shadow, "shadow"));
            }
            if (group.redirect == null) {
                for (Normalized m : group.mappings) {
                    String cluster = clusterFor(m, m.spec().clusterTag());
                    if (cluster == null) {
                        group.failed = true;
                    } else {
                        group.clusterOf.put(m, cluster);
                    }
                }
                if (!group.failed && !normalizeWeights(group)) {
                    group.failed = true;
                }
            }
        }
        Map<String, String> envoyNames = envoyNamesByKey(clustersOut);
        clustersOut.sort(Comparator.comparing(IrCluster::envoyName));

        List<IrMappingGroup> out = new ArrayList<>();
        for (Group group : groups.values()) {
            if (group.failed || (group.mappings.isEmpty() && group.redirect == null)) {
                continue;
            }
            out.add(toIrOrReuse(group, envoyNames));
        }
        // Emissary: reversed(sorted(groups, key=group_weight)); a stable sort, then reversed.
        List<IrMappingGroup> ascending = byWeight(out, memo.previousOrder(), Hint.PREVIOUS_BUILD);
        memo.rememberOrder(ascending);
        List<IrMappingGroup> ordered = new ArrayList<>(ascending);
        java.util.Collections.reverse(ordered);
        return ordered;
    }

    /** A group and where it came in the input (what a stable sort keeps among equal weights). */
    private record Placed(IrMappingGroup group, int index) {
    }

    /**
     * {@code groups} stably sorted by weight. The order does not depend on {@code hint}: the sort is by weight, then by
     * input position (which is what stability means), a total order. The hint (the previous build's result, whose
     * groups come back as the very same instances when unchanged) only lays the groups out nearly sorted first, so
     * that an edit costs the sort a pass over ten thousand groups rather than a full merge sort of them.
     */
    static List<IrMappingGroup> byWeight(List<IrMappingGroup> groups, List<IrMappingGroup> hint) {
        return byWeight(groups, hint, Hint.ANY_ORDER);
    }

    /** What is known of a hint's order. */
    enum Hint {
        /** Any order: the groups are sorted after being laid out in it. */
        ANY_ORDER,
        /**
         * The previous build's result (in an equal context). Its groups that are still here are then in order already:
         * a reused group is the same instance because it has the same members, so it has the same weight and its
         * first member (which decides where it comes in the input) is the same Mapping; so two of them compare as they
         * did. Only the new groups need placing, each by binary search.
         */
        PREVIOUS_BUILD
    }

    /** As {@link #byWeight(List, List)}, with what is known of the hint's order. */
    static List<IrMappingGroup> byWeight(List<IrMappingGroup> groups, List<IrMappingGroup> hint, Hint known) {
        if (known == Hint.PREVIOUS_BUILD && !hint.isEmpty()) {
            return mergedByWeight(groups, hint);
        }
        Map<IrMappingGroup, Integer> index = new java.util.IdentityHashMap<>(groups.size());
        for (int i = groups.size() - 1; i >= 0; i--) {
            index.put(groups.get(i), i); // the first position of an instance, should one come twice
        }
        List<Placed> laid = new ArrayList<>(groups.size());
        boolean[] placed = new boolean[groups.size()];
        for (IrMappingGroup g : hint) {
            Integer i = index.get(g);
            if (i != null && !placed[i]) {
                placed[i] = true;
                laid.add(new Placed(g, i));
            }
        }
        for (int i = 0; i < groups.size(); i++) {
            if (!placed[i]) {
                laid.add(new Placed(groups.get(i), i));
            }
        }
        laid.sort((a, b) -> {
            int c = a.group().weight().compareTo(b.group().weight());
            return c != 0 ? c : Integer.compare(a.index(), b.index());
        });
        List<IrMappingGroup> sorted = new ArrayList<>(laid.size());
        laid.forEach(p -> sorted.add(p.group()));
        return sorted;
    }

    /** {@link #byWeight} for a hint in order (see {@link Hint#PREVIOUS_BUILD}). */
    private static List<IrMappingGroup> mergedByWeight(List<IrMappingGroup> groups, List<IrMappingGroup> hint) {
        Map<IrMappingGroup, Integer> index = new java.util.IdentityHashMap<>(groups.size());
        for (int i = groups.size() - 1; i >= 0; i--) {
            index.put(groups.get(i), i);
        }
        boolean[] placed = new boolean[groups.size()];
        List<Placed> kept = new ArrayList<>(groups.size());
        for (IrMappingGroup g : hint) {
            Integer i = index.get(g);
            if (i != null && !placed[i]) {
                placed[i] = true;
                kept.add(new Placed(g, i));
            }
        }
        List<Placed> fresh = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            if (!placed[i]) {
                fresh.add(new Placed(groups.get(i), i));
            }
        }
        List<Placed> merged = SortedMerge.merge(kept, fresh,
                (a, b) -> compare(a.group(), a.index(), b.group(), b.index()));
        List<IrMappingGroup> sorted = new ArrayList<>(merged.size());
        merged.forEach(p -> sorted.add(p.group()));
        return sorted;
    }

    /** By weight, then by position in the input. */
    private static int compare(IrMappingGroup a, int aIndex, IrMappingGroup b, int bIndex) {
        int c = a.weight().compareTo(b.weight());
        return c != 0 ? c : Integer.compare(aIndex, bIndex);
    }

    private void addToGroup(Group group, Normalized n) {
        if (n != group.first) {
            String mismatch = coreMismatch(group.first, n);
            if (mismatch != null) {
                diagnostics.add(Diagnostic.error(n.key(), "cannot join the canary group of " + group.first.key()
                        + ": mismatched " + mismatch + "; Mappings of one group must set these fields alike"));
                return;
            }
        }
        boolean redirect = Boolean.TRUE.equals(n.spec().hostRedirect());
        boolean shadow = Boolean.TRUE.equals(n.spec().shadow());
        if (shadow) {
            if (group.shadow != null) {
                diagnostics.add(Diagnostic.error(n.key(), "cannot be a second shadow after " + group.shadow.key()));
            } else {
                group.shadow = n;
            }
        } else if (redirect) {
            if (group.redirect != null) {
                diagnostics.add(Diagnostic.error(n.key(), "cannot be a second host_redirect after "
                        + group.redirect.key()));
            } else if (!group.mappings.isEmpty()) {
                diagnostics.add(Diagnostic.error(n.key(), "cannot add a host_redirect to a group with Mappings "
                        + "without one (e.g. " + group.mappings.get(0).key() + ")"));
            } else {
                group.redirect = n;
            }
        } else if (group.redirect != null) {
            diagnostics.add(Diagnostic.error(n.key(), "cannot add a Mapping without host_redirect to a group with "
                    + "host_redirect " + group.redirect.key()));
        } else {
            group.mappings.add(n);
            if (n.weight().compareTo(group.weight) > 0) {
                group.weight = n.weight();
            }
        }
    }

    /** Emissary's CoreMappingKeys must agree across a group. */
    private static @Nullable String coreMismatch(Normalized a, Normalized b) {
        MappingSpec x = a.spec();
        MappingSpec y = b.spec();
        List<String> mismatched = new ArrayList<>();
        check(mismatched, "bypass_auth", x.bypassAuth(), y.bypassAuth());
        check(mismatched, "circuit_breakers", x.circuitBreakers(), y.circuitBreakers());
        check(mismatched, "connect_timeout_ms", x.connectTimeoutMs(), y.connectTimeoutMs());
        check(mismatched, "cluster_idle_timeout_ms", x.clusterIdleTimeoutMs(), y.clusterIdleTimeoutMs());
        check(mismatched, "cluster_max_connection_lifetime_ms", x.clusterMaxConnectionLifetimeMs(),
                y.clusterMaxConnectionLifetimeMs());
        check(mismatched, "keepalive", x.keepalive(), y.keepalive());
        check(mismatched, "labels", x.labels(), y.labels());
        check(mismatched, "load_balancer", x.loadBalancer(), y.loadBalancer());
        check(mismatched, "prefix_regex", x.prefixRegex(), y.prefixRegex());
        check(mismatched, "prefix_exact", x.prefixExact(), y.prefixExact());
        return mismatched.isEmpty() ? null : String.join(", ", mismatched);
    }

    private static void check(List<String> out, String field, @Nullable Object first, @Nullable Object later) {
        if (later != null && !later.equals(first)) {
            out.add(field);
        }
    }

    /** Emissary's normalize_weights_in_mappings: cumulative weights out of 100, weighted Mappings first. */
    private boolean normalizeWeights(Group group) {
        if (group.mappings.size() == 1) {
            group.weights.put(group.mappings.get(0), 100);
            return true;
        }
        List<Normalized> weighted = new ArrayList<>();
        List<Normalized> weightless = new ArrayList<>();
        int current = 0;
        for (Normalized m : group.mappings) {
            Integer w = m.spec().weight();
            if (w != null) {
                current += w;
                group.weights.put(m, current);
                weighted.add(m);
            } else {
                weightless.add(m);
            }
        }
        if (current > 100) {
            diagnostics.add(Diagnostic.error(group.mappings.get(0).key(), "the weights of the canary group "
                    + group.mappings.stream().map(m -> m.key().toString()).toList() + " add up to " + current
                    + ", over 100; the group is not routed"));
            return false;
        }
        if (!weightless.isEmpty()) {
            int remaining = 100 - current;
            int each = (int) Math.round((double) remaining / weightless.size());
            for (int i = 0; i < weightless.size(); i++) {
                current = i == weightless.size() - 1 ? 100 : current + each;
                group.weights.put(weightless.get(i), current);
            }
        }
        List<Normalized> ordered = new ArrayList<>(weighted);
        ordered.addAll(weightless);
        group.mappings.clear();
        group.mappings.addAll(ordered);
        return true;
    }

    private List<Normalized> internalMappings() {
        List<Normalized> out = new ArrayList<>();
        String ns = settings.ambassadorNamespace();
        ResourceKey moduleKey = new ResourceKey("Module", "ambassador", ns);
        probe(out, moduleKey, "internal_liveness_probe_mapping", module.livenessProbe(),
                "/ambassador/v0/check_alive");
        probe(out, moduleKey, "internal_readiness_probe_mapping", module.readinessProbe(),
                "/ambassador/v0/check_ready");
        probe(out, moduleKey, "internal_diagnostics_probe_mapping", module.diagnostics(), "/ambassador/v0/");
        return out;
    }

    private void probe(List<Normalized> out, ResourceKey moduleKey, String name,
            ModuleSpec.@Nullable ProbeConfig config, String defaultPrefix) {
        boolean enabled = config == null || config.enabled() == null || config.enabled();
        if (!enabled) {
            return;
        }
        String prefix = config != null && config.prefix() != null && !config.prefix().isEmpty() ? config.prefix()
                : defaultPrefix;
        String rewrite = config != null && config.rewrite() != null && !config.rewrite().isEmpty() ? config.rewrite()
                : defaultPrefix;
        String service = config != null && config.service() != null && !config.service().isEmpty()
                ? config.service() : DIAG_SERVICE;
        MappingSpec spec = ProbeSpecs.spec(prefix, rewrite, service);
        Normalized n = normalize(moduleKey, name, moduleKey.namespace(), Map.of(), spec, true, 10_000);
        if (n != null) {
            out.add(n);
        }
    }

    private @Nullable Normalized normalize(ResourceKey key, String name, String namespace, Map<String, String> labels,
            MappingSpec spec, boolean internal, long defaultTimeoutMs) {
        Resolvers.IrResolver resolver = UpstreamChecks.resolver(resolvers, spec.resolver(), module.resolver(),
                key, diagnostics);
        if (resolver == null || !UpstreamChecks.mappingFitsResolver(resolver, spec.loadBalancer() != null,
                spec.service(), key, diagnostics)) {
            return null;
        }
        ServiceName service;
        try {
            service = ServiceName.parse(Objects.requireNonNull(spec.service()), namespace,
                    settings.ambassadorNamespace(), !settings.useAmbassadorNamespaceForServiceResolution()
                            && Resolvers.qualifiesServiceNames(resolver));
        } catch (ServiceName.MalformedServiceException e) {
            diagnostics.add(Diagnostic.error(key, "spec.service: " + e.getMessage() + "; the Mapping is not routed"));
            return null;
        }
        List<IrMatcher> headers = new ArrayList<>();
        String host = null;
        boolean hostRegex = false;
        if (spec.headers() != null) {
            for (Map.Entry<String, String> h : spec.headers().entrySet()) {
                if (h.getKey().equalsIgnoreCase(":authority")) {
                    if (h.getValue().contains("*")) {
                        diagnostics.add(Diagnostic.error(key, "spec.headers.:authority: exact match '" + h.getValue()
                                + "' contains *, which cannot match anything; use hostname for globs"));
                        return null;
                    }
                    host = h.getValue();
                } else {
                    headers.add(new IrMatcher(h.getKey(), h.getValue(), false));
                }
            }
        }
        if (spec.v2BoolHeaders() != null) {
            spec.v2BoolHeaders().forEach(h -> headers.add(new IrMatcher(h, null, false)));
        }
        // v2 presence matches come back from conversion both as a ".*" regex (for a lossless round trip) and in
        // v2BoolHeaders; the presence match is what was meant, and what Envoy should get.
        java.util.Set<String> presentHeaders = spec.v2BoolHeaders() == null ? java.util.Set.of()
                : java.util.Set.copyOf(spec.v2BoolHeaders());
        if (spec.regexHeaders() != null) {
            spec.regexHeaders().forEach((k, v) -> {
                if (!presentHeaders.contains(k)) {
                    headers.add(new IrMatcher(k, v, true));
                }
            });
        }
        if (spec.host() != null && !spec.host().isEmpty()) {
            host = spec.host();
            hostRegex = Boolean.TRUE.equals(spec.hostRegex());
            if (!hostRegex && host.contains("*") && spec.hostname() == null) {
                diagnostics.add(Diagnostic.error(key, "spec.host: exact match '" + host + "' contains *, which "
                        + "cannot match anything; use hostname for globs"));
                return null;
            }
        }
        if (spec.hostname() != null && !spec.hostname().isEmpty()) {
            host = spec.hostname();
            hostRegex = false;
        }
        if (host != null) {
            headers.add(new IrMatcher(":authority", host, hostRegex));
        }
        String method = spec.method();
        if (method != null) {
            headers.add(new IrMatcher(":method", method, Boolean.TRUE.equals(spec.methodRegex())));
        }
        List<IrMatcher> query = new ArrayList<>();
        if (spec.queryParameters() != null) {
            spec.queryParameters().forEach((k, v) -> query.add(new IrMatcher(k, v, false)));
        }
        if (spec.v2BoolQueryParameters() != null) {
            spec.v2BoolQueryParameters().forEach(q -> query.add(new IrMatcher(q, null, false)));
        }
        java.util.Set<String> presentParameters = spec.v2BoolQueryParameters() == null ? java.util.Set.of()
                : java.util.Set.copyOf(spec.v2BoolQueryParameters());
        if (spec.regexQueryParameters() != null) {
            spec.regexQueryParameters().forEach((k, v) -> {
                if (!presentParameters.contains(k)) {
                    query.add(new IrMatcher(k, v, true));
                }
            });
        }
        String prefix = Objects.requireNonNull(spec.prefix());
        int precedence = spec.precedence() == null ? 0 : spec.precedence();
        String hostGlob = hostRegex ? null : host;

        int headersLength = headers.stream().mapToInt(IrMatcher::length).sum();
        int queryLength = query.stream().mapToInt(IrMatcher::length).sum();
        List<String> keys = new ArrayList<>();
        headers.forEach(h -> keys.add(h.key()));
        query.forEach(q -> keys.add(q.key()));
        IrRouteWeight weight = new IrRouteWeight(precedence, prefix.length(), headersLength, queryLength, prefix,
                method == null ? "GET" : method, keys);

        StringBuilder id = new StringBuilder("HTTP-").append(method == null ? "GET" : method).append(prefix);
        for (IrMatcher h : headers) {
            id.append(h.name()).append(h.value() == null ? "" : h.value());
        }
        for (IrMatcher q : query) {
            id.append(q.name()).append(q.value() == null ? "" : q.value());
        }
        if (hostGlob == null && !labels.isEmpty()) {
            for (IrHost h : hosts) {
                if (!h.mappingSelector().isEmpty() && selectorMatches(h.mappingSelector(), labels)) {
                    new TreeMap<>(h.mappingSelector()).forEach((k, v) -> id.append(k).append(v));
                }
            }
        }
        if (precedence != 0) {
            id.append(precedence);
        }
        String rewrite = spec.rewrite() == null ? "/" : spec.rewrite();
        if (spec.regexRewrite() != null) {
            if (!rewrite.isEmpty() && !rewrite.equals("/")) {
                diagnostics.add(Diagnostic.notice(key, "both rewrite and regex_rewrite are set; regex_rewrite is "
                        + "used and rewrite ignored"));
            }
            rewrite = "";
        }
        // Immutable lists: the IR's matches copy them, and List.copyOf keeps an immutable list as it is.
        return new Normalized(key, name, namespace, labels, spec, service, List.copyOf(headers), List.copyOf(query),
                hostGlob, hostRegex, prefix,
                precedence, weight, ClusterNames.sha1(id.toString()), internal, defaultTimeoutMs, rewrite, resolver);
    }

    static boolean selectorMatches(Map<String, String> selector, Map<String, String> labels) {
        if (selector.isEmpty()) {
            return true;
        }
        for (Map.Entry<String, String> e : selector.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Builds (or reuses) the cluster for a Mapping; returns its full name, or null when it cannot exist. */
    private @Nullable String clusterFor(Normalized m, @Nullable String marker) {
        ClusterMade made = memo.cluster(m, marker);
        if (made != null && made.key() != null && made.draft() == null && !clusters.containsKey(made.key())) {
            made = null; // this Mapping defines the cluster now, and the memo did not keep its definition
        }
        if (made == null) {
            made = makeCluster(m, marker, new ArrayList<>(), new ArrayList<>());
            boolean defines = made.key() != null && !clusters.containsKey(made.key());
            // Only a definition that is used is kept: ten Mappings of one service would otherwise keep ten.
            memo.rememberCluster(m, marker, defines ? made
                    : new ClusterMade(made.key(), null, made.asked(), made.defining()));
        }
        diagnostics.addAll(made.asked());
        String key = made.key();
        if (key == null) {
            return null;
        }
        ClusterDraft draft = made.draft();
        if (draft != null && clusters.putIfAbsent(key, draft) == null) {
            diagnostics.addAll(made.defining());
        }
        return key;
    }

    /**
     * What {@link #clusterFor} reads from a Mapping: its cluster's key (null when it cannot exist) and definition
     * (null in the memo when another Mapping defined the cluster), the diagnostics every Mapping asking for it reports,
     * and those only the Mapping that defines it reports.
     */
    record ClusterMade(@Nullable String key, @Nullable ClusterDraft draft, List<Diagnostic> asked,
            List<Diagnostic> defining) {
        ClusterMade {
            asked = List.copyOf(asked);
            defining = List.copyOf(defining);
        }
    }

    /** A Mapping's cluster, made without looking at the clusters other Mappings defined. */
    private ClusterMade makeCluster(Normalized m, @Nullable String marker, List<Diagnostic> asked,
            List<Diagnostic> defining) {
        MappingSpec spec = m.spec();
        ServiceName service = m.service();
        List<String> fields = new ArrayList<>();
        fields.add("cluster");
        if (marker != null && !marker.isEmpty()) {
            fields.add(marker);
        }
        fields.add(service.normalized());
        IrTlsContext ctx = null;
        String tlsName = spec.tls();
        if (tlsName != null && !tlsName.isEmpty()) {
            ctx = contexts.get(tlsName);
            if (ctx == null) {
                asked.add(Diagnostic.error(m.key(), "spec.tls: TLSContext " + tlsName + " does not exist; the "
                        + "Mapping is not routed"));
                return new ClusterMade(null, null, asked, defining);
            }
        }
        if ("http".equals(service.scheme())) {
            if (ctx != null) {
                asked.add(Diagnostic.warning(m.key(), "spec.tls: TLSContext " + tlsName + " originates TLS "
                        + "even though the service says http://"));
            }
        } else if (service.scheme() != null && !"https".equals(service.scheme())) {
            asked.add(Diagnostic.warning(m.key(), "spec.service: unknown scheme " + service.scheme()
                    + "; using " + (ctx != null ? "HTTPS" : "HTTP")));
        }
        List<String> origination = ClusterNames.originationParts(service.scheme(), ctx,
                ClusterNames.TlsOrigination.NONE);
        boolean originate = !origination.isEmpty();
        fields.addAll(origination);
        if (originate && spec.hostRewrite() != null) {
            fields.add("hr-" + spec.hostRewrite());
        }
        fields.add(m.namespace());
        List<CircuitBreaker> breakers = spec.circuitBreakers() != null ? spec.circuitBreakers()
                : module.circuitBreakers() != null ? module.circuitBreakers() : List.of();
        for (CircuitBreaker b : breakers) {
            fields.add(ClusterNames.circuitBreakerPart(b));
        }
        MappingSpec.LoadBalancer lb = spec.loadBalancer() != null ? spec.loadBalancer() : module.loadBalancer();
        String lbPolicy = "ROUND_ROBIN";
        if (lb != null && lb.policy() != null) {
            List<String> key = new ArrayList<>(List.of("er", lb.policy().toLowerCase(Locale.ROOT)));
            if (lb.header() != null) {
                key.add("hdr");
                key.add(lb.header());
            }
            if (lb.cookie() != null) {
                key.add("cookie");
                key.add(String.valueOf(lb.cookie().name()));
            }
            if (lb.sourceIp() != null) {
                key.add("srcip");
            }
            fields.add(String.join("-", key));
            lbPolicy = lb.policy().toUpperCase(Locale.ROOT);
        }
        String name = ClusterNames.sanitize(String.join("_", fields));
        int port = service.port() >= 0 ? service.port() : originate ? 443 : 80;
        // Emissary's names leave the resolver out, so a service resolver Mapping and an endpoint resolver Mapping of
        // one service share a cluster (and one of them gets the other's resolver). Clusters are kept apart by their
        // endpoint source here, and told apart by name only when they would collide (see compile).
        IrEndpointSource source = Resolvers.endpointSource(m.resolver(), service.hostname(), port, m.namespace(),
                settings, List.of());
        String key = source == null ? name : name + "|" + source.serviceName();
        boolean ipv4 = spec.enableIpv4() != null ? spec.enableIpv4() : settings.enableIpv4();
        boolean ipv6 = spec.enableIpv6() != null ? spec.enableIpv6() : settings.enableIpv6();
        String family = ipv6 ? (ipv4 ? "AUTO" : "V6_ONLY") : "V4_ONLY";
        String statsName = spec.statsName() != null && !spec.statsName().isEmpty() ? spec.statsName()
                : ClusterNames.sanitize(service.normalized().replaceFirst("^[a-z]+://", ""));
        String dnsType = spec.dnsType() == null ? "STRICT_DNS" : spec.dnsType().toUpperCase(Locale.ROOT);
        Long idle = spec.clusterIdleTimeoutMs() != null ? spec.clusterIdleTimeoutMs() : settings.clusterIdleTimeoutMs();
        Long lifetime = spec.clusterMaxConnectionLifetimeMs() != null ? spec.clusterMaxConnectionLifetimeMs()
                : settings.clusterMaxConnectionLifetimeMs();
        String sni = originate ? (ctx != null && ctx.sni() != null ? ctx.sni() : null) : null;
        IrCluster cluster = new IrCluster(name, name, statsName, dnsType, lbPolicy,
                spec.connectTimeoutMs() == null ? 3000 : spec.connectTimeoutMs(), service.hostname(), port,
                Boolean.TRUE.equals(spec.grpc()), originate, ctx == null ? null : ctx.name(), sni, breakers, idle,
                lifetime, Boolean.TRUE.equals(spec.respectDnsTtl()), family, Provenance.of(m.key()), null,
                spec.keepalive() != null ? spec.keepalive() : module.keepalive());
        cluster = cluster.withEndpointSource(UpstreamChecks.endpointSource(m.resolver(), service.hostname(), port,
                m.namespace(), settings, spec.healthChecks(), m.key(), defining));
        return new ClusterMade(key, new ClusterDraft(name, cluster, m.resolver().name()), asked, defining);
    }

    /**
     * Final cluster names, then Envoy names, by cluster key. A name asked for with different endpoint sources gets
     * the resolver's name appended on its resolver clusters ({@code cluster_cart_shop_endpoint}), so that each Mapping
     * keeps the resolver it asked for; all other names are Emissary's.
     */
    private Map<String, String> envoyNamesByKey(List<IrCluster> clustersOut) {
        // A function of the drafts alone (records, compared by instance first: the cluster memo hands them back):
        // equal drafts name the same clusters, as the previous build did.
        Memo.NamesMade before = memo.previousNames();
        if (before != null && sameDrafts(before.drafts(), clusters)) {
            memo.rememberNames(before);
            diagnostics.addAll(before.diagnostics());
            clustersOut.addAll(before.clusters());
            return before.byKey();
        }
        int reported = diagnostics.size();
        List<Map.Entry<String, ClusterDraft>> drafts = new ArrayList<>(clusters.entrySet());
        drafts.sort(Map.Entry.comparingByKey());
        Map<String, Integer> sources = new java.util.HashMap<>();
        clusters.values().forEach(d -> sources.merge(d.name(), 1, Integer::sum));
        Map<String, String> finalName = new java.util.HashMap<>();
        for (Map.Entry<String, ClusterDraft> e : drafts) {
            ClusterDraft d = e.getValue();
            String name = d.name();
            if (sources.get(name) > 1 && d.cluster().eds()) {
                name = ClusterNames.sanitize(name + "_" + d.resolver());
                diagnostics.add(Diagnostic.notice(d.cluster().provenance().primary(), "cluster " + d.name() + " is "
                        + "also asked for with another resolver; this one, with resolver " + d.resolver() + ", is "
                        + "named " + name + " (Emissary would route both through one cluster)"));
            }
            finalName.put(e.getKey(), name);
        }
        Map<String, String> shortened = ClusterNames.envoyNames(finalName.values());
        Map<String, String> byKey = new java.util.HashMap<>();
        List<IrCluster> made = new ArrayList<>(drafts.size());
        for (Map.Entry<String, ClusterDraft> e : drafts) {
            String name = finalName.get(e.getKey());
            String envoyName = shortened.get(name);
            byKey.put(e.getKey(), envoyName);
            IrCluster c = e.getValue().cluster();
            made.add(new IrCluster(name, envoyName, c.statsName(), c.dnsType(), c.lbPolicy(),
                    c.connectTimeoutMs(), c.address(), c.port(), c.grpc(), c.originateTls(), c.tlsContextName(),
                    c.tlsSni(), c.circuitBreakers(), c.idleTimeoutMs(), c.maxConnectionLifetimeMs(), c.respectDnsTtl(),
                    c.dnsLookupFamily(), c.provenance(), c.endpointSource(), c.keepalive()));
        }
        clustersOut.addAll(made);
        memo.rememberNames(new Memo.NamesMade(clusters, made, byKey, diagnostics.subList(reported,
                diagnostics.size())));
        return byKey;
    }

    /** Whether both hold equal drafts under the same keys. */
    private static boolean sameDrafts(Map<String, ClusterDraft> before, Map<String, ClusterDraft> now) {
        if (before.size() != now.size()) {
            return false;
        }
        for (Map.Entry<String, ClusterDraft> e : now.entrySet()) {
            ClusterDraft was = before.get(e.getKey());
            // By instance mostly; a Mapping made again (edited) makes its draft again, equal if its cluster is.
            if (was != e.getValue() && !e.getValue().equals(was)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The group's IR: the one the previous build made from the very same members and cluster names, or a new one. Looked
     * up by the group's first member (by instance), then compared part by part: no key is made for a group reused.
     */
    private IrMappingGroup toIrOrReuse(Group group, Map<String, String> envoyNames) {
        Memo.GroupMade known = memo.group(group.first);
        if (known != null && known.key().matches(group, envoyNames)) {
            // Kept with a key that refers to this build's names (no memo keeps an older map of names alive).
            memo.rememberGroup(group.first, known.key().envoyNames() == envoyNames ? known
                    : new Memo.GroupMade(GroupKey.of(group, envoyNames), known.made()));
            diagnostics.addAll(known.made().diagnostics());
            return known.made().value();
        }
        GroupKey key = GroupKey.of(group, envoyNames);
        int reported = diagnostics.size();
        IrMappingGroup ir = toIr(group, envoyNames);
        memo.rememberGroup(group.first, new Memo.GroupMade(key, new Memo.Made<>(ir, diagnostics.subList(reported,
                diagnostics.size()))));
        return ir;
    }

    /**
     * What a mapping group is made from besides the context: its shadow with its cluster's Envoy name, its redirect,
     * and its members (normalized Mappings, compared by instance: the memo hands back the same instance for the same
     * resource) with their clusters' Envoy names and weights.
     */
    private record GroupKey(@Nullable Normalized shadow, @Nullable String shadowCluster,
            @Nullable Normalized redirect, Object[] members, Map<String, String> envoyNames) {

        /**
         * {@code members}: each Mapping, its cluster's key and its weight; {@code envoyNames}: the Envoy names by
         * cluster key the key was made with (the same map instance while the clusters are named the same).
         */
        static GroupKey of(Group group, Map<String, String> envoyNames) {
            Object[] members = new Object[3 * group.mappings.size()];
            int i = 0;
            for (Normalized m : group.mappings) {
                members[i++] = m;
                members[i++] = String.valueOf(group.clusterOf.get(m));
                members[i++] = group.weights.getOrDefault(m, 100);
            }
            return new GroupKey(group.shadow, group.shadow == null ? null : group.clusterOf.get(group.shadow),
                    group.redirect, members, envoyNames);
        }

        /**
         * Whether {@code group} would make this key: the same members with the same weights, whose clusters have the
         * same Envoy names (by the same cluster keys when the names are the very same map).
         */
        boolean matches(Group group, Map<String, String> names) {
            if (group.shadow != shadow || group.redirect != redirect
                    || members.length != 3 * group.mappings.size()) {
                return false;
            }
            if (shadow != null && !sameCluster(group.clusterOf.get(shadow), shadowCluster, names)) {
                return false;
            }
            int i = 0;
            for (Normalized m : group.mappings) {
                if (members[i] != m || !sameCluster(group.clusterOf.get(m), (String) members[i + 1], names)
                        || !group.weights.getOrDefault(m, 100).equals(members[i + 2])) {
                    return false;
                }
                i += 3;
            }
            return true;
        }

        private boolean sameCluster(@Nullable String key, @Nullable String keyBefore, Map<String, String> names) {
            if (names == envoyNames) {
                return java.util.Objects.equals(key, keyBefore);
            }
            return String.valueOf(names.get(key)).equals(String.valueOf(envoyNames.get(keyBefore)));
        }
    }

    /**
     * What one build normalized and grouped, for the next build in an equal {@link IrMemo.MappingContext}: normalized
     * Mappings by resource instance, mapping groups by their first member's instance (with the {@link GroupKey} they
     * were made from), each with the diagnostics it reported.
     * Immutable once made.
     */
    static final class Memo {
        static final Memo EMPTY = new Memo(null, Map.of(), Map.of(), Map.of(), Map.of(), List.of(), null, null);

        /**
         * What naming the clusters made from its drafts (the build's map of them, not changed after): the clusters
         * with their final and Envoy names, the Envoy name by cluster key, the diagnostics.
         */
        record NamesMade(Map<String, ClusterDraft> drafts, List<IrCluster> clusters, Map<String, String> byKey,
                List<Diagnostic> diagnostics) {
            NamesMade {
                clusters = List.copyOf(clusters);
                byKey = java.util.Collections.unmodifiableMap(byKey);
                diagnostics = List.copyOf(diagnostics);
            }
        }

        /** A mapping group and what it was made from. */
        record GroupMade(GroupKey key, Made<IrMappingGroup> made) {
        }

        /** A piece of work and the diagnostics it reported. */
        record Made<T>(T value, List<Diagnostic> diagnostics) {
            Made {
                diagnostics = List.copyOf(diagnostics);
            }
        }

        private final IrMemo.@Nullable MappingContext context;
        private final Map<Resource<MappingSpec>, Made<@Nullable Normalized>> normalized;
        private final Map<Normalized, GroupMade> groups;
        /** Clusters by normalized Mapping (by instance), for routes and for shadows. */
        private final Map<Normalized, ClusterMade> clusters;
        private final Map<Normalized, ClusterMade> shadowClusters;
        /** The groups sorted by weight, ascending (a hint for the next sort; see {@link #byWeight}). */
        private final List<IrMappingGroup> order;
        private final @Nullable NamesMade names;
        /** The built-in probe Mappings, normalized. */
        private final @Nullable Made<List<Normalized>> internal;

        private Memo(IrMemo.@Nullable MappingContext context,
                Map<Resource<MappingSpec>, Made<@Nullable Normalized>> normalized,
                Map<Normalized, GroupMade> groups, Map<Normalized, ClusterMade> clusters,
                Map<Normalized, ClusterMade> shadowClusters, List<IrMappingGroup> order, @Nullable NamesMade names,
                @Nullable Made<List<Normalized>> internal) {
            this.context = context;
            this.internal = internal;
            this.normalized = normalized;
            this.groups = groups;
            this.clusters = clusters;
            this.shadowClusters = shadowClusters;
            this.order = order;
            this.names = names;
        }

        /** A build's view: this memo if made in an equal context, else an empty one. */
        Generation next(IrMemo.@Nullable MappingContext now) {
            return new Generation(now, now != null && now.equals(context) ? this : EMPTY);
        }

        /** Not thread-safe: one build, one thread. */
        static final class Generation {
            private final IrMemo.@Nullable MappingContext context;
            private final Memo previous;
            // Sized as last time's: a build after an edit has as many entries, and growing a map of ten thousand
            // copies its table a dozen times.
            private final Map<Resource<MappingSpec>, Made<@Nullable Normalized>> normalized;
            private final Map<Normalized, GroupMade> groups;
            private final Map<Normalized, ClusterMade> clusters;
            private final Map<Normalized, ClusterMade> shadowClusters;
            private List<IrMappingGroup> order = List.of();
            private @Nullable NamesMade names;
            private @Nullable Made<List<Normalized>> internal;

            private Generation(IrMemo.@Nullable MappingContext context, Memo previous) {
                this.context = context;
                this.previous = previous;
                this.normalized = new java.util.IdentityHashMap<>(previous.normalized.size());
                this.groups = new java.util.IdentityHashMap<>(previous.groups.size());
                this.clusters = new java.util.IdentityHashMap<>(previous.clusters.size());
                this.shadowClusters = new java.util.IdentityHashMap<>(previous.shadowClusters.size());
            }

            @Nullable Made<@Nullable Normalized> normalized(Resource<MappingSpec> resource) {
                Made<@Nullable Normalized> known = previous.normalized.get(resource);
                if (known != null) {
                    normalized.put(resource, known);
                }
                return known;
            }

            void rememberNormalized(Resource<MappingSpec> resource, Made<@Nullable Normalized> made) {
                normalized.put(resource, made);
            }

            /** The group the previous build made with this first member, if any (to be compared with its key). */
            @Nullable GroupMade group(Normalized first) {
                return previous.groups.get(first);
            }

            void rememberGroup(Normalized first, GroupMade made) {
                groups.put(first, made);
            }

            /** A Mapping's cluster as the previous build made it (the marker is "shadow" or the Mapping's own). */
            @Nullable ClusterMade cluster(Normalized m, @Nullable String marker) {
                Map<Normalized, ClusterMade> byMapping = "shadow".equals(marker) ? shadowClusters : clusters;
                ClusterMade known = byMapping.get(m);
                if (known == null) {
                    known = ("shadow".equals(marker) ? previous.shadowClusters : previous.clusters).get(m);
                    if (known != null) {
                        byMapping.put(m, known);
                    }
                }
                return known;
            }

            void rememberCluster(Normalized m, @Nullable String marker, ClusterMade made) {
                ("shadow".equals(marker) ? shadowClusters : clusters).put(m, made);
            }

            /** The previous build's groups sorted by weight (empty if there is none to reuse). */
            List<IrMappingGroup> previousOrder() {
                return previous.order;
            }

            void rememberOrder(List<IrMappingGroup> ascending) {
                order = ascending;
            }

            /** What the previous build's naming of clusters made (null if there is none to reuse). */
            @Nullable NamesMade previousNames() {
                return previous.names;
            }

            void rememberNames(NamesMade made) {
                names = made;
            }

            /** The previous build's built-in probe Mappings (null if there are none to reuse). */
            @Nullable Made<List<Normalized>> internal() {
                return previous.internal;
            }

            void rememberInternal(Made<List<Normalized>> made) {
                internal = made;
            }

            Memo done() {
                return context == null ? EMPTY
                        : new Memo(context, normalized, groups, clusters, shadowClusters, order, names, internal);
            }
        }
    }

    private IrMappingGroup toIr(Group group, Map<String, String> envoyNames) {
        Normalized head = group.redirect != null ? group.redirect : group.mappings.get(0);
        // Group-level fields: Emissary flattens the Mappings' keys into the group, the last one winning.
        Map<String, IrRoute.IrHeaderValue> addRequest = new LinkedHashMap<>();
        Map<String, IrRoute.IrHeaderValue> addResponse = new LinkedHashMap<>();
        List<String> removeRequest = new ArrayList<>();
        List<String> removeResponse = new ArrayList<>();
        Map<String, String> labels = new TreeMap<>();
        CorsPolicy cors = null;
        RetryPolicy retry = null;
        MappingSpec.RegexMap regexRewrite = null;
        List<String> upgrades = new ArrayList<>();
        String priority = null;
        MappingSpec.LoadBalancer lb = null;
        List<Normalized> members = group.redirect != null ? List.of(group.redirect) : group.mappings;
        List<String> sources = new ArrayList<>();
        for (Normalized m : members) {
            MappingSpec s = m.spec();
            sources.add(m.key().toString());
            addHeaders(addRequest, s.addRequestHeaders());
            addHeaders(addResponse, s.addResponseHeaders());
            if (s.removeRequestHeaders() != null) {
                removeRequest = new ArrayList<>(s.removeRequestHeaders());
            }
            if (s.removeResponseHeaders() != null) {
                removeResponse = new ArrayList<>(s.removeResponseHeaders());
            }
            labels.putAll(m.labels());
            cors = s.cors() != null ? s.cors() : cors;
            retry = s.retryPolicy() != null ? s.retryPolicy() : retry;
            regexRewrite = s.regexRewrite() != null ? s.regexRewrite() : regexRewrite;
            priority = s.priority() != null ? s.priority() : priority;
            lb = s.loadBalancer() != null ? s.loadBalancer() : lb;
            if (s.allowUpgrade() != null) {
                upgrades = new ArrayList<>(s.allowUpgrade());
            }
            if (Boolean.TRUE.equals(s.useWebsocket()) && !upgrades.contains("websocket")) {
                upgrades.add("websocket");
            }
        }
        if (cors == null) {
            cors = settings.cors();
        }
        if (retry == null) {
            retry = settings.retryPolicy();
        }
        if (lb == null) {
            lb = module.loadBalancer();
        }
        if (head.spec().addLinkerdHeaders() != null ? head.spec().addLinkerdHeaders()
                : Boolean.TRUE.equals(module.addLinkerdHeaders())) {
            String hostPort = head.service().hostname() + ":" + (head.service().port() >= 0 ? head.service().port()
                    : 80);
            addRequest.put("l5d-dst-override", new IrRoute.IrHeaderValue("l5d-dst-override", hostPort, true));
        }
        List<IrRoute> routes = new ArrayList<>();
        IrRoute.PathKind kind = Boolean.TRUE.equals(head.spec().prefixRegex()) ? IrRoute.PathKind.REGEX
                : Boolean.TRUE.equals(head.spec().prefixExact()) ? IrRoute.PathKind.PATH : IrRoute.PathKind.PREFIX;
        IrRouteAction.Mirror mirror = null;
        if (group.shadow != null) {
            Integer w = group.shadow.spec().weight();
            mirror = new IrRouteAction.Mirror(envoyNames.get(group.clusterOf.get(group.shadow)), w == null ? 100 : w);
        }
        if (group.redirect != null) {
            Normalized r = group.redirect;
            MappingSpec s = r.spec();
            int code = s.redirectResponseCode() == null ? 301 : s.redirectResponseCode();
            String pathRedirect = s.pathRedirect();
            String prefixRedirect = pathRedirect == null ? s.prefixRedirect() : null;
            MappingSpec.RegexMap regexRedirect = pathRedirect == null && prefixRedirect == null ? s.regexRedirect()
                    : null;
            IrRoute.IrRouteMatch match = new IrRoute.IrRouteMatch(kind, r.prefix(), caseSensitive(s), 100, null,
                    r.headers(), r.queryParameters());
            routes.add(new IrRoute(match, new IrRouteAction.Redirect(r.service().normalized(), pathRedirect,
                    prefixRedirect, regexRedirect, code), List.copyOf(addRequest.values()),
                    List.copyOf(addResponse.values()), removeRequest, removeResponse, true, List.of(),
                    Provenance.of(r.key()), List.of()));
        } else {
            for (Normalized m : group.mappings) {
                MappingSpec s = m.spec();
                String cluster = envoyNames.get(group.clusterOf.get(m));
                long timeout = s.timeoutMs() != null ? s.timeoutMs() : m.defaultTimeoutMs();
                String rewrite = regexRewrite != null ? null : (m.rewrite().isEmpty() ? null : m.rewrite());
                IrRouteAction.Forward action = new IrRouteAction.Forward(cluster, timeout, s.idleTimeoutMs(), rewrite,
                        regexRewrite, s.hostRewrite(), s.autoHostRewrite(), hashingPolicy(lb), cors,
                        cors == null ? null : "routing.cors_enabled." + group.groupId, retry, mirror, upgrades,
                        priority);
                List<IrRoute.IrHeaderValue> context = new ArrayList<>();
                if (s.authContextExtensions() != null) {
                    new TreeMap<>(s.authContextExtensions()).forEach((k, v) ->
                            context.add(new IrRoute.IrHeaderValue(k, v, false)));
                }
                IrRoute.IrRouteMatch match = new IrRoute.IrRouteMatch(kind, m.prefix(), caseSensitive(s),
                        group.weights.getOrDefault(m, 100), "routing.traffic_shift." + cluster, m.headers(),
                        m.queryParameters());
                routes.add(new IrRoute(match, action, List.copyOf(addRequest.values()),
                        List.copyOf(addResponse.values()), removeRequest, removeResponse,
                        Boolean.TRUE.equals(s.bypassAuth()), context, Provenance.of(m.key()),
                        labelsOf(m)));
            }
        }
        return new IrMappingGroup(group.groupId, group.weight, head.hostGlob(), head.hostRegex(), labels,
                head.internal(), routes, new Provenance(sources));
    }

    /** Rate-limit labels are a core key (equal across a group), so each Mapping's own are its group's. */
    private List<IrLabelGroup> labelsOf(Normalized m) {
        return RateLimitLabels.parse(m.spec().labels(), module, m.key(), diagnostics);
    }

    private static MappingSpec.@Nullable LoadBalancer hashingPolicy(MappingSpec.@Nullable LoadBalancer lb) {
        if (lb == null || lb.policy() == null) {
            return null;
        }
        return lb.policy().equals("ring_hash") || lb.policy().equals("maglev") ? lb : null;
    }

    private static boolean caseSensitive(MappingSpec spec) {
        return spec.caseSensitive() == null || spec.caseSensitive();
    }

    private static void addHeaders(Map<String, IrRoute.IrHeaderValue> into,
            @Nullable Map<String, MappingSpec.AddedHeader> headers) {
        if (headers == null) {
            return;
        }
        headers.forEach((name, h) -> into.put(name, new IrRoute.IrHeaderValue(name,
                h == null || h.value() == null ? "" : h.value(), h == null || h.append() == null || h.append())));
    }
}
