package dev.legate.compiler;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.legate.compiler.envoy.EnvoyConfig;
import dev.legate.envoy.constraints.EnvoyConstraints;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Envoy checks when it loads a configuration, beyond the field constraints of its protos: every problem found
 * in a compiled configuration, described; empty when Envoy would accept it. The field constraints come from
 * {@link EnvoyConstraints} (generated from Envoy's {@code validate.rules}); the rest are the checks Envoy makes in
 * code: unique names, a listener's filter chains with distinct matches, a route configuration's domains unique across
 * its virtual hosts, every route's clusters defined (static route tables validate their clusters), every RDS name
 * served, and every regular expression accepted by RE2.
 */
final class EnvoyInvariants {

    private static final EnvoyConstraints CONSTRAINTS = new EnvoyConstraints();

    private EnvoyInvariants() {
    }

    static List<String> violations(EnvoyConfig config) {
        List<String> problems = new ArrayList<>();
        List<Message> all = new ArrayList<>();
        all.addAll(config.listeners());
        all.addAll(config.routeConfigurations());
        all.addAll(config.clusters());
        all.addAll(config.secrets());
        all.addAll(config.endpoints());
        for (Message m : all) {
            for (String v : CONSTRAINTS.violations(m)) {
                problems.add(m.getDescriptorForType().getName() + ": " + v);
            }
        }
        unique("listener", config.listeners().stream().map(Listener::getName).toList(), problems);
        unique("listener address", config.listeners().stream().map(l -> l.getAddress().toString()).toList(),
                problems);
        unique("cluster", config.clusters().stream().map(Cluster::getName).toList(), problems);
        unique("route configuration", config.routeConfigurations().stream().map(RouteConfiguration::getName)
                .toList(), problems);
        unique("secret", config.secrets().stream().map(s -> s.getName()).toList(), problems);
        Set<String> clusters = new HashSet<>(config.clusters().stream().map(Cluster::getName).toList());
        Set<String> routeConfigs = new HashSet<>(config.routeConfigurations().stream()
                .map(RouteConfiguration::getName).toList());
        for (Listener listener : config.listeners()) {
            unique("filter chain match in " + listener.getName(), listener.getFilterChainsList().stream()
                    .map(c -> c.getFilterChainMatch().toString()).toList(), problems);
            unique("filter chain name in " + listener.getName(), listener.getFilterChainsList().stream()
                    .map(FilterChain::getName).filter(n -> !n.isEmpty()).toList(), problems);
            for (FilterChain chain : listener.getFilterChainsList()) {
                for (Filter filter : chain.getFiltersList()) {
                    networkFilter(listener.getName(), filter, clusters, routeConfigs, problems);
                }
            }
        }
        for (RouteConfiguration rc : config.routeConfigurations()) {
            unique("virtual host in " + rc.getName(), rc.getVirtualHostsList().stream().map(VirtualHost::getName)
                    .toList(), problems);
            unique("domain in " + rc.getName(), rc.getVirtualHostsList().stream()
                    .flatMap(v -> v.getDomainsList().stream()).toList(), problems);
            for (VirtualHost vh : rc.getVirtualHostsList()) {
                for (Route route : vh.getRoutesList()) {
                    routeClusters(rc.getName(), route, clusters, problems);
                }
            }
            regexes(rc, problems);
        }
        return problems;
    }

    private static void networkFilter(String listener, Filter filter, Set<String> clusters,
            Set<String> routeConfigs, List<String> problems) {
        Any config = filter.getTypedConfig();
        try {
            if (config.is(HttpConnectionManager.class)) {
                HttpConnectionManager hcm = config.unpack(HttpConnectionManager.class);
                if (hcm.hasRds() && !routeConfigs.contains(hcm.getRds().getRouteConfigName())) {
                    problems.add(listener + ": RDS name " + hcm.getRds().getRouteConfigName() + " is not served");
                }
                if (hcm.hasRouteConfig()) {
                    regexes(hcm.getRouteConfig(), problems);
                }
            } else if (config.is(TcpProxy.class)) {
                TcpProxy tcp = config.unpack(TcpProxy.class);
                List<String> targets = tcp.hasWeightedClusters()
                        ? tcp.getWeightedClusters().getClustersList().stream().map(c -> c.getName()).toList()
                        : List.of(tcp.getCluster());
                for (String target : targets) {
                    if (!clusters.contains(target)) {
                        problems.add(listener + ": tcp_proxy names undefined cluster " + target);
                    }
                }
            }
        } catch (InvalidProtocolBufferException e) {
            problems.add(listener + ": filter " + filter.getName() + " does not unpack: " + e.getMessage());
        }
    }

    private static void routeClusters(String routeConfig, Route route, Set<String> clusters, List<String> problems) {
        if (!route.hasRoute()) {
            return;
        }
        var action = route.getRoute();
        List<String> targets = new ArrayList<>();
        if (!action.getCluster().isEmpty()) {
            targets.add(action.getCluster());
        }
        if (action.hasWeightedClusters()) {
            for (WeightedCluster.ClusterWeight w : action.getWeightedClusters().getClustersList()) {
                targets.add(w.getName());
            }
        }
        action.getRequestMirrorPoliciesList().forEach(m -> targets.add(m.getCluster()));
        for (String target : targets) {
            if (!clusters.contains(target)) {
                problems.add(routeConfig + ": route " + route.getMatch() + " names undefined cluster " + target);
            }
        }
    }

    /** Every RegexMatcher anywhere in the message must compile with RE2 (Envoy rejects the whole resource). */
    private static void regexes(Message message, List<String> problems) {
        if (message instanceof RegexMatcher r) {
            try {
                Pattern.compile(r.getRegex());
            } catch (PatternSyntaxException e) {
                problems.add("regex " + r.getRegex() + ": " + e.getDescription());
            }
            return;
        }
        for (Map.Entry<com.google.protobuf.Descriptors.FieldDescriptor, Object> field : message.getAllFields()
                .entrySet()) {
            if (field.getKey().getJavaType() != com.google.protobuf.Descriptors.FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            if (field.getKey().isRepeated()) {
                for (Object element : (List<?>) field.getValue()) {
                    regexes((Message) element, problems);
                }
            } else {
                regexes((Message) field.getValue(), problems);
            }
        }
    }

    private static void unique(String what, List<String> names, List<String> problems) {
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                problems.add("duplicate " + what + ": " + name);
            }
        }
    }
}
