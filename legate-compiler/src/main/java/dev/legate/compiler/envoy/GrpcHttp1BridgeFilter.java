package dev.legate.compiler.envoy;

import com.google.protobuf.Message;
import dev.legate.compiler.ir.Ir;
import dev.legate.compiler.ir.IrModuleFilters;
import io.envoyproxy.envoy.extensions.filters.http.grpc_http1_bridge.v3.Config;
import java.util.Optional;

/** {@code envoy.filters.http.grpc_http1_bridge}: Module {@code enable_grpc_http11_bridge}. */
final class GrpcHttp1BridgeFilter implements HttpFilter {

    @Override
    public String name() {
        return "envoy.filters.http.grpc_http1_bridge";
    }

    @Override
    public Optional<Message> typedConfig(Ir ir) {
        return ir.services().moduleFilters().grpcHttp11Bridge() == IrModuleFilters.Switch.ON
                ? Optional.of(Config.getDefaultInstance()) : Optional.empty();
    }
}
