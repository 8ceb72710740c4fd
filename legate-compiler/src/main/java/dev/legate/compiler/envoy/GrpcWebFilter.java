package dev.legate.compiler.envoy;

import com.google.protobuf.Message;
import dev.legate.compiler.ir.Ir;
import dev.legate.compiler.ir.IrModuleFilters;
import io.envoyproxy.envoy.extensions.filters.http.grpc_web.v3.GrpcWeb;
import java.util.Optional;

/** {@code envoy.filters.http.grpc_web}: Module {@code enable_grpc_web}. */
final class GrpcWebFilter implements HttpFilter {

    @Override
    public String name() {
        return "envoy.filters.http.grpc_web";
    }

    @Override
    public Optional<Message> typedConfig(Ir ir) {
        return ir.services().moduleFilters().grpcWeb() == IrModuleFilters.Switch.ON
                ? Optional.of(GrpcWeb.getDefaultInstance()) : Optional.empty();
    }
}
