package dev.legate.compiler.ir;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A Listener with its filter chains resolved: which Hosts it serves, over which chains, with which routes.
 *
 * @param protocolStack e.g. [TLS, HTTP, TCP]
 * @param securityModel XFP, SECURE or INSECURE
 * @param xffNumTrustedHops trusted proxies in front of Envoy ({@code l7Depth}, else the Module's setting)
 */
public record IrListener(String name, String bindAddress, int port, List<String> protocolStack,
        String securityModel, String statsPrefix, int xffNumTrustedHops, @Nullable Integer http2MaxConcurrentStreams,
        List<IrFilterChain> filterChains, Provenance provenance, List<IrTcpChain> tcpChains) {

    public IrListener {
        protocolStack = List.copyOf(protocolStack);
        filterChains = List.copyOf(filterChains);
        tcpChains = List.copyOf(tcpChains);
    }

    /** A listener with HTTP filter chains only. */
    public IrListener(String name, String bindAddress, int port, List<String> protocolStack, String securityModel,
            String statsPrefix, int xffNumTrustedHops, @Nullable Integer http2MaxConcurrentStreams,
            List<IrFilterChain> filterChains, Provenance provenance) {
        this(name, bindAddress, port, protocolStack, securityModel, statsPrefix, xffNumTrustedHops,
                http2MaxConcurrentStreams, filterChains, provenance, List.of());
    }

    /** The same listener with these TCP chains (which Envoy matches before the HTTP ones) and HTTP chains. */
    public IrListener withChains(List<IrFilterChain> httpChains, List<IrTcpChain> tcp) {
        return new IrListener(name, bindAddress, port, protocolStack, securityModel, statsPrefix, xffNumTrustedHops,
                http2MaxConcurrentStreams, httpChains, provenance, tcp);
    }

    /**
     * A TCPMapping group's filter chain: a TCP proxy to weighted clusters, optionally terminating TLS and matching
     * an SNI name.
     *
     * @param name Emissary's {@code tcphost-GROUP: <first TCPMapping's name>}
     * @param tls the TLS context that terminates TLS, or null for a cleartext chain (which takes every connection)
     * @param serverNames SNI names to match (empty for cleartext)
     * @param clusters Envoy cluster names with their weights (proportions, not Emissary's cumulative weights)
     */
    public record IrTcpChain(String name, @Nullable IrTlsContext tls, List<String> serverNames,
            List<IrTcpRoute> clusters, @Nullable Long idleTimeoutMs, Provenance provenance) {

        public IrTcpChain {
            serverNames = List.copyOf(serverNames);
            clusters = List.copyOf(clusters);
        }
    }

    /** One weighted cluster of a TCP chain. */
    public record IrTcpRoute(String cluster, int weight) {
    }

    public boolean http() {
        return protocolStack.contains("HTTP");
    }

    public boolean tls() {
        return protocolStack.contains("TLS");
    }

    public boolean proxyProtocol() {
        return protocolStack.contains("PROXY");
    }

    /**
     * @param name {@code httphost-shared} for the one cleartext chain, {@code httpshost-<Host>} for TLS chains
     * @param serverNames SNI names to match; empty for cleartext and for {@code *}
     */
    public record IrFilterChain(String name, @Nullable IrTlsContext tls, List<String> serverNames,
            List<IrVirtualHost> virtualHosts) {

        public IrFilterChain {
            serverNames = List.copyOf(serverNames);
            virtualHosts = List.copyOf(virtualHosts);
        }
    }

    /**
     * A virtual host: one Host's hostname on this chain, with its bound routes in order (as made by the binder, a
     * {@link RouteSegments}: one segment per mapping group the Host takes).
     */
    public record IrVirtualHost(String name, String domain, List<IrBoundRoute> routes) {

        public IrVirtualHost {
            routes = routes instanceof RouteSegments ? routes : List.copyOf(routes);
        }

        /**
         * The routes in segments, each made once for a mapping group and Host and handed back as the same instance
         * while neither changes (a single segment when the routes were not made by the binder).
         */
        public List<List<IrBoundRoute>> segments() {
            if (routes instanceof RouteSegments s) {
                return s.segments();
            }
            return routes.isEmpty() ? List.of() : List.of(routes);
        }
    }

    /**
     * A route bound to a Host with a variant: which {@code x-forwarded-proto} it requires and what it does.
     *
     * @param xfp HTTPS (match x-forwarded-proto: https), HTTP (drop any x-forwarded-proto match) or ALWAYS
     * @param action ROUTE (the route's own action) or REDIRECT (to HTTPS)
     */
    public record IrBoundRoute(IrRoute route, Xfp xfp, Variant action) {
    }

    public enum Xfp {
        ALWAYS, HTTPS, HTTP
    }

    public enum Variant {
        ROUTE, REDIRECT
    }
}
