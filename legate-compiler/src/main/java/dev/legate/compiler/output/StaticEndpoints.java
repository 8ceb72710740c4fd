package dev.legate.compiler.output;

import dev.legate.compiler.envoy.EnvoyConfig;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A static bootstrap has no ADS to take endpoints from: each EDS cluster becomes a STATIC cluster whose
 * {@code load_assignment} is its endpoint assignment (endpoints are IP addresses, which STATIC requires), so that
 * {@code envoy -c envoy.json} runs with the endpoints known at compile time.
 */
final class StaticEndpoints {

    private StaticEndpoints() {
    }

    static List<Cluster> inline(EnvoyConfig config) {
        if (config.endpoints().isEmpty()) {
            return config.clusters();
        }
        Map<String, ClusterLoadAssignment> byName = new HashMap<>();
        config.endpoints().forEach(a -> byName.put(a.getClusterName(), a));
        List<Cluster> out = new ArrayList<>(config.clusters().size());
        for (Cluster c : config.clusters()) {
            if (c.getType() != Cluster.DiscoveryType.EDS) {
                out.add(c);
                continue;
            }
            String serviceName = c.getEdsClusterConfig().getServiceName().isEmpty() ? c.getName()
                    : c.getEdsClusterConfig().getServiceName();
            ClusterLoadAssignment assignment = byName.getOrDefault(serviceName,
                    ClusterLoadAssignment.getDefaultInstance());
            out.add(c.toBuilder()
                    .setType(Cluster.DiscoveryType.STATIC)
                    .clearEdsClusterConfig()
                    .setLoadAssignment(assignment.toBuilder().setClusterName(c.getName()))
                    .build());
        }
        return out;
    }
}
