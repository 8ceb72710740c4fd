package dev.legate.compiler.envoy;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.legate.compiler.Diagnostic;
import dev.legate.compiler.ir.Ir;
import dev.legate.compiler.ir.IrCluster;
import dev.legate.compiler.ir.IrListener;
import dev.legate.compiler.ir.IrRuntimeFlag;
import dev.legate.compiler.ir.IrTlsContext;
import dev.legate.envoy.constraints.EnvoyConstraints;
import dev.legate.model.SecretSpec;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import org.jspecify.annotations.Nullable;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * IR to Envoy v3 resources. Every resource is checked against Envoy's own field constraints before it is returned;
 * one that fails is left out with a diagnostic naming the source resource, and so is everything that depends on it
 * (a route to a dropped cluster), so that what remains is always a configuration Envoy accepts.
 */
public final class EnvoyTranslator {

    private final EnvoyConstraints constraints;
    /** The routes of the last translation, for the next (see {@link RouteMemo}). */
    private volatile RouteMemo routeMemo = RouteMemo.EMPTY;
    /**
     * The clusters of the last translation that originate no TLS, by Envoy name, with the IR cluster each was made
     * from (compared by instance, then by value: records all the way down) and their constraint violations: such a cluster's translation reads nothing but the (immutable) IR cluster, so
     * an equal IR cluster (the IR builder's reused instance, or one made again, as for every TCPMapping on each
     * build) gets the very same {@link Cluster} back, unchecked again and, being the same instance, not
     * serialized again by the ADS server. Clusters that originate TLS are translated every time: their translation
     * registers the secrets they name, in order. Kept only for equal settings, to be safe.
     */
    private volatile ClustersMade clustersMade = new ClustersMade(null, Map.of());
    /**
     * The constraint violations of the last translation's listeners and route configuration shells (the route
     * configurations without their routes), by message value: a violation list is a function of the message alone,
     * and comparing a listener with last time's is far cheaper than validating it again on every edit.
     */
    private volatile Map<com.google.protobuf.Message, List<String>> checkedBefore = Map.of();

    /**
     * The listeners of the last translation by name, made in a context (settings and services, all that a listener's
     * translation reads besides the IR listener: {@link ListenerTranslator} and every {@link HttpFilter} must keep it
     * so); see {@link ListenerShape}. Holds the shapes (small) and the messages (the output's own).
     */
    private volatile ListenersMade listenersMade = new ListenersMade(List.of(), Map.of());

    private record ListenersMade(Object context, Map<String, ListenerMade> byName) {
    }

    /** A listener as made: what it was made from, the message, its constraint violations. */
    private record ListenerMade(ListenerShape shape, Listener listener, List<String> violations) {
        ListenerMade {
            violations = List.copyOf(violations);
        }
    }

    /**
     * What a listener's translation reads from its IR listener: everything but the routes of its virtual hosts, which
     * its connection managers refer to by route configuration name only. Records all the way down: compared by value.
     */
    private record ListenerShape(IrListener listener) {
        static ListenerShape of(IrListener l) {
            List<IrListener.IrFilterChain> chains = new ArrayList<>(l.filterChains().size());
            for (IrListener.IrFilterChain c : l.filterChains()) {
                chains.add(new IrListener.IrFilterChain(c.name(), c.tls(), c.serverNames(), List.of()));
            }
            return new ListenerShape(l.withChains(chains, l.tcpChains()));
        }

        /** The TLS contexts its chains terminate TLS with, whose secrets the translation registers. */
        List<IrTlsContext> tlsContexts() {
            List<IrTlsContext> contexts = new ArrayList<>();
            listener.tcpChains().forEach(c -> {
                if (c.tls() != null) {
                    contexts.add(c.tls());
                }
            });
            listener.filterChains().forEach(c -> {
                if (c.tls() != null) {
                    contexts.add(c.tls());
                }
            });
            return contexts;
        }
    }

    /**
     * The endpoint assignments of the last translation, with what they were made from: the endpoint index (the
     * compiler hands over the same instance while the resources that feed it are the same) and the EDS clusters (the
     * same instances, mostly: their list compares by instance first).
     */
    private volatile AssignmentsMade assignmentsMade = new AssignmentsMade(null, List.of(),
            new EndpointTranslator.Assignments(List.of(), List.of()));

    private record AssignmentsMade(dev.legate.compiler.ir.@Nullable EndpointIndex endpoints, List<IrCluster> clusters,
            EndpointTranslator.Assignments assignments) {
    }

    private record ClusterMade(IrCluster from, Cluster cluster, List<String> violations) {
        ClusterMade {
            violations = List.copyOf(violations);
        }
    }

    private record ClustersMade(dev.legate.compiler.ir.@Nullable IrSettings settings,
            Map<String, ClusterMade> byName) {
    }

    public EnvoyTranslator(EnvoyConstraints constraints) {
        this.constraints = requireNonNull(constraints, "constraints");
    }

    /** The resources and the problems found while making them. */
    public record Translation(EnvoyConfig config, List<Diagnostic> diagnostics) {

        public Translation {
            diagnostics = List.copyOf(diagnostics);
        }
    }

    public Translation translate(Ir ir, Map<String, SecretSpec> secretMaterial) {
        return translate(ir, secretMaterial, dev.legate.compiler.ir.EndpointIndex.EMPTY);
    }

    /** As {@link #translate(Ir, Map)}, with the endpoints of EDS clusters taken from {@code endpoints}. */
    public Translation translate(Ir ir, Map<String, SecretSpec> secretMaterial,
            dev.legate.compiler.ir.EndpointIndex endpoints) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        Map<String, IrTlsContext> contexts = new LinkedHashMap<>();
        ir.tlsContexts().forEach(c -> contexts.put(c.name(), c));
        TlsTranslator tls = new TlsTranslator(secretMaterial);

        ClusterTranslator clusterTranslator = new ClusterTranslator(ir.settings(), contexts, tls);
        List<Cluster> clusters = new ArrayList<>();
        Set<String> validClusters = new HashSet<>();
        ClustersMade before = clustersMade;
        Map<String, ClusterMade> madeBefore = ir.settings().equals(before.settings()) ? before.byName()
                : Map.of();
        Map<String, ClusterMade> madeNow = java.util.HashMap.newHashMap(ir.clusters().size());
        for (IrCluster c : ir.clusters()) {
            // By name (hashed once per string), then by instance (the IR builder hands back unchanged clusters), then
            // by value: hashing ten thousand deep records on every edit would cost more than the look-up saves.
            ClusterMade made = c.originateTls() ? null : madeBefore.get(c.envoyName());
            if (made != null && made.from() != c && !made.from().equals(c)) {
                made = null;
            }
            if (made == null) {
                Cluster translated = clusterTranslator.translate(c);
                made = new ClusterMade(c, translated, constraints.violations(translated));
            }
            if (!c.originateTls()) {
                madeNow.put(c.envoyName(), made);
            }
            Cluster cluster = made.cluster();
            List<String> violations = made.violations();
            if (violations.isEmpty()) {
                clusters.add(cluster);
                validClusters.add(c.envoyName());
            } else {
                diagnostics.add(Diagnostic.error(c.provenance().primary(), "cluster " + c.envoyName()
                        + " breaks Envoy's constraints and is left out: " + String.join("; ", violations)));
            }
        }

        clustersMade = new ClustersMade(ir.settings(), madeNow);

        RouteMemo.Generation memo = routeMemo.next(ir.settings(), ir.services(), validClusters);
        RouteTranslator routeTranslator = new RouteTranslator(ir.settings(), ir.services(), constraints, memo);
        ListenerTranslator listenerTranslator = new ListenerTranslator(ir, tls);
        List<Listener> listeners = new ArrayList<>();
        List<RouteConfiguration> routeConfigurations = new ArrayList<>();
        Map<com.google.protobuf.Message, List<String>> checked = new java.util.HashMap<>();
        ListenersMade listenersMade = this.listenersMade;
        Map<String, ListenerMade> listenersBefore = listenersMade.context().equals(memo.translationContext())
                ? listenersMade.byName() : Map.of();
        Map<String, ListenerMade> listenersNow = new java.util.HashMap<>();
        RouteConfigurationTranslator routes = new RouteConfigurationTranslator(routeTranslator, validClusters, memo,
                diagnostics, shell -> checked(shell, checked));
        for (IrListener l : ir.listeners()) {
            List<RouteConfigurationTranslator.Made> own = new ArrayList<>();
            ListenerShape shape = ListenerShape.of(l);
            ListenerMade made = listenersBefore.get(l.name());
            if (made != null && made.shape().equals(shape)) {
                // The same listener as last time (its routes go by name): its route configurations and secrets.
                for (IrListener.IrFilterChain chain : l.filterChains()) {
                    own.add(routes.translate(ListenerTranslator.routeConfigurationName(l, chain),
                            chain.virtualHosts()));
                }
                shape.tlsContexts().forEach(tls::registerDownstream);
            } else {
                Listener translated = listenerTranslator.translate(l, routes::translate, own);
                made = new ListenerMade(shape, translated, checked(translated, checked));
            }
            listenersNow.put(l.name(), made);
            Listener listener = made.listener();
            List<String> violations = new ArrayList<>(made.violations());
            for (RouteConfigurationTranslator.Made rc : own) {
                // Routes were checked one by one; the rest of each route configuration was checked without them.
                violations.addAll(rc.violations());
            }
            if (!violations.isEmpty()) {
                diagnostics.add(Diagnostic.error(l.provenance().primary(), "listener " + l.name()
                        + " breaks Envoy's constraints and is left out: " + String.join("; ", violations)));
                continue;
            }
            listeners.add(listener);
            own.forEach(rc -> routeConfigurations.add(rc.routeConfiguration()));
        }
        listeners.add(listenerTranslator.readyListener());

        List<Secret> secrets = new ArrayList<>();
        for (Secret secret : tls.secrets().values()) {
            List<String> violations = constraints.violations(secret);
            if (violations.isEmpty()) {
                secrets.add(secret);
            } else {
                diagnostics.add(Diagnostic.error("Secret/" + secret.getName(), "TLS secret breaks Envoy's "
                        + "constraints: " + String.join("; ", violations)));
            }
        }
        checkedBefore = checked;
        this.listenersMade = new ListenersMade(memo.translationContext(), listenersNow);
        routeMemo = memo.done();
        List<IrCluster> eds = new ArrayList<>();
        for (IrCluster c : ir.clusters()) {
            if (c.eds()) {
                eds.add(c);
            }
        }
        AssignmentsMade assignmentsBefore = assignmentsMade;
        EndpointTranslator.Assignments assignments;
        if (assignmentsBefore.endpoints() == endpoints && sameOrEqual(assignmentsBefore.clusters(), eds)) {
            assignments = assignmentsBefore.assignments();
        } else {
            assignments = new EndpointTranslator(constraints).translate(ir.clusters(), endpoints);
            assignmentsMade = new AssignmentsMade(endpoints, List.copyOf(eds), assignments);
        }
        diagnostics.addAll(assignments.diagnostics());
        return new Translation(new EnvoyConfig(listeners, routeConfigurations, clusters, secrets,
                assignments.assignments(), runtime(ir.services().runtimeFlags())), diagnostics);
    }
    /** The constraint violations of {@code message}, from last time's when it is equal; noted in {@code now}. */
    private List<String> checked(com.google.protobuf.Message message,
            Map<com.google.protobuf.Message, List<String>> now) {
        List<String> violations = checkedBefore.get(message);
        if (violations == null) {
            violations = List.copyOf(constraints.violations(message));
        }
        now.put(message, violations);
        return violations;
    }

    /** Whether the lists hold equal elements: by instance first, as reused elements mostly are. */
    private static <T> boolean sameOrEqual(List<T> a, List<T> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i) && !a.get(i).equals(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Module {@code runtime_flags} as the bootstrap's static runtime layer. */
    private static Struct runtime(List<IrRuntimeFlag> flags) {
        Struct.Builder layer = Struct.newBuilder();
        for (IrRuntimeFlag f : flags) {
            Value.Builder value = Value.newBuilder();
            switch (f.value()) {
                case IrRuntimeFlag.Number n -> value.setNumberValue(n.number());
                case IrRuntimeFlag.Flag b -> value.setBoolValue(b.flag());
            }
            layer.putFields(f.key(), value.build());
        }
        return layer.build();
    }
}
