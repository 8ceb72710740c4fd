package dev.legate.compiler.ir;

import dev.legate.model.ConsulServiceEntriesSpec;
import dev.legate.model.EndpointsSpec;
import dev.legate.model.Resource;
import dev.legate.model.ServiceSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The endpoints of one snapshot, keyed by Emissary's EDS service names, built the way Emissary's endpoint routing
 * does (cmd/entrypoint/endpoint_routing.go):
 *
 * <ul>
 *   <li>{@code k8s/<namespace>/<service>/<port>}: for each port of a Service's Endpoints (or EndpointSlices), the
 *       Service ports whose targetPort is that port (by number or by name) give the names under which the addresses
 *       are listed, by Service port number and by Service port name; a single-port Service is also listed as
 *       {@code k8s/<namespace>/<service>}. Endpoints whose Service is not in the snapshot are not used.</li>
 *   <li>{@code consul/<datacenter>/<service>}: the entries of ConsulServiceEntries documents.</li>
 * </ul>
 *
 * <p>Pure and immutable; the targets of each name are sorted and distinct.
 */
public final class EndpointIndex {

    /** One upstream address. */
    public record Target(String ip, int port) implements Comparable<Target> {
        @Override
        public int compareTo(Target o) {
            int c = ip.compareTo(o.ip);
            return c != 0 ? c : Integer.compare(port, o.port);
        }
    }

    public static final EndpointIndex EMPTY = new EndpointIndex(Map.of());

    private final Map<String, List<Target>> targets;

    private EndpointIndex(Map<String, List<Target>> targets) {
        this.targets = targets;
    }

    /** Whether a resource feeds endpoints (and nothing else): Endpoints, EndpointSlices, ConsulServiceEntries. */
    public static boolean endpointResource(Resource<?> r) {
        return r.spec() instanceof EndpointsSpec || r.spec() instanceof ConsulServiceEntriesSpec;
    }

    /** Whether a resource is one that {@link #of} reads (a Service, Endpoints or Consul service entries). */
    public static boolean feeds(Resource<?> r) {
        return r.spec() instanceof ServiceSpec || r.spec() instanceof EndpointsSpec
                || r.spec() instanceof ConsulServiceEntriesSpec;
    }

    public static EndpointIndex of(List<Resource<?>> resources) {
        Map<String, ServiceSpec> services = new TreeMap<>();
        for (Resource<?> r : resources) {
            if (r.spec() instanceof ServiceSpec s) {
                services.put(r.namespace() + "/" + r.name(), s);
            }
        }
        Map<String, Set<Target>> out = new TreeMap<>();
        for (Resource<?> r : resources) {
            if (r.spec() instanceof EndpointsSpec e) {
                ServiceSpec service = services.get(r.namespace() + "/" + e.service());
                if (service != null) {
                    kubernetes(r.namespace(), e, service, out);
                }
            } else if (r.spec() instanceof ConsulServiceEntriesSpec c) {
                Set<Target> set = out.computeIfAbsent("consul/" + c.datacenter() + "/" + c.service(),
                        k -> new TreeSet<>());
                c.entries().forEach(entry -> set.add(new Target(entry.address(), entry.port())));
            }
        }
        Map<String, List<Target>> frozen = new TreeMap<>();
        out.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return new EndpointIndex(java.util.Collections.unmodifiableMap(frozen));
    }

    private static void kubernetes(String namespace, EndpointsSpec endpoints, ServiceSpec service,
            Map<String, Set<Target>> out) {
        List<ServiceSpec.Port> ports = service.ports() == null ? List.of() : service.ports();
        Map<String, Set<String>> portMap = new TreeMap<>();
        for (ServiceSpec.Port p : ports) {
            if (p == null || p.port() == null) {
                continue;
            }
            String port = String.valueOf(p.port());
            String targetPort = p.targetPort() == null || String.valueOf(p.targetPort()).isEmpty() ? port
                    : String.valueOf(p.targetPort());
            portMap.computeIfAbsent(targetPort, k -> new LinkedHashSet<>()).add(port);
            if (p.name() != null && !p.name().isEmpty()) {
                portMap.get(targetPort).add(p.name());
                portMap.computeIfAbsent(p.name(), k -> new LinkedHashSet<>()).add(port);
            }
            if (ports.size() == 1) {
                portMap.get(targetPort).add("");
                portMap.computeIfAbsent("", k -> new LinkedHashSet<>()).add(port);
                portMap.get("").add("");
            }
        }
        for (EndpointsSpec.Subset subset : endpoints.subsets()) {
            for (EndpointsSpec.Port port : subset.ports()) {
                if (!port.protocol().equals("TCP") && !port.protocol().equals("UDP")) {
                    continue;
                }
                Set<String> names = new TreeSet<>();
                for (String candidate : new String[] {String.valueOf(port.port()),
                        port.name() == null ? "" : port.name(), ""}) {
                    Set<String> found = portMap.get(candidate);
                    if (found != null) {
                        names.addAll(found);
                    }
                }
                for (String name : names) {
                    String key = "k8s/" + namespace + "/" + endpoints.service() + (name.isEmpty() ? "" : "/" + name);
                    Set<Target> set = out.computeIfAbsent(key, k -> new TreeSet<>());
                    subset.addresses().forEach(ip -> set.add(new Target(ip, port.port())));
                }
            }
        }
    }

    /** The targets of an EDS service name; empty when nothing provides it. */
    public List<Target> targets(String serviceName) {
        return targets.getOrDefault(serviceName, List.of());
    }

    public Set<String> serviceNames() {
        return targets.keySet();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EndpointIndex other && targets.equals(other.targets);
    }

    @Override
    public int hashCode() {
        return targets.hashCode();
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        targets.forEach((k, v) -> parts.add(k + "=" + v));
        return "EndpointIndex" + parts;
    }
}
