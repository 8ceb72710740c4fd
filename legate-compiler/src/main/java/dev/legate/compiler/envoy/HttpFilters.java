package dev.legate.compiler.envoy;

import com.google.protobuf.Message;
import dev.legate.compiler.ir.Ir;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter.Builder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP filters in Emissary's order (ir.py and irambassador.py): the Module's filters (gRPC-HTTP/1.1 bridge,
 * gRPC-Web, gRPC stats, Lua, gzip, buffer, IP allow/deny), then cors, ext_authz, ratelimit, and the router last.
 */
final class HttpFilters {

    /** CORS first, so that preflight requests are answered before any other filter runs. */
    static final HttpFilter CORS = new HttpFilter() {
        @Override
        public String name() {
            return RouteTranslator.CORS_FILTER;
        }

        @Override
        public Optional<Message> typedConfig(Ir ir) {
            return Optional.of(Cors.getDefaultInstance());
        }
    };

    /** The router is always last. */
    static final HttpFilter ROUTER = new HttpFilter() {
        @Override
        public String name() {
            return "envoy.filters.http.router";
        }

        @Override
        public Optional<Message> typedConfig(Ir ir) {
            Router.Builder router = Router.newBuilder();
            if (ir.services().tracing() != null) {
                router.setStartChildSpan(true);
            }
            if (ir.settings().suppressEnvoyHeaders()) {
                router.setSuppressEnvoyHeaders(true);
            }
            return Optional.of(router.build());
        }
    };

    static final List<HttpFilter> ORDER = List.of(new GrpcHttp1BridgeFilter(), new GrpcWebFilter(),
            new GrpcStatsFilter(), new LuaFilter(), new GzipFilter(), new BufferFilter(), new IpAllowDenyFilter(),
            CORS, new ExtAuthzFilter(), new AuthFailClosedFilter(), new RateLimitFilter(), ROUTER);

    private HttpFilters() {
    }

    static List<io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter> build(Ir ir) {
        List<io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter> out =
                new ArrayList<>();
        for (HttpFilter filter : ORDER) {
            filter.typedConfig(ir).ifPresent(config -> {
                Builder f = io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter
                        .newBuilder().setName(filter.name()).setTypedConfig(Protos.pack(config));
                out.add(f.build());
            });
        }
        return out;
    }
}
