package dev.legate.compiler.envoy;

import dev.legate.compiler.ir.IrListener;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;

/**
 * A TCPMapping group's filter chain, as v3listener.py's finalize_tcp builds it: a {@code tcp_proxy} to weighted
 * clusters with the listener's stat prefix; with a TLS context, TLS is terminated and the chain matches its SNI name.
 * Unlike Emissary, the weights are the proportions the TCPMappings ask for, and {@code idle_timeout_ms} is applied.
 */
final class TcpProxyChains {

    static final String TCP_PROXY = "envoy.filters.network.tcp_proxy";

    private TcpProxyChains() {
    }

    static FilterChain chain(IrListener.IrTcpChain chain, String statPrefix, TlsTranslator tls) {
        TcpProxy.Builder proxy = TcpProxy.newBuilder().setStatPrefix(statPrefix);
        TcpProxy.WeightedCluster.Builder weighted = TcpProxy.WeightedCluster.newBuilder();
        for (IrListener.IrTcpRoute route : chain.clusters()) {
            weighted.addClusters(TcpProxy.WeightedCluster.ClusterWeight.newBuilder()
                    .setName(route.cluster()).setWeight(route.weight()));
        }
        proxy.setWeightedClusters(weighted);
        if (chain.idleTimeoutMs() != null) {
            proxy.setIdleTimeout(Protos.millis(chain.idleTimeoutMs()));
        }
        FilterChain.Builder fc = FilterChain.newBuilder().setName(chain.name())
                .addFilters(Filter.newBuilder().setName(TCP_PROXY).setTypedConfig(Protos.pack(proxy.build())));
        FilterChainMatch.Builder match = FilterChainMatch.newBuilder();
        if (chain.tls() != null) {
            match.setTransportProtocol("tls");
            fc.setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                    .setTypedConfig(Protos.pack(tls.downstream(chain.tls()))));
        }
        match.addAllServerNames(chain.serverNames());
        return fc.setFilterChainMatch(match).build();
    }
}
