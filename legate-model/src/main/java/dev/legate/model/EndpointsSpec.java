package dev.legate.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The ready endpoints of one Kubernetes Service, read from a core v1 {@code Endpoints} object or from a
 * {@code discovery.k8s.io} {@code EndpointSlice} (several slices of one Service add up). Each subset is a set of
 * addresses that all listen on the same ports; ports are the Pods' (target) ports.
 *
 * @param service the Service's name (an Endpoints object's own name; a slice's {@code kubernetes.io/service-name}
 *     label)
 */
public record EndpointsSpec(String service, List<Subset> subsets) implements Spec {

    public EndpointsSpec {
        requireNonNull(service, "service");
        subsets = List.copyOf(subsets);
    }

    /** Addresses (IPs) that all serve {@code ports}. */
    public record Subset(List<String> addresses, List<Port> ports) {
        public Subset {
            addresses = List.copyOf(addresses);
            ports = List.copyOf(ports);
        }
    }

    /**
     * @param name the port's name, or null
     * @param protocol TCP, UDP or SCTP
     */
    public record Port(@Nullable String name, int port, String protocol) {
        public Port {
            requireNonNull(protocol, "protocol");
        }
    }
}
