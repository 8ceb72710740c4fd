package dev.legate.compiler.envoy;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.Diagnostic;
import dev.legate.compiler.ir.EndpointIndex;
import dev.legate.compiler.ir.IrCluster;
import dev.legate.envoy.constraints.EnvoyConstraints;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The endpoint assignments (EDS resources) of a configuration's EDS clusters: a pure function of the IR's clusters
 * and the snapshot's endpoints, and nothing else. This is the whole of an endpoint-only change: when only
 * Endpoints, EndpointSlices or ConsulServiceEntries changed, calling this alone with the previous IR gives what a
 * full compile would (see {@link dev.legate.compiler.Compiler#recompileEndpoints}).
 *
 * <p>Every EDS service name gets an assignment, an empty one when nothing provides endpoints (Envoy then has no
 * host to send to, and says so with a 503), so that Envoy never waits for an assignment that does not come.
 */
public final class EndpointTranslator {

    /** Diagnostics of this step start with this, so that they can be told apart. */
    public static final String DIAGNOSTIC_PREFIX = "endpoints: ";

    private final EnvoyConstraints constraints;

    public EndpointTranslator(EnvoyConstraints constraints) {
        this.constraints = requireNonNull(constraints, "constraints");
    }

    /** The assignments, sorted by cluster name, and the problems found. */
    public record Assignments(List<ClusterLoadAssignment> assignments, List<Diagnostic> diagnostics) {
        public Assignments {
            assignments = List.copyOf(assignments);
            diagnostics = List.copyOf(diagnostics);
        }
    }

    public Assignments translate(List<IrCluster> clusters, EndpointIndex endpoints) {
        Map<String, IrCluster> byService = new TreeMap<>();
        for (IrCluster c : clusters) {
            if (c.eds()) {
                byService.putIfAbsent(c.endpointSource().serviceName(), c);
            }
        }
        List<ClusterLoadAssignment> out = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        byService.forEach((serviceName, cluster) -> {
            List<EndpointIndex.Target> targets = endpoints.targets(serviceName);
            if (targets.isEmpty()) {
                diagnostics.add(Diagnostic.notice(cluster.provenance().primary(), DIAGNOSTIC_PREFIX + "nothing "
                        + "provides endpoints for " + serviceName + " (cluster " + cluster.envoyName() + "), so it "
                        + "has none for now"));
            }
            ClusterLoadAssignment assignment = assignment(serviceName, targets);
            List<String> violations = constraints.violations(assignment);
            if (violations.isEmpty()) {
                out.add(assignment);
            } else {
                diagnostics.add(Diagnostic.error(cluster.provenance().primary(), DIAGNOSTIC_PREFIX + "the endpoints "
                        + "of " + serviceName + " break Envoy's constraints and are left out: "
                        + String.join("; ", violations)));
                out.add(assignment(serviceName, List.of()));
            }
        });
        return new Assignments(out, diagnostics);
    }

    static ClusterLoadAssignment assignment(String serviceName, List<EndpointIndex.Target> targets) {
        LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
        for (EndpointIndex.Target t : targets) {
            locality.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder()
                    .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                            .setAddress(t.ip()).setPortValue(t.port()).setProtocol(SocketAddress.Protocol.TCP)))));
        }
        ClusterLoadAssignment.Builder assignment = ClusterLoadAssignment.newBuilder().setClusterName(serviceName);
        if (!targets.isEmpty()) {
            assignment.addEndpoints(locality);
        }
        return assignment.build();
    }
}
