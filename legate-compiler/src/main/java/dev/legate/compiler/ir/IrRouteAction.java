package dev.legate.compiler.ir;

import dev.legate.model.CorsPolicy;
import dev.legate.model.MappingSpec;
import dev.legate.model.RetryPolicy;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What a route does: forward to a cluster, or redirect. */
public sealed interface IrRouteAction {

    /**
     * Forward to {@code cluster} (its Envoy name).
     *
     * @param prefixRewrite null when no rewrite happens ({@code rewrite: ""})
     * @param corsRuntimeKey the runtime key of the CORS filter_enabled fraction ({@code routing.cors_enabled.<id>})
     */
    record Forward(String cluster, long timeoutMs, @Nullable Long idleTimeoutMs, @Nullable String prefixRewrite,
            MappingSpec.@Nullable RegexMap regexRewrite, @Nullable String hostRewrite, @Nullable Boolean autoHostRewrite,
            MappingSpec.@Nullable LoadBalancer hashPolicy, @Nullable CorsPolicy cors, @Nullable String corsRuntimeKey,
            @Nullable RetryPolicy retryPolicy, @Nullable Mirror mirror, List<String> upgrades,
            @Nullable String priority) implements IrRouteAction {

        public Forward {
            upgrades = List.copyOf(upgrades);
        }
    }

    /** Shadow traffic to another cluster, for {@code percent} percent of requests. */
    record Mirror(String cluster, int percent) {
    }

    /**
     * Redirect to another host (Mapping {@code host_redirect}).
     *
     * @param responseCode 301, 302, 303, 307 or 308
     */
    record Redirect(String host, @Nullable String pathRedirect, @Nullable String prefixRewrite,
            MappingSpec.@Nullable RegexMap regexRewrite, int responseCode) implements IrRouteAction {
    }
}
