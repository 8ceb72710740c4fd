package dev.legate.compiler.ir;

import dev.legate.compiler.Diagnostic;
import dev.legate.model.CircuitBreaker;
import dev.legate.model.ModuleSpec;
import dev.legate.model.Resource;
import dev.legate.model.TCPMappingSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * TCPMappings to TCP mapping groups and their clusters, as Emissary's irtcpmapping.py and irtcpmappinggroup.py do:
 * TCPMappings with the same address, port and host form one group (a canary), whose Mappings must agree on the
 * group's core fields; each Mapping gets a cluster named like a Mapping's ({@code cluster_<service>_<namespace>},
 * with {@code cluster_tag}, {@code _otls} and circuit breakers in the name).
 */
final class TcpMappingCompiler {

    /**
     * One group, ready to bind to a listener.
     *
     * @param name Emissary's group name, {@code GROUP: <first TCPMapping's name>}
     * @param bindAddress the address to listen on ({@code 0.0.0.0} unless {@code address} is set)
     * @param host the SNI name to match, or null for every connection
     * @param tls the TLSContext name given in {@code tls}, which originates TLS to the upstream (not termination)
     */
    record IrTcpGroup(String name, String bindAddress, int port, @Nullable String host,
            List<IrListener.IrTcpRoute> routes, @Nullable Long idleTimeoutMs, Provenance provenance) {

        String bindKey() {
            return "tcp-" + bindAddress + "-" + port;
        }
    }

    private record Member(Resource<TCPMappingSpec> resource, String cluster) {
    }

    private final IrSettings settings;
    private final ModuleSpec.AmbassadorConfig module;
    private final Map<String, IrTlsContext> contexts;
    private final Resolvers resolvers;
    private final List<Diagnostic> diagnostics;

    TcpMappingCompiler(IrSettings settings, ModuleSpec.AmbassadorConfig module, Map<String, IrTlsContext> contexts,
            Resolvers resolvers, List<Diagnostic> diagnostics) {
        this.settings = settings;
        this.module = module;
        this.contexts = contexts;
        this.resolvers = resolvers;
        this.diagnostics = diagnostics;
    }

    /** Compiles the groups; new clusters are added to {@code clusters} (which holds the Mappings' already). */
    List<IrTcpGroup> compile(List<Resource<TCPMappingSpec>> mappings, List<IrCluster> clusters) {
        Map<String, IrCluster> byName = new LinkedHashMap<>();
        Set<String> envoyNames = new HashSet<>();
        for (IrCluster c : clusters) {
            byName.put(c.name(), c);
            envoyNames.add(c.envoyName());
        }
        Map<String, List<Member>> groups = new LinkedHashMap<>();
        Map<String, Resource<TCPMappingSpec>> firsts = new TreeMap<>();
        List<IrCluster> added = new ArrayList<>();
        for (Resource<TCPMappingSpec> r : mappings) {
            TCPMappingSpec spec = r.spec();
            String groupId = ClusterNames.sha1("TCP-" + (spec.address() == null ? "*" : spec.address())
                    + spec.port() + (spec.host() == null ? "*" : spec.host()));
            Resource<TCPMappingSpec> first = firsts.get(groupId);
            if (first != null) {
                String mismatch = mismatch(first.spec(), spec);
                if (mismatch != null) {
                    diagnostics.add(Diagnostic.error(r.key(), "cannot join the group of " + first.key()
                            + ": mismatched " + mismatch + "; TCPMappings on one address, port and host must set "
                            + "these fields alike"));
                    continue;
                }
            }
            IrCluster cluster = cluster(r, byName);
            if (cluster == null) {
                continue;
            }
            if (!byName.containsKey(cluster.name())) {
                byName.put(cluster.name(), cluster);
                added.add(cluster);
            }
            firsts.putIfAbsent(groupId, r);
            groups.computeIfAbsent(groupId, k -> new ArrayList<>()).add(new Member(r, cluster.name()));
        }
        // Envoy names over every cluster, as Emissary shortens them; a name a Mapping cluster already holds is
        // never given again.
        Map<String, String> shortened = ClusterNames.envoyNames(byName.keySet());
        Map<String, String> envoyNameOf = new TreeMap<>();
        for (IrCluster c : added) {
            String name = shortened.get(c.name());
            int counter = 0;
            while (envoyNames.contains(name)) {
                name = shortened.get(c.name()).replaceFirst("-\\d+$", "") + "-" + (++counter + 1000);
            }
            envoyNames.add(name);
            envoyNameOf.put(c.name(), name);
            clusters.add(c.withEnvoyName(name));
        }
        clusters.sort(java.util.Comparator.comparing(IrCluster::envoyName));
        byName.values().forEach(c -> envoyNameOf.putIfAbsent(c.name(), c.envoyName()));

        List<IrTcpGroup> out = new ArrayList<>();
        for (List<Member> members : groups.values()) {
            IrTcpGroup group = group(members, envoyNameOf);
            if (group != null) {
                out.add(group);
            }
        }
        return out;
    }

    /** Emissary's IRTCPMappingGroup.CoreMappingKeys. */
    private static @Nullable String mismatch(TCPMappingSpec a, TCPMappingSpec b) {
        List<String> out = new ArrayList<>();
        check(out, "address", a.address(), b.address());
        check(out, "circuit_breakers", a.circuitBreakers(), b.circuitBreakers());
        check(out, "enable_ipv4", a.enableIpv4(), b.enableIpv4());
        check(out, "enable_ipv6", a.enableIpv6(), b.enableIpv6());
        check(out, "host", a.host(), b.host());
        check(out, "idle_timeout_ms", a.idleTimeoutMs(), b.idleTimeoutMs());
        check(out, "port", a.port(), b.port());
        check(out, "tls", a.tls(), b.tls());
        return out.isEmpty() ? null : String.join(", ", out);
    }

    private static void check(List<String> out, String field, @Nullable Object first, @Nullable Object later) {
        if (!Objects.equals(first, later)) {
            out.add(field);
        }
    }

    private @Nullable IrCluster cluster(Resource<TCPMappingSpec> r, Map<String, IrCluster> existing) {
        TCPMappingSpec spec = r.spec();
        Resolvers.IrResolver resolver = UpstreamChecks.resolver(resolvers, spec.resolver(), module.resolver(),
                r.key(), diagnostics);
        if (resolver == null || !UpstreamChecks.mappingFitsResolver(resolver, false, spec.service(), r.key(),
                diagnostics)) {
            return null;
        }
        ServiceName service;
        try {
            service = ServiceName.parse(Objects.requireNonNull(spec.service()), r.namespace(),
                    settings.ambassadorNamespace(), !settings.useAmbassadorNamespaceForServiceResolution()
                            && Resolvers.qualifiesServiceNames(resolver));
        } catch (ServiceName.MalformedServiceException e) {
            diagnostics.add(Diagnostic.error(r.key(), "spec.service: " + e.getMessage() + "; not routed"));
            return null;
        }
        List<String> fields = new ArrayList<>();
        fields.add("cluster");
        if (spec.clusterTag() != null && !spec.clusterTag().isEmpty()) {
            fields.add(spec.clusterTag());
        }
        fields.add(service.normalized());
        IrTlsContext ctx = null;
        if (spec.tls() != null && !spec.tls().isEmpty()) {
            ctx = contexts.get(spec.tls());
            if (ctx == null) {
                diagnostics.add(Diagnostic.error(r.key(), "spec.tls: TLSContext " + spec.tls() + " does not exist; "
                        + "not routed"));
                return null;
            }
        }
        if (service.scheme() != null && !"https".equals(service.scheme()) && !"http".equals(service.scheme())) {
            diagnostics.add(Diagnostic.warning(r.key(), "spec.service: scheme " + service.scheme() + " means "
                    + "nothing to a TCPMapping; ignored"));
        }
        List<String> origination = ClusterNames.originationParts(service.scheme(), ctx,
                ClusterNames.TlsOrigination.NONE);
        boolean originate = !origination.isEmpty();
        fields.addAll(origination);
        fields.add(r.namespace());
        List<CircuitBreaker> breakers = spec.circuitBreakers() != null ? spec.circuitBreakers()
                : module.circuitBreakers() != null ? module.circuitBreakers() : List.of();
        for (CircuitBreaker b : breakers) {
            fields.add(ClusterNames.circuitBreakerPart(b));
        }
        String name = ClusterNames.sanitize(String.join("_", fields));
        int port = service.port() >= 0 ? service.port() : originate ? 443 : 80;
        IrEndpointSource source = Resolvers.endpointSource(resolver, service.hostname(), port, r.namespace(),
                settings, List.of());
        IrCluster known = existing.get(name);
        if (known != null) {
            if (Objects.equals(known.endpointSource() == null ? null : known.endpointSource().serviceName(),
                    source == null ? null : source.serviceName())) {
                return known;
            }
            diagnostics.add(Diagnostic.error(r.key(), "spec.resolver: cluster " + name + " is already defined by "
                    + known.provenance().primary() + " with a different resolver; use cluster_tag to give this "
                    + "TCPMapping its own cluster; not routed"));
            return null;
        }
        boolean ipv4 = spec.enableIpv4() != null ? spec.enableIpv4() : settings.enableIpv4();
        boolean ipv6 = spec.enableIpv6() != null ? spec.enableIpv6() : settings.enableIpv6();
        String family = ipv6 ? (ipv4 ? "AUTO" : "V6_ONLY") : "V4_ONLY";
        String statsName = spec.statsName() != null && !spec.statsName().isEmpty() ? spec.statsName()
                : ClusterNames.sanitize(service.normalized().replaceFirst("^[a-z]+://", ""));
        return new IrCluster(name, name, statsName, "STRICT_DNS", "ROUND_ROBIN", 3000, service.hostname(), port,
                false, originate, ctx == null ? null : ctx.name(), originate && ctx != null ? ctx.sni() : null,
                breakers, settings.clusterIdleTimeoutMs(), settings.clusterMaxConnectionLifetimeMs(), false, family,
                Provenance.of(r.key()), source, null);
    }

    private @Nullable IrTcpGroup group(List<Member> members, Map<String, String> envoyNameOf) {
        Resource<TCPMappingSpec> head = members.get(0).resource();
        // Emissary's normalize_weights_in_mappings, but the proportions go to Envoy (Emissary writes its cumulative
        // running totals, so a 20% canary gets 16.67%).
        List<Member> weighted = new ArrayList<>();
        List<Member> weightless = new ArrayList<>();
        int total = 0;
        for (Member m : members) {
            Integer w = m.resource().spec().weight();
            if (w != null) {
                total += w;
                weighted.add(m);
            } else {
                weightless.add(m);
            }
        }
        if (total > 100) {
            diagnostics.add(Diagnostic.error(head.key(), "the weights of the TCPMapping group " + members.stream()
                    .map(m -> m.resource().key().toString()).toList() + " add up to " + total + ", over 100; the "
                    + "group is not routed"));
            return null;
        }
        List<IrListener.IrTcpRoute> routes = new ArrayList<>();
        int cumulative = 0;
        for (Member m : weighted) {
            int w = m.resource().spec().weight();
            cumulative += w;
            if (w > 0) {
                routes.add(new IrListener.IrTcpRoute(envoyNameOf.get(m.cluster()), w));
            }
        }
        if (!weightless.isEmpty()) {
            int each = (int) Math.round((double) (100 - total) / weightless.size());
            for (int i = 0; i < weightless.size(); i++) {
                int next = i == weightless.size() - 1 ? 100 : cumulative + each;
                if (next - cumulative > 0) {
                    routes.add(new IrListener.IrTcpRoute(envoyNameOf.get(weightless.get(i).cluster()),
                            next - cumulative));
                }
                cumulative = next;
            }
        }
        if (routes.isEmpty()) {
            diagnostics.add(Diagnostic.error(head.key(), "every TCPMapping of this group has weight 0; not routed"));
            return null;
        }
        TCPMappingSpec spec = head.spec();
        Long idle = spec.idleTimeoutMs() == null ? null
                : dev.legate.compiler.ir.UpstreamChecks.idleTimeout(spec.idleTimeoutMs(), head.key(), diagnostics);
        List<String> sources = members.stream().map(m -> m.resource().key().toString()).toList();
        return new IrTcpGroup("GROUP: " + head.name(), spec.address() == null ? ListenerBinder.BIND_ADDRESS
                : spec.address(), spec.port(), spec.host(), routes, idle, new Provenance(sources));
    }
}
