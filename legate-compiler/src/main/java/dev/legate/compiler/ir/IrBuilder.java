package dev.legate.compiler.ir;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.Diagnostic;
import dev.legate.model.HostSpec;
import dev.legate.model.ListenerSpec;
import dev.legate.model.MappingSpec;
import dev.legate.model.ModuleSpec;
import dev.legate.model.Resource;
import dev.legate.model.SecretSpec;
import dev.legate.model.ResolverSpec;
import dev.legate.model.TCPMappingSpec;
import dev.legate.model.TLSContextSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@link Ir} from validated resources, in Emissary's order: the ambassador Module, TLS contexts, Hosts
 * (or the default Host), Mappings and their clusters, then Listeners with their chains and routes.
 */
public final class IrBuilder {

    private IrBuilder() {
    }

    /** The validated resources of one configuration, by kind, each list in a stable order. */
    public record Inputs(List<Resource<MappingSpec>> mappings, List<Resource<HostSpec>> hosts,
            List<Resource<ListenerSpec>> listeners, List<Resource<TLSContextSpec>> tlsContexts,
            List<Resource<ModuleSpec>> modules, Map<String, SecretSpec> secrets, String ambassadorNamespace,
            List<Resource<TCPMappingSpec>> tcpMappings, List<Resource<ResolverSpec>> resolvers,
            ServiceInputs services) {

        public Inputs {
            tcpMappings = List.copyOf(tcpMappings);
            resolvers = List.copyOf(resolvers);
            mappings = List.copyOf(mappings);
            hosts = List.copyOf(hosts);
            listeners = List.copyOf(listeners);
            tlsContexts = List.copyOf(tlsContexts);
            modules = List.copyOf(modules);
            secrets = Map.copyOf(secrets);
            requireNonNull(ambassadorNamespace, "ambassadorNamespace");
            requireNonNull(services, "services");
        }

        /** The same inputs with other AuthService, RateLimitService, LogService and TracingService inputs. */
        public Inputs withServices(ServiceInputs replacement) {
            return new Inputs(mappings, hosts, listeners, tlsContexts, modules, secrets, ambassadorNamespace,
                    tcpMappings, resolvers, replacement);
        }

        /**
         * Sorts accepted resources by kind; TLS Secrets are keyed {@code name.namespace}. Kinds the IR does not use
         * (Services, kinds not compiled yet) are left out.
         */
        @SuppressWarnings("unchecked")
        public static Inputs of(List<Resource<?>> resources, String ambassadorNamespace) {
            List<Resource<MappingSpec>> mappings = new ArrayList<>();
            List<Resource<HostSpec>> hosts = new ArrayList<>();
            List<Resource<ListenerSpec>> listeners = new ArrayList<>();
            List<Resource<TLSContextSpec>> contexts = new ArrayList<>();
            List<Resource<ModuleSpec>> modules = new ArrayList<>();
            Map<String, SecretSpec> secrets = new java.util.TreeMap<>();
            List<Resource<TCPMappingSpec>> tcpMappings = new ArrayList<>();
            List<Resource<ResolverSpec>> resolvers = new ArrayList<>();
            for (Resource<?> r : resources) {
                switch (r.spec()) {
                    case MappingSpec m -> mappings.add((Resource<MappingSpec>) r);
                    case HostSpec h -> hosts.add((Resource<HostSpec>) r);
                    case ListenerSpec l -> listeners.add((Resource<ListenerSpec>) r);
                    case TLSContextSpec t -> contexts.add((Resource<TLSContextSpec>) r);
                    case ModuleSpec m -> modules.add((Resource<ModuleSpec>) r);
                    case SecretSpec secret -> secrets.put(r.name() + "." + r.namespace(), secret);
                    case TCPMappingSpec t -> tcpMappings.add((Resource<TCPMappingSpec>) r);
                    case ResolverSpec rs -> resolvers.add((Resource<ResolverSpec>) r);
                    default -> {
                    }
                }
            }
            return new Inputs(mappings, hosts, listeners, contexts, modules, secrets, ambassadorNamespace,
                    tcpMappings, resolvers, ServiceInputs.of(resources));
        }
    }

    public static IrResult build(Inputs inputs) {
        return build(inputs, IrMemo.EMPTY.next());
    }

    /**
     * As {@link #build(Inputs)}, reusing what the build that made {@code memo}'s previous memo made from equal inputs
     * (see {@link IrMemo}); the result is the same. Fills {@code memo} for the next build.
     */
    public static IrResult build(Inputs inputs, IrMemo.Generation memo) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        ModuleSpec.AmbassadorConfig module = ambassadorModule(inputs, diagnostics);
        IrSettings settings = SettingsResolver.resolve(module, inputs.ambassadorNamespace());
        if (module.xffNumTrustedHops() != null && module.xffNumTrustedHops() > 0) {
            diagnostics.add(Diagnostic.notice("Module/ambassador." + inputs.ambassadorNamespace(),
                    "xff_num_trusted_hops applies to every Listener without an l7Depth (Emissary ignores it)"));
        }

        HostResolver hostResolver = new HostResolver(inputs.secrets(), inputs.ambassadorNamespace(), diagnostics);
        hostResolver.addTlsContexts(inputs.tlsContexts());
        List<IrHost> hosts = hostResolver.hosts(inputs.hosts());

        ServiceCompiler.Compiled services = new ServiceCompiler(settings, module, hostResolver.contexts(), diagnostics)
                .compile(inputs.services());
        List<IrCluster> clusters = new ArrayList<>();
        Resolvers resolvers = new Resolvers(inputs.resolvers());
        MappingCompiler mappings = new MappingCompiler(settings, module, hosts, hostResolver.contexts(), diagnostics,
                resolvers, memo.mappings(new IrMemo.MappingContext(settings, module, hosts,
                        Map.copyOf(hostResolver.contexts()), inputs.resolvers())));
        List<IrMappingGroup> groups = mappings.compile(inputs.mappings(), clusters);
        List<TcpMappingCompiler.IrTcpGroup> tcpGroups = tcpGroups(inputs, settings, module, hostResolver.contexts(),
                resolvers, clusters, diagnostics, memo);
        clusters = withServiceClusters(clusters, services.clusters());

        List<IrListener> listeners = new ListenerBinder(settings, hosts, groups, diagnostics, memo.bindings()).bind(inputs.listeners());
        listeners = new TcpBinder(hosts, List.copyOf(hostResolver.contexts().values()), diagnostics)
                .bind(inputs.listeners(), listeners, tcpGroups);
        if (inputs.listeners().isEmpty() && tcpGroups.isEmpty()) {
            diagnostics.add(Diagnostic.notice("Module/ambassador." + inputs.ambassadorNamespace(), "there is no "
                    + "Listener, so Envoy listens on no traffic port; declare Listeners (Emissary's chart uses 8080 "
                    + "HTTP and 8443 HTTPS)"));
        }
        reportUnrouted(inputs.mappings(), listeners, diagnostics, memo);
        // Emissary emits every cluster a Mapping asked for, routed or not; so do we, for stable names and stats.
        List<IrTlsContext> contexts = new ArrayList<>(hostResolver.contexts().values());
        contexts.sort(java.util.Comparator.comparing(IrTlsContext::name));
        return new IrResult(new Ir(settings, listeners, clusters, contexts, hosts, groups, services.services()),
                diagnostics);
    }

    /**
     * The TCPMappings' groups; their clusters are added to {@code clusters}. Reused from the previous build when all
     * it reads is equal (an edit of a Mapping leaves the TCPMappings alone), its diagnostics reported again in order.
     */
    private static List<TcpMappingCompiler.IrTcpGroup> tcpGroups(Inputs inputs, IrSettings settings,
            ModuleSpec.AmbassadorConfig module, Map<String, IrTlsContext> contexts, Resolvers resolvers,
            List<IrCluster> clusters, List<Diagnostic> diagnostics, IrMemo.Generation memo) {
        if (inputs.tcpMappings().isEmpty()) {
            return new TcpMappingCompiler(settings, module, contexts, resolvers, diagnostics)
                    .compile(inputs.tcpMappings(), clusters);
        }
        IrMemo.TcpInputs key = new IrMemo.TcpInputs(settings, module, contexts, inputs.resolvers(),
                inputs.tcpMappings(), clusters);
        IrMemo.TcpMade made = memo.tcp(key);
        if (made == null) {
            List<Diagnostic> own = new ArrayList<>();
            List<TcpMappingCompiler.IrTcpGroup> groups = new TcpMappingCompiler(settings, module, contexts, resolvers,
                    own).compile(inputs.tcpMappings(), clusters);
            made = new IrMemo.TcpMade(key, groups, clusters, own);
        } else {
            clusters.clear();
            clusters.addAll(made.clustersAfter());
        }
        memo.tcpMade(made);
        diagnostics.addAll(made.diagnostics());
        return made.groups();
    }

    /**
     * Adds the clusters of the AuthService, RateLimitService, LogServices and TracingService, sorted by Envoy name.
     * When a Mapping needs a cluster of the same name (e.g. a Mapping to the rate limit service itself), the
     * service's definition wins, as Emissary creates those first.
     */
    private static List<IrCluster> withServiceClusters(List<IrCluster> mappingClusters, List<IrCluster> services) {
        if (services.isEmpty()) {
            return mappingClusters;
        }
        // As a map by name, the later definition of a name winning, in name order; made by a sort (stable: equal
        // names in the order given) of lists that come nearly sorted, rather than ten thousand tree insertions.
        Map<String, IrCluster> serviceByName = new java.util.HashMap<>();
        services.forEach(c -> serviceByName.put(c.envoyName(), c));
        List<IrCluster> all = new ArrayList<>(mappingClusters.size() + serviceByName.size());
        for (IrCluster c : mappingClusters) {
            if (!serviceByName.containsKey(c.envoyName())) {
                all.add(c);
            }
        }
        all.addAll(serviceByName.values());
        all.sort(java.util.Comparator.comparing(IrCluster::envoyName));
        List<IrCluster> byName = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            if (i + 1 < all.size() && all.get(i + 1).envoyName().equals(all.get(i).envoyName())) {
                continue; // a later definition of the same name follows
            }
            byName.add(all.get(i));
        }
        return byName;
    }

    private static ModuleSpec.AmbassadorConfig ambassadorModule(Inputs inputs, List<Diagnostic> diagnostics) {
        Resource<ModuleSpec> chosen = null;
        for (Resource<ModuleSpec> m : inputs.modules()) {
            if (!m.name().equals("ambassador")) {
                continue;
            }
            if (chosen != null) {
                diagnostics.add(Diagnostic.error(m.key(), "more than one ambassador Module; using " + chosen.key()));
                continue;
            }
            chosen = m;
        }
        return chosen == null || chosen.spec().config() == null ? ModuleSpec.AmbassadorConfig.EMPTY
                : chosen.spec().config();
    }

    private static void reportUnrouted(List<Resource<MappingSpec>> mappings, List<IrListener> listeners,
            List<Diagnostic> diagnostics, IrMemo.Generation memo) {
        // Each segment (one group's routes bound to one Host) knows the Mappings it routes; the binder hands back the
        // same segment instances for unchanged groups, with their source strings (and cached hashes).
        Set<String> routed = HashSet.newHashSet(mappings.size());
        for (IrListener l : listeners) {
            for (IrListener.IrFilterChain chain : l.filterChains()) {
                for (IrListener.IrVirtualHost vhost : chain.virtualHosts()) {
                    for (List<IrListener.IrBoundRoute> segment : vhost.segments()) {
                        List<String> sources = RouteSegments.sources(segment);
                        for (int i = 0; i < sources.size(); i++) {
                            routed.add(sources.get(i));
                        }
                    }
                }
            }
        }
        List<String> unrouted = new ArrayList<>();
        for (Resource<MappingSpec> m : mappings) {
            String key = memo.mappingKey(m.key());
            if (!Boolean.TRUE.equals(m.spec().shadow()) && !routed.contains(key)) {
                unrouted.add(key);
            }
        }
        if (unrouted.isEmpty()) {
            return;
        }
        Set<String> explained = new HashSet<>();
        for (Diagnostic d : diagnostics) {
            if (d.severity() == Diagnostic.Severity.ERROR) {
                explained.add(d.source()); // already explained by an error
            }
        }
        for (String key : unrouted) {
            if (explained.add(key)) {
                diagnostics.add(Diagnostic.notice(key, "not routed: no Host on any Listener takes this Mapping "
                        + "(check hostname and the Hosts' mappingSelector)"));
            }
        }
    }
}
