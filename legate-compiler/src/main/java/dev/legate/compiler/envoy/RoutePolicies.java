package dev.legate.compiler.envoy;

import dev.legate.compiler.ir.IrLabelGroup;
import dev.legate.compiler.ir.IrListener.IrBoundRoute;
import dev.legate.compiler.ir.IrListener.Variant;
import dev.legate.compiler.ir.IrRateLimit;
import dev.legate.compiler.ir.IrRoute;
import dev.legate.compiler.ir.IrRouteAction;
import dev.legate.compiler.ir.IrServices;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.CheckSettings;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;

/**
 * The per-route side of the AuthService and the RateLimitService, as Emissary's v3route.py: ext_authz is disabled on
 * routes with {@code bypass_auth}, on host redirects and on redirects to HTTPS (so that the redirect happens before
 * any authorization), and gets the Mapping's {@code auth_context_extensions} otherwise; label groups of the rate
 * limit service's domain become the route's {@code rate_limits}.
 */
final class RoutePolicies {

    private static final ExtAuthzPerRoute DISABLED = ExtAuthzPerRoute.newBuilder().setDisabled(true).build();

    private final IrServices services;

    RoutePolicies(IrServices services) {
        this.services = services;
    }

    void apply(Route.Builder route, IrBoundRoute bound) {
        IrRoute ir = bound.route();
        if (services.auth() != null) {
            if (bound.action() == Variant.REDIRECT || ir.bypassAuth()) {
                route.putTypedPerFilterConfig(ExtAuthzFilter.NAME, Protos.pack(DISABLED));
            } else if (!ir.authContextExtensions().isEmpty()) {
                CheckSettings.Builder check = CheckSettings.newBuilder();
                ir.authContextExtensions().forEach(e -> check.putContextExtensions(e.key(), e.value()));
                route.putTypedPerFilterConfig(ExtAuthzFilter.NAME, Protos.pack(ExtAuthzPerRoute.newBuilder()
                        .setCheckSettings(check).build()));
            }
        }
        IrRateLimit rateLimit = services.rateLimit();
        if (rateLimit != null && route.hasRoute() && bound.action() == Variant.ROUTE
                && ir.action() instanceof IrRouteAction.Forward && !ir.labelGroups().isEmpty()) {
            for (IrLabelGroup group : ir.labelGroups()) {
                if (group.domain().equals(rateLimit.domain())) {
                    route.getRouteBuilder().addRateLimits(rateLimit(group));
                }
            }
        }
    }

    private static RateLimit rateLimit(IrLabelGroup group) {
        RateLimit.Builder limit = RateLimit.newBuilder();
        for (IrLabelGroup.Action a : group.actions()) {
            RateLimit.Action.Builder action = RateLimit.Action.newBuilder();
            switch (a) {
                case IrLabelGroup.SourceCluster s -> action.setSourceCluster(
                        RateLimit.Action.SourceCluster.getDefaultInstance());
                case IrLabelGroup.DestinationCluster d -> action.setDestinationCluster(
                        RateLimit.Action.DestinationCluster.getDefaultInstance());
                case IrLabelGroup.RemoteAddress r -> action.setRemoteAddress(
                        RateLimit.Action.RemoteAddress.getDefaultInstance());
                case IrLabelGroup.GenericKey g -> action.setGenericKey(RateLimit.Action.GenericKey.newBuilder()
                        .setDescriptorKey(g.key()).setDescriptorValue(g.value()));
                case IrLabelGroup.RequestHeaders h -> {
                    RateLimit.Action.RequestHeaders.Builder headers = RateLimit.Action.RequestHeaders.newBuilder()
                            .setHeaderName(h.headerName()).setDescriptorKey(h.key());
                    if (Boolean.TRUE.equals(h.omitIfNotPresent())) {
                        headers.setSkipIfAbsent(true);
                    }
                    action.setRequestHeaders(headers);
                }
            }
            limit.addActions(action);
        }
        return limit.build();
    }
}
