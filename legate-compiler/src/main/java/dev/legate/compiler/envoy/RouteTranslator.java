package dev.legate.compiler.envoy;

import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import dev.legate.compiler.Diagnostic;
import dev.legate.compiler.ir.IrListener.IrBoundRoute;
import dev.legate.compiler.ir.IrListener.Variant;
import dev.legate.compiler.ir.IrListener.Xfp;
import dev.legate.compiler.ir.IrMatcher;
import dev.legate.compiler.ir.IrRoute;
import dev.legate.compiler.ir.IrRouteAction;
import dev.legate.compiler.ir.IrServices;
import dev.legate.compiler.ir.IrSettings;
import dev.legate.envoy.constraints.EnvoyConstraints;
import dev.legate.model.CorsPolicy;
import dev.legate.model.MappingSpec;
import dev.legate.model.RetryPolicy;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.text.ParseException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * IR routes to Envoy {@link Route}s, following Emissary's v3route.py. Each (route, variant) is translated once and
 * shared by every virtual host that uses it; a route that cannot be translated is left out with a diagnostic on its
 * Mapping.
 */
final class RouteTranslator {

    static final String CORS_FILTER = "envoy.filters.http.cors";

    private final IrSettings settings;
    private final RoutePolicies policies;
    private final EnvoyConstraints constraints;
    /** (route, variant) to its proto or the reason it failed, by IR route instance, for this compile. */
    private final Map<IrRoute, RouteMemo.Slots> cache = new IdentityHashMap<>();
    private final RouteMemo.Generation memo;

    /**
     * Everything a route's translation reads must come from its {@link IrBoundRoute}, {@code settings} or
     * {@code services}: routes are memoized across compiles on exactly those (see {@link RouteMemo}). Each route is
     * checked against Envoy's constraints as it is made; one that fails is left out with a diagnostic on its Mapping.
     */
    RouteTranslator(IrSettings settings, IrServices services, EnvoyConstraints constraints,
            RouteMemo.Generation memo) {
        this.settings = settings;
        this.policies = new RoutePolicies(services);
        this.constraints = constraints;
        this.memo = memo;
    }

    /**
     * The Envoy route for a bound route (a {@link Route}), or, when its Mapping could not be translated, the error
     * that says why (a {@link Diagnostic}).
     */
    Object translate(IrBoundRoute bound) {
        IrRoute ir = bound.route();
        RouteMemo.Slots variants = cache.get(ir);
        if (variants == null) {
            variants = memo.slots(ir);
            cache.put(ir, variants);
        }
        int slot = RouteMemo.slot(bound);
        if (variants.routes[slot] == null && variants.failures[slot] == null) {
            try {
                Route route = build(bound);
                List<String> violations = constraints.violations(route);
                if (violations.isEmpty()) {
                    variants.routes[slot] = route;
                } else {
                    variants.failures[slot] = "route breaks Envoy's constraints and is left out: "
                            + String.join("; ", violations);
                }
            } catch (InvalidRouteException e) {
                variants.failures[slot] = e.getMessage() + "; the route is left out";
            }
        }
        Route route = variants.routes[slot];
        return route != null ? route : Diagnostic.error(ir.provenance().primary(), variants.failures[slot]);
    }

    private Route build(IrBoundRoute bound) throws InvalidRouteException {
        IrRoute ir = bound.route();
        Route.Builder route = Route.newBuilder().setMatch(match(ir.match(), bound.xfp()));
        if (bound.action() == Variant.REDIRECT) {
            route.setRedirect(RedirectAction.newBuilder().setHttpsRedirect(true));
        } else {
            switch (ir.action()) {
                case IrRouteAction.Forward f -> forward(route, f);
                case IrRouteAction.Redirect r -> route.setRedirect(redirect(r));
            }
        }
        for (IrRoute.IrHeaderValue h : ir.requestHeadersToAdd()) {
            route.addRequestHeadersToAdd(headerOption(h));
        }
        for (IrRoute.IrHeaderValue h : ir.responseHeadersToAdd()) {
            route.addResponseHeadersToAdd(headerOption(h));
        }
        route.addAllRequestHeadersToRemove(ir.requestHeadersToRemove());
        route.addAllResponseHeadersToRemove(ir.responseHeadersToRemove());
        policies.apply(route, bound);
        return route.build();
    }

    /** A user value Envoy would not accept. */
    static final class InvalidRouteException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidRouteException(String message) {
            super(message);
        }
    }

    @SuppressWarnings("deprecation")
    private static HeaderValueOption headerOption(IrRoute.IrHeaderValue h) {
        return HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey(h.key()).setValue(h.value()))
                .setAppendAction(h.append() ? HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD
                        : HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
                .build();
    }

    private RouteMatch match(IrRoute.IrRouteMatch m, Xfp xfp) {
        RouteMatch.Builder match = RouteMatch.newBuilder()
                .setCaseSensitive(BoolValue.of(m.caseSensitive()));
        RuntimeFractionalPercent.Builder fraction = RuntimeFractionalPercent.newBuilder()
                .setDefaultValue(Protos.percent(m.weight()));
        if (m.runtimeKey() != null) {
            fraction.setRuntimeKey(m.runtimeKey());
        }
        match.setRuntimeFraction(fraction);
        switch (m.pathKind()) {
            case PREFIX -> match.setPrefix(m.path());
            case PATH -> match.setPath(m.path());
            case REGEX -> match.setSafeRegex(Protos.regex(m.path(), settings.regexMaxSize()));
        }
        for (IrMatcher h : m.headers()) {
            if (h.name().equalsIgnoreCase("x-forwarded-proto") && xfp != Xfp.ALWAYS) {
                continue;
            }
            HeaderMatcher header = header(h);
            if (header != null) {
                match.addHeaders(header);
            }
        }
        if (xfp == Xfp.HTTPS) {
            match.addHeaders(HeaderMatcher.newBuilder().setName("x-forwarded-proto")
                    .setStringMatch(Protos.exact("https")));
        }
        for (IrMatcher q : m.queryParameters()) {
            QueryParameterMatcher.Builder param = QueryParameterMatcher.newBuilder().setName(q.name());
            if (q.regex()) {
                param.setStringMatch(StringMatcher.newBuilder().setSafeRegex(Protos.regex(q.value(),
                        settings.regexMaxSize())));
            } else if (q.value() != null) {
                param.setStringMatch(Protos.exact(q.value()));
            } else {
                param.setPresentMatch(true);
            }
            match.addQueryParameters(param);
        }
        return match.build();
    }

    private @Nullable HeaderMatcher header(IrMatcher h) {
        HeaderMatcher.Builder header = HeaderMatcher.newBuilder().setName(h.name());
        String value = h.value();
        if (h.regex()) {
            return header.setStringMatch(StringMatcher.newBuilder().setSafeRegex(Protos.regex(value,
                    settings.regexMaxSize()))).build();
        }
        if (value == null) {
            return header.setPresentMatch(true).build();
        }
        if (h.name().equals(":authority")) {
            if (value.equals("*")) {
                return null;
            }
            if (value.startsWith("*")) {
                return header.setStringMatch(StringMatcher.newBuilder().setSuffix(value.substring(1))).build();
            }
            if (value.endsWith("*")) {
                return header.setStringMatch(StringMatcher.newBuilder().setPrefix(value.substring(0,
                        value.length() - 1))).build();
            }
        }
        return header.setStringMatch(Protos.exact(value)).build();
    }

    private void forward(Route.Builder route, IrRouteAction.Forward f) throws InvalidRouteException {
        RouteAction.Builder action = RouteAction.newBuilder()
                .setCluster(f.cluster())
                .setTimeout(Protos.millis(f.timeoutMs()));
        if (f.priority() != null) {
            action.setPriority(f.priority().equalsIgnoreCase("high") ? RoutingPriority.HIGH : RoutingPriority.DEFAULT);
        }
        if (f.idleTimeoutMs() != null) {
            action.setIdleTimeout(Protos.millis(f.idleTimeoutMs()));
        }
        if (f.regexRewrite() != null) {
            MappingSpec.RegexMap rr = f.regexRewrite();
            action.setRegexRewrite(RegexMatchAndSubstitute.newBuilder()
                    .setPattern(Protos.regex(rr.pattern() == null ? "" : rr.pattern(), settings.regexMaxSize()))
                    .setSubstitution(rr.substitution() == null ? "" : rr.substitution()));
        } else if (f.prefixRewrite() != null) {
            action.setPrefixRewrite(f.prefixRewrite());
        }
        if (f.hostRewrite() != null) {
            action.setHostRewriteLiteral(f.hostRewrite());
        }
        if (f.autoHostRewrite() != null) {
            action.setAutoHostRewrite(BoolValue.of(f.autoHostRewrite()));
        }
        if (f.hashPolicy() != null) {
            action.addHashPolicy(hashPolicy(f.hashPolicy()));
        }
        if (f.retryPolicy() != null) {
            action.setRetryPolicy(retryPolicy(f.retryPolicy()));
        }
        if (f.mirror() != null) {
            action.addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder()
                    .setCluster(f.mirror().cluster())
                    .setRuntimeFraction(RuntimeFractionalPercent.newBuilder()
                            .setDefaultValue(Protos.percent(f.mirror().percent()))));
        }
        for (String upgrade : f.upgrades()) {
            action.addUpgradeConfigs(RouteAction.UpgradeConfig.newBuilder().setUpgradeType(upgrade));
        }
        route.setRoute(action);
        if (f.cors() != null) {
            route.putTypedPerFilterConfig(CORS_FILTER, Protos.pack(cors(f.cors(), f.corsRuntimeKey())));
        }
    }

    private static RouteAction.HashPolicy hashPolicy(MappingSpec.LoadBalancer lb) throws InvalidRouteException {
        RouteAction.HashPolicy.Builder hash = RouteAction.HashPolicy.newBuilder();
        if (lb.cookie() != null) {
            RouteAction.HashPolicy.Cookie.Builder cookie = RouteAction.HashPolicy.Cookie.newBuilder()
                    .setName(String.valueOf(lb.cookie().name()));
            if (lb.cookie().path() != null) {
                cookie.setPath(lb.cookie().path());
            }
            if (lb.cookie().ttl() != null) {
                cookie.setTtl(duration("load_balancer.cookie.ttl", lb.cookie().ttl()));
            }
            hash.setCookie(cookie);
        } else if (lb.header() != null) {
            hash.setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(lb.header()));
        } else if (lb.sourceIp() != null) {
            hash.setConnectionProperties(RouteAction.HashPolicy.ConnectionProperties.newBuilder()
                    .setSourceIp(lb.sourceIp()));
        }
        return hash.build();
    }

    private static io.envoyproxy.envoy.config.route.v3.RetryPolicy retryPolicy(RetryPolicy p)
            throws InvalidRouteException {
        var retry = io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder();
        if (p.retryOn() != null) {
            retry.setRetryOn(p.retryOn());
        }
        if (p.numRetries() != null) {
            retry.setNumRetries(UInt32Value.of(p.numRetries()));
        }
        if (p.perTryTimeout() != null) {
            retry.setPerTryTimeout(duration("retry_policy.per_try_timeout", p.perTryTimeout()));
        }
        return retry.build();
    }

    private static io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy cors(CorsPolicy c,
            @Nullable String runtimeKey) {
        var cors = io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy.newBuilder();
        if (c.origins() != null) {
            for (String origin : c.origins()) {
                cors.addAllowOriginStringMatch(Protos.exact(origin));
            }
        }
        if (c.methods() != null && !c.methods().isEmpty()) {
            cors.setAllowMethods(String.join(", ", c.methods()));
        }
        if (c.headers() != null && !c.headers().isEmpty()) {
            cors.setAllowHeaders(String.join(", ", c.headers()));
        }
        if (c.exposedHeaders() != null && !c.exposedHeaders().isEmpty()) {
            cors.setExposeHeaders(String.join(", ", c.exposedHeaders()));
        }
        if (c.maxAge() != null) {
            cors.setMaxAge(c.maxAge());
        }
        if (c.credentials() != null) {
            cors.setAllowCredentials(BoolValue.of(c.credentials()));
        }
        RuntimeFractionalPercent.Builder enabled = RuntimeFractionalPercent.newBuilder()
                .setDefaultValue(Protos.percent(100));
        if (runtimeKey != null) {
            enabled.setRuntimeKey(runtimeKey);
        }
        cors.setFilterEnabled(enabled);
        return cors.build();
    }

    private static RedirectAction redirect(IrRouteAction.Redirect r) {
        RedirectAction.Builder redirect = RedirectAction.newBuilder().setHostRedirect(r.host());
        if (r.pathRedirect() != null) {
            redirect.setPathRedirect(r.pathRedirect());
        } else if (r.prefixRewrite() != null) {
            redirect.setPrefixRewrite(r.prefixRewrite());
        } else if (r.regexRewrite() != null) {
            redirect.setRegexRewrite(RegexMatchAndSubstitute.newBuilder()
                    .setPattern(io.envoyproxy.envoy.type.matcher.v3.RegexMatcher.newBuilder()
                            .setGoogleRe2(io.envoyproxy.envoy.type.matcher.v3.RegexMatcher.GoogleRE2.getDefaultInstance())
                            .setRegex(r.regexRewrite().pattern() == null ? "" : r.regexRewrite().pattern()))
                    .setSubstitution(r.regexRewrite().substitution() == null ? "" : r.regexRewrite().substitution()));
        }
        redirect.setResponseCode(switch (r.responseCode()) {
            case 302 -> RedirectAction.RedirectResponseCode.FOUND;
            case 303 -> RedirectAction.RedirectResponseCode.SEE_OTHER;
            case 307 -> RedirectAction.RedirectResponseCode.TEMPORARY_REDIRECT;
            case 308 -> RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT;
            default -> RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY;
        });
        return redirect.build();
    }

    /** Envoy duration strings ("1.5s"); Emissary also passes plain numbers of seconds through. */
    static com.google.protobuf.Duration duration(String field, String text) throws InvalidRouteException {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Protos.millis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            return Durations.parse(t.endsWith("s") ? t : t + "s");
        } catch (ParseException | NumberFormatException e) {
            throw new InvalidRouteException(field + ": '" + text + "' is not a duration (e.g. 2.5s)");
        }
    }
}
