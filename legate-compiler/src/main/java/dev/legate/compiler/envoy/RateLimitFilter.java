package dev.legate.compiler.envoy;

import com.google.protobuf.Message;
import dev.legate.compiler.ir.Ir;
import dev.legate.compiler.ir.IrRateLimit;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.ratelimit.v3.RateLimitServiceConfig;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit;
import java.util.Optional;

/**
 * {@code envoy.filters.http.ratelimit} from the RateLimitService (Emissary's V3HTTPFilter_ratelimit): the domain,
 * timeout, failure mode and the gRPC rate limit service; the descriptors come from each route's rate limits.
 */
final class RateLimitFilter implements HttpFilter {

    @Override
    public String name() {
        return "envoy.filters.http.ratelimit";
    }

    @Override
    public Optional<Message> typedConfig(Ir ir) {
        IrRateLimit rl = ir.services().rateLimit();
        if (rl == null) {
            return Optional.empty();
        }
        RateLimit.Builder config = RateLimit.newBuilder()
                .setDomain(rl.domain())
                .setTimeout(Protos.millis(rl.timeoutMs()))
                .setRequestType("both")
                .setRateLimitService(RateLimitServiceConfig.newBuilder()
                        .setGrpcService(GrpcService.newBuilder().setEnvoyGrpc(
                                GrpcService.EnvoyGrpc.newBuilder().setClusterName(rl.cluster())))
                        .setTransportApiVersion(ApiVersion.V3));
        if (rl.failureMode() == IrRateLimit.FailureMode.DENY) {
            config.setFailureModeDeny(true);
        }
        if (rl.resourceExhausted() == IrRateLimit.GrpcLimitedStatus.RESOURCE_EXHAUSTED) {
            config.setRateLimitedAsResourceExhausted(true);
        }
        return Optional.of(config.build());
    }
}
