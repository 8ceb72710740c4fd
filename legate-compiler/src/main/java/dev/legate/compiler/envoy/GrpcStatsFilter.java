package dev.legate.compiler.envoy;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Message;
import dev.legate.compiler.ir.Ir;
import dev.legate.compiler.ir.IrModuleFilters;
import io.envoyproxy.envoy.config.core.v3.GrpcMethodList;
import io.envoyproxy.envoy.extensions.filters.http.grpc_stats.v3.FilterConfig;
import java.util.Optional;

/**
 * {@code envoy.filters.http.grpc_stats}: Module {@code grpc_stats}. Either the listed services' methods or (with
 * {@code all_methods}) every method get their own stats, as Emissary's irambassador.py sets it up.
 */
final class GrpcStatsFilter implements HttpFilter {

    @Override
    public String name() {
        return "envoy.filters.http.grpc_stats";
    }

    @Override
    public Optional<Message> typedConfig(Ir ir) {
        IrModuleFilters.GrpcStats stats = ir.services().moduleFilters().grpcStats();
        if (stats == null) {
            return Optional.empty();
        }
        FilterConfig.Builder config = FilterConfig.newBuilder().setEnableUpstreamStats(stats.upstreamStats());
        if (stats.services() != null) {
            GrpcMethodList.Builder list = GrpcMethodList.newBuilder();
            for (IrModuleFilters.GrpcStats.Service s : stats.services()) {
                list.addServices(GrpcMethodList.Service.newBuilder().setName(s.name())
                        .addAllMethodNames(s.methodNames()));
            }
            config.setIndividualMethodStatsAllowlist(list);
        } else {
            config.setStatsForAllMethods(BoolValue.of(stats.allMethods()));
        }
        return Optional.of(config.build());
    }
}
