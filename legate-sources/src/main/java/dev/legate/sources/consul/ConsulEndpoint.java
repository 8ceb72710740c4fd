package dev.legate.sources.consul;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;
import java.util.List;

/**
 * One healthy instance of a Consul service, as Emissary's watcher reads it: the service's address, or the node's
 * when the service registered none.
 */
public record ConsulEndpoint(String node, String nodeId, String serviceId, String address, int port,
        List<String> tags) {

    static final Comparator<ConsulEndpoint> ORDER = Comparator.comparing(ConsulEndpoint::address)
            .thenComparingInt(ConsulEndpoint::port).thenComparing(ConsulEndpoint::serviceId)
            .thenComparing(ConsulEndpoint::node);

    public ConsulEndpoint {
        requireNonNull(node, "node");
        requireNonNull(nodeId, "nodeId");
        requireNonNull(serviceId, "serviceId");
        requireNonNull(address, "address");
        tags = List.copyOf(tags);
    }
}
