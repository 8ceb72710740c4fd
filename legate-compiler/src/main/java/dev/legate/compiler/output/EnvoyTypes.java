package dev.legate.compiler.output;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Every message type Legate packs into an {@code Any}, so that JSON printing can spell them out. */
public final class EnvoyTypes {

    private static final List<Message> PROTOTYPES = List.of(
            io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                    .getDefaultInstance(),
            io.envoyproxy.envoy.extensions.filters.http.router.v3.Router.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.filters.http.health_check.v3.HealthCheck.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.getDefaultInstance(),
            // AuthService, RateLimitService, LogService, TracingService and the Module's HTTP filters.
            io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.filters.http.grpc_web.v3.GrpcWeb.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.filters.http.grpc_http1_bridge.v3.Config.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.filters.http.grpc_stats.v3.FilterConfig.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.filters.http.lua.v3.Lua.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.filters.http.compressor.v3.Compressor.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.compression.gzip.compressor.v3.Gzip.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.filters.http.buffer.v3.Buffer.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.HttpGrpcAccessLogConfig.getDefaultInstance(),
            io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.TcpGrpcAccessLogConfig.getDefaultInstance(),
            io.envoyproxy.envoy.config.trace.v3.ZipkinConfig.getDefaultInstance(),
            io.envoyproxy.envoy.config.trace.v3.DatadogConfig.getDefaultInstance(),
            io.envoyproxy.envoy.config.trace.v3.OpenTelemetryConfig.getDefaultInstance());

    private static final Map<String, Message> BY_NAME = PROTOTYPES.stream()
            .collect(Collectors.toUnmodifiableMap(m -> m.getDescriptorForType().getFullName(), Function.identity()));

    public static final JsonFormat.TypeRegistry REGISTRY = registry();

    private EnvoyTypes() {
    }

    private static JsonFormat.TypeRegistry registry() {
        JsonFormat.TypeRegistry.Builder builder = JsonFormat.TypeRegistry.newBuilder();
        PROTOTYPES.forEach(m -> builder.add(m.getDescriptorForType()));
        return builder.build();
    }

    /** The generated default instance of a registered type, by full name. */
    static @Nullable Message prototype(String fullName) {
        return BY_NAME.get(fullName);
    }
}
