package dev.legate.compiler.ir;

import java.util.List;

/**
 * The whole intermediate representation of one configuration: what Envoy should do, independent of how Envoy's
 * protos spell it. Lists are in output order (listeners as declared, clusters by name). {@code services} holds
 * auth, rate limiting, tracing, access log services and the Module's HTTP filters.
 */
public record Ir(IrSettings settings, List<IrListener> listeners, List<IrCluster> clusters,
        List<IrTlsContext> tlsContexts, List<IrHost> hosts, List<IrMappingGroup> groups, IrServices services) {

    public Ir {
        listeners = List.copyOf(listeners);
        clusters = List.copyOf(clusters);
        tlsContexts = List.copyOf(tlsContexts);
        hosts = List.copyOf(hosts);
        groups = List.copyOf(groups);
    }
}
