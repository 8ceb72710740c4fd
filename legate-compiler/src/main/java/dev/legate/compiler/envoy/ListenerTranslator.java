package dev.legate.compiler.envoy;

import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import dev.legate.compiler.ir.Ir;
import dev.legate.compiler.ir.IrListener;
import dev.legate.compiler.ir.IrSettings;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.health_check.v3.HealthCheck;
import io.envoyproxy.envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import java.util.ArrayList;
import java.util.List;

/** IR listeners to Envoy {@link Listener}s: filter chains, one HTTP connection manager each, as v3listener.py. */
final class ListenerTranslator {

    static final String HCM = "envoy.filters.network.http_connection_manager";
    static final String DEFAULT_TEXT_LOG_FORMAT = "ACCESS [%START_TIME%] \"%REQ(:METHOD)% "
            + "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% "
            + "%BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% \"%REQ(X-FORWARDED-FOR)%\" "
            + "\"%REQ(USER-AGENT)%\" \"%REQ(X-REQUEST-ID)%\" \"%REQ(:AUTHORITY)%\" \"%UPSTREAM_HOST%\"";
    static final String READY_LISTENER = "ambassador-listener-ready-127.0.0.1-8006";

    private final Ir ir;
    private final TlsTranslator tls;
    private final List<HttpFilter> httpFilters;
    private final ConnectionManagerFeatures features;

    ListenerTranslator(Ir ir, TlsTranslator tls) {
        this.ir = ir;
        this.tls = tls;
        this.httpFilters = HttpFilters.build(ir);
        this.features = new ConnectionManagerFeatures(ir);
    }

    /**
     * The listener, with each HTTP connection manager referring to its routes by name, and (when
     * {@code routeConfigurations} is not null) the route configurations, made by {@code routesFor}, added to it.
     */
    <T> Listener translate(IrListener l, java.util.function.BiFunction<String, List<IrListener.IrVirtualHost>, T> routesFor,
            java.util.@org.jspecify.annotations.Nullable List<T> routeConfigurations) {
        Listener.Builder listener = Listener.newBuilder()
                .setName(l.name())
                .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                        .setAddress(l.bindAddress()).setPortValue(l.port()).setProtocol(SocketAddress.Protocol.TCP)))
                .setTrafficDirection(features.trafficDirection());
        if (l.proxyProtocol()) {
            listener.addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.proxy_protocol")
                    .setTypedConfig(Protos.pack(ProxyProtocol.getDefaultInstance())));
        }
        if (l.tls() || l.tcpChains().stream().anyMatch(c -> c.tls() != null)) {
            listener.addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.tls_inspector")
                    .setTypedConfig(Protos.pack(TlsInspector.getDefaultInstance())));
        }
        if (ir.settings().bufferLimitBytes() != null) {
            listener.setPerConnectionBufferLimitBytes(UInt32Value.of(ir.settings().bufferLimitBytes()));
        }
        // TCPMappings' chains first, as Emissary orders them.
        for (IrListener.IrTcpChain chain : l.tcpChains()) {
            listener.addFilterChains(TcpProxyChains.chain(chain, l.statsPrefix(), tls));
        }
        for (IrListener.IrFilterChain chain : l.filterChains()) {
            FilterChain.Builder fc = FilterChain.newBuilder().setName(chain.name());
            FilterChainMatch.Builder match = FilterChainMatch.newBuilder();
            if (chain.tls() != null) {
                match.addAllServerNames(chain.serverNames()).setTransportProtocol("tls");
                fc.setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                        .setTypedConfig(Protos.pack(tls.downstream(chain.tls()))));
            }
            fc.setFilterChainMatch(match);
            String routeConfigName = routeConfigurationName(l, chain);
            if (routeConfigurations != null) {
                routeConfigurations.add(routesFor.apply(routeConfigName, chain.virtualHosts()));
            }
            fc.addFilters(Filter.newBuilder().setName(HCM)
                    .setTypedConfig(Protos.pack(connectionManager(l).setRds(Rds.newBuilder()
                            .setRouteConfigName(routeConfigName)
                            .setConfigSource(ConfigSource.newBuilder()
                                    .setAds(AggregatedConfigSource.getDefaultInstance())
                                    .setResourceApiVersion(ApiVersion.V3)))
                            .build())));
            listener.addFilterChains(fc);
        }
        return listener.build();
    }

    /** The name of the route configuration of a listener's HTTP filter chain. */
    static String routeConfigurationName(IrListener l, IrListener.IrFilterChain chain) {
        return l.name() + "-" + chain.name();
    }

    private HttpConnectionManager.Builder connectionManager(IrListener l) {
        IrSettings s = ir.settings();
        HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix(l.statsPrefix())
                .addAllAccessLog(features.accessLogs())
                .addAllHttpFilters(httpFilters)
                .setNormalizePath(BoolValue.of(true))
                .setUseRemoteAddress(BoolValue.of(s.useRemoteAddress()))
                .setServerName(s.serverName());
        if (l.xffNumTrustedHops() > 0) {
            hcm.setXffNumTrustedHops(l.xffNumTrustedHops());
        }
        if (l.http2MaxConcurrentStreams() != null) {
            hcm.setHttp2ProtocolOptions(Http2ProtocolOptions.newBuilder()
                    .setMaxConcurrentStreams(UInt32Value.of(l.http2MaxConcurrentStreams())));
        }
        HttpProtocolOptions.Builder common = HttpProtocolOptions.newBuilder();
        boolean anyCommon = false;
        if (s.listenerIdleTimeoutMs() != null && s.listenerIdleTimeoutMs() > 0) {
            common.setIdleTimeout(Protos.millis(s.listenerIdleTimeoutMs()));
            anyCommon = true;
        }
        if (s.headersWithUnderscoresAction() != null) {
            common.setHeadersWithUnderscoresAction(HttpProtocolOptions.HeadersWithUnderscoresAction.valueOf(
                    s.headersWithUnderscoresAction()));
            anyCommon = true;
        }
        if (anyCommon) {
            hcm.setCommonHttpProtocolOptions(common);
        }
        if (s.maxRequestHeadersKb() != null) {
            hcm.setMaxRequestHeadersKb(UInt32Value.of(s.maxRequestHeadersKb()));
        }
        Http1ProtocolOptions.Builder http1 = Http1ProtocolOptions.newBuilder();
        boolean anyHttp1 = false;
        if (s.enableHttp10() != null) {
            http1.setAcceptHttp10(s.enableHttp10());
            anyHttp1 = true;
        }
        if (s.allowChunkedLength() != null) {
            http1.setAllowChunkedLength(s.allowChunkedLength());
            anyHttp1 = true;
        }
        if (s.properCase()) {
            http1.setHeaderKeyFormat(Http1ProtocolOptions.HeaderKeyFormat.newBuilder()
                    .setProperCaseWords(Http1ProtocolOptions.HeaderKeyFormat.ProperCaseWords.getDefaultInstance()));
            anyHttp1 = true;
        }
        if (anyHttp1) {
            hcm.setHttpProtocolOptions(http1);
        }
        if (s.preserveExternalRequestId() != null) {
            hcm.setPreserveExternalRequestId(s.preserveExternalRequestId());
        }
        if (s.forwardClientCertDetails() != null) {
            hcm.setForwardClientCertDetails(HttpConnectionManager.ForwardClientCertDetails.valueOf(
                    s.forwardClientCertDetails()));
        }
        if (s.stripMatchingHostPort()) {
            hcm.setStripMatchingHostPort(true);
        }
        if (s.mergeSlashes()) {
            hcm.setMergeSlashes(true);
        }
        if (s.rejectRequestsWithEscapedSlashes()) {
            hcm.setPathWithEscapedSlashesAction(HttpConnectionManager.PathWithEscapedSlashesAction.REJECT_REQUEST);
        }
        features.apply(hcm);
        return hcm;
    }

    /** Emissary's ready listener: 127.0.0.1:8006 answers {@code /ready} with Envoy's health check filter. */
    Listener readyListener() {
        HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix("ready_http")
                .setRouteConfig(RouteConfiguration.newBuilder().setName("local_route"))
                .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.health_check")
                        .setTypedConfig(Protos.pack(HealthCheck.newBuilder()
                                .setPassThroughMode(BoolValue.of(false))
                                .addHeaders(HeaderMatcher.newBuilder().setName(":path")
                                        .setStringMatch(Protos.exact("/ready")))
                                .build())))
                .addHttpFilters(httpFilters.get(httpFilters.size() - 1));
        IrSettings s = ir.settings();
        if (s.maxRequestHeadersKb() != null) {
            hcm.setMaxRequestHeadersKb(UInt32Value.of(s.maxRequestHeadersKb()));
        }
        if (s.listenerIdleTimeoutMs() != null && s.listenerIdleTimeoutMs() > 0) {
            hcm.setCommonHttpProtocolOptions(HttpProtocolOptions.newBuilder()
                    .setIdleTimeout(Protos.millis(s.listenerIdleTimeoutMs())));
        }
        Listener.Builder listener = Listener.newBuilder()
                .setName(READY_LISTENER)
                .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                        .setAddress("127.0.0.1").setPortValue(8006).setProtocol(SocketAddress.Protocol.TCP)))
                .addFilterChains(FilterChain.newBuilder()
                        .setFilterChainMatch(FilterChainMatch.getDefaultInstance())
                        .addFilters(Filter.newBuilder().setName(HCM).setTypedConfig(Protos.pack(hcm.build()))));
        if (s.bufferLimitBytes() != null) {
            listener.setPerConnectionBufferLimitBytes(UInt32Value.of(s.bufferLimitBytes()));
        }
        return listener.build();
    }

    static List<Listener> withReady(List<Listener> listeners, Listener ready) {
        List<Listener> out = new ArrayList<>(listeners);
        out.add(ready);
        return out;
    }
}
