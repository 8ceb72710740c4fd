package dev.legate.acceptance;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.re2j.Pattern;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.SessionProtocol;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.envoyproxy.envoy.type.matcher.v3.ListStringMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The HTTP filters of a served HTTP connection manager that call services, applied as Envoy documents them, from
 * the configuration {@code legate serve} published (never from Legate's input):
 *
 * <ul>
 *   <li>{@code envoy.filters.http.ext_authz} (gRPC {@code envoy.service.auth.v3.Authorization/Check}, or the raw HTTP
 *       protocol): skipped where the route's (else the virtual host's) {@code ExtAuthzPerRoute} is {@code disabled};
 *       the check goes to the cluster the filter names, at the endpoints Armeria's xDS client resolved for it, within
 *       the filter's timeout. gRPC: every request header is sent (only the {@code allowed_headers} when set), OK adds
 *       the response's headers upstream, a denial answers the client with its status (403 when unset), headers and
 *       body. HTTP: the request's method and {@code path_prefix} + path, with Host, Method, Path, Content-Length,
 *       Authorization and the headers {@code allowed_headers} matches, plus {@code authorization_request.headers_to_add};
 *       200 allows and the response headers {@code allowed_upstream_headers} matches are set upstream, any other
 *       status is returned to the client with the headers {@code allowed_client_headers} matches (all but Host when
 *       unset). A check that fails (unreachable, timeout) continues when {@code failure_mode_allow}, else answers
 *       {@code status_on_error} (403 when unset).</li>
 *   <li>{@code envoy.filters.http.ratelimit}: the route's {@code rate_limits} of the filter's stage become
 *       descriptors (generic_key, request_headers, remote_address, destination_cluster; a request_headers action
 *       whose header is absent drops its descriptor unless {@code skip_if_absent}); with at least one, the rate-limit
 *       service at the cluster the filter names is asked for the filter's domain within its timeout. OVER_LIMIT
 *       answers 429; the service's {@code response_headers_to_add} go to the client either way; a failure continues
 *       unless {@code failure_mode_deny} (500).</li>
 * </ul>
 *
 * Other filters (CORS without an Origin, the router) change nothing for these requests and are passed over.
 */
final class ServiceFilters implements AutoCloseable {

    static final String EXT_AUTHZ = "envoy.filters.http.ext_authz";
    /** The address Envoy would see the harness's requests come from (loopback, no trusted X-Forwarded-For). */
    static final String REMOTE_ADDRESS = "127.0.0.1";

    /** After a filter: go on with this request (and these headers for the client's response), or answer now. */
    private sealed interface Step {
    }

    private record Continue(Query query, Map<String, String> responseHeaders) implements Step {
    }

    private record Stop(Answer answer) implements Step {
    }

    private final Function<String, List<Endpoint>> endpoints;
    private final ClientFactory factory;
    private final Map<Endpoint, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final Map<Endpoint, WebClient> clients = new ConcurrentHashMap<>();

    /** @param endpoints a cluster's endpoints as Armeria's xDS client resolved them */
    ServiceFilters(Function<String, List<Endpoint>> endpoints, ClientFactory factory) {
        this.endpoints = requireNonNull(endpoints, "endpoints");
        this.factory = requireNonNull(factory, "factory");
    }

    /** The clusters the service filters of {@code hcm} call. */
    static Set<String> clusters(HttpConnectionManager hcm) {
        Set<String> out = new java.util.TreeSet<>();
        for (HttpFilter f : hcm.getHttpFiltersList()) {
            Any config = f.getTypedConfig();
            if (config.is(ExtAuthz.class)) {
                ExtAuthz authz = unpack(config, ExtAuthz.class);
                out.add(authz.hasGrpcService() ? authz.getGrpcService().getEnvoyGrpc().getClusterName()
                        : authz.getHttpService().getServerUri().getCluster());
            } else if (config.is(io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.class)) {
                out.add(unpack(config, io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.class)
                        .getRateLimitService().getGrpcService().getEnvoyGrpc().getClusterName());
            }
        }
        return out;
    }

    /**
     * Runs the request through the connection manager's filters, then (if none answered) {@code upstream} with the
     * request as the filters left it.
     */
    CompletableFuture<Answer> apply(HttpConnectionManager hcm, Query query, Route route, VirtualHost vhost,
            Function<Query, CompletableFuture<Answer>> upstream) {
        CompletableFuture<Step> step = CompletableFuture.completedFuture(new Continue(query, Map.of()));
        for (HttpFilter f : hcm.getHttpFiltersList()) {
            Any config = f.getTypedConfig();
            if (config.is(ExtAuthz.class)) {
                ExtAuthz authz = unpack(config, ExtAuthz.class);
                step = step.thenCompose(s -> s instanceof Continue c ? extAuthz(authz, c, route, vhost)
                        : CompletableFuture.completedFuture(s));
            } else if (config.is(io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.class)) {
                var rl = unpack(config, io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.class);
                step = step.thenCompose(s -> s instanceof Continue c ? rateLimit(rl, c, route)
                        : CompletableFuture.completedFuture(s));
            }
        }
        return step.thenCompose(s -> switch (s) {
            case Stop stop -> CompletableFuture.completedFuture(stop.answer());
            case Continue c -> upstream.apply(c.query()).thenApply(a -> withResponseHeaders(a,
                    c.responseHeaders()));
        });
    }

    // ---- ext_authz -------------------------------------------------------------------------------------------

    private CompletableFuture<Step> extAuthz(ExtAuthz authz, Continue c, Route route, VirtualHost vhost) {
        Optional<ExtAuthzPerRoute> perRoute = perRoute(route.getTypedPerFilterConfigMap().get(EXT_AUTHZ))
                .or(() -> perRoute(vhost.getTypedPerFilterConfigMap().get(EXT_AUTHZ)));
        if (perRoute.isPresent() && perRoute.get().getDisabled()) {
            return CompletableFuture.completedFuture(c);
        }
        Map<String, String> contextExtensions = perRoute.map(p -> p.getCheckSettings().getContextExtensionsMap())
                .orElse(Map.of());
        CompletableFuture<Step> checked = authz.hasGrpcService()
                ? grpcCheck(authz, c, contextExtensions) : httpCheck(authz, c);
        return checked.exceptionally(e -> {
            if (authz.getFailureModeAllow()) {
                return c;
            }
            int status = authz.hasStatusOnError() && authz.getStatusOnError().getCodeValue() != 0
                    ? authz.getStatusOnError().getCodeValue() : 403;
            return new Stop(new Answer(status, Map.of(), null, null));
        });
    }

    private static Optional<ExtAuthzPerRoute> perRoute(Any config) {
        if (config == null) {
            return Optional.empty();
        }
        if (config.is(ExtAuthzPerRoute.class)) {
            return Optional.of(unpack(config, ExtAuthzPerRoute.class));
        }
        if (config.is(io.envoyproxy.envoy.config.route.v3.FilterConfig.class)) {
            var wrapper = unpack(config, io.envoyproxy.envoy.config.route.v3.FilterConfig.class);
            return wrapper.getDisabled() ? Optional.of(ExtAuthzPerRoute.newBuilder().setDisabled(true).build())
                    : perRoute(wrapper.getConfig());
        }
        return Optional.empty();
    }

    private CompletableFuture<Step> grpcCheck(ExtAuthz authz, Continue c, Map<String, String> contextExtensions) {
        Map<String, String> headers = new TreeMap<>();
        headers.put(":authority", c.query().authority());
        headers.put(":method", c.query().method());
        headers.put(":path", c.query().path());
        c.query().headers().forEach((k, v) -> {
            if (!authz.hasAllowedHeaders() || matches(authz.getAllowedHeaders(), k)) {
                headers.put(k, v);
            }
        });
        CheckRequest request = CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder()
                .setRequest(AttributeContext.Request.newBuilder().setHttp(AttributeContext.HttpRequest.newBuilder()
                        .setMethod(c.query().method()).setPath(c.query().path()).setHost(c.query().authority())
                        .setScheme("http").setProtocol("HTTP/1.1").putAllHeaders(headers)))
                .putAllContextExtensions(contextExtensions)).build();
        Duration timeout = authz.getGrpcService().hasTimeout()
                ? Duration.ofSeconds(authz.getGrpcService().getTimeout().getSeconds(),
                        authz.getGrpcService().getTimeout().getNanos())
                : Duration.ofMillis(200);
        ManagedChannel channel = channel(authz.getGrpcService().getEnvoyGrpc().getClusterName());
        CompletableFuture<CheckResponse> response = new CompletableFuture<>();
        AuthorizationGrpc.newStub(channel).withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .check(request, observer(response));
        return response.thenApply(r -> grpcDecision(r, c));
    }

    private static Step grpcDecision(CheckResponse response, Continue c) {
        if (response.getStatus().getCode() == io.grpc.Status.Code.OK.value()) {
            Map<String, String> upstream = new TreeMap<>(c.query().headers());
            for (HeaderValueOption h : response.getOkResponse().getHeadersList()) {
                String name = h.getHeader().getKey().toLowerCase(Locale.ROOT);
                boolean append = h.hasAppend() && h.getAppend().getValue();
                upstream.merge(name, h.getHeader().getValue(), (old, v) -> append ? old + "," + v : v);
            }
            response.getOkResponse().getHeadersToRemoveList()
                    .forEach(name -> upstream.remove(name.toLowerCase(Locale.ROOT)));
            return new Continue(replaceHeaders(c.query(), upstream), c.responseHeaders());
        }
        int status = response.getDeniedResponse().getStatus().getCodeValue();
        Map<String, String> client = new LinkedHashMap<>();
        for (HeaderValueOption h : response.getDeniedResponse().getHeadersList()) {
            client.put(h.getHeader().getKey().toLowerCase(Locale.ROOT), h.getHeader().getValue());
        }
        return new Stop(new Answer(status == 0 ? 403 : status, client, null, null));
    }

    private CompletableFuture<Step> httpCheck(ExtAuthz authz, Continue c) {
        var service = authz.getHttpService();
        Query q = c.query();
        RequestHeadersBuilder hb = RequestHeaders.builder(HttpMethod.valueOf(q.method()),
                        service.getPathPrefix() + q.path())
                .authority(q.authority()).contentLength(0);
        q.headers().forEach((k, v) -> {
            if (k.equals("authorization") || authz.hasAllowedHeaders() && matches(authz.getAllowedHeaders(), k)) {
                hb.set(k, v);
            }
        });
        for (HeaderValue h : service.getAuthorizationRequest().getHeadersToAddList()) {
            hb.set(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
        }
        var uri = service.getServerUri();
        Duration timeout = uri.hasTimeout()
                ? Duration.ofSeconds(uri.getTimeout().getSeconds(), uri.getTimeout().getNanos())
                : Duration.ofMillis(200);
        Endpoint endpoint = firstEndpoint(uri.getCluster());
        WebClient authClient = clients.computeIfAbsent(endpoint, e -> WebClient.builder(SessionProtocol.HTTP, e)
                .factory(factory).build());
        return authClient.prepare().headers(hb.build()).responseTimeout(timeout).execute().aggregate()
                .thenApply(res -> {
                    Map<String, String> headers = new LinkedHashMap<>();
                    res.headers().forEach((k, v) -> {
                        if (!k.toString().startsWith(":")) {
                            headers.merge(k.toString().toLowerCase(Locale.ROOT), v, (a, b) -> a + "," + b);
                        }
                    });
                    var response = service.getAuthorizationResponse();
                    if (res.status().code() == 200) {
                        Map<String, String> upstream = new TreeMap<>(q.headers());
                        if (response.hasAllowedUpstreamHeaders()) {
                            headers.forEach((k, v) -> {
                                if (matches(response.getAllowedUpstreamHeaders(), k)) {
                                    upstream.put(k, v);
                                }
                            });
                        }
                        return (Step) new Continue(replaceHeaders(q, upstream), c.responseHeaders());
                    }
                    Map<String, String> client = new LinkedHashMap<>();
                    headers.forEach((k, v) -> {
                        boolean allowed = response.hasAllowedClientHeaders()
                                ? matches(response.getAllowedClientHeaders(), k) : !k.equals("host");
                        if (allowed) {
                            client.put(k, v);
                        }
                    });
                    return new Stop(new Answer(res.status().code(), client, null, null));
                });
    }

    // ---- ratelimit -------------------------------------------------------------------------------------------

    private CompletableFuture<Step> rateLimit(io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit rl,
            Continue c, Route route) {
        if (!route.hasRoute()) {
            return CompletableFuture.completedFuture(c);
        }
        List<RateLimitDescriptor> descriptors = new ArrayList<>();
        for (RateLimit limit : route.getRoute().getRateLimitsList()) {
            int stage = limit.hasStage() ? limit.getStage().getValue() : 0;
            if (stage != rl.getStage()) {
                continue;
            }
            Optional<RateLimitDescriptor> d;
            try {
                d = descriptor(limit, c.query(), route.getRoute().getCluster());
            } catch (UnsupportedOperationException e) {
                return CompletableFuture.completedFuture(new Stop(Answer.failed(e.getMessage())));
            }
            d.ifPresent(descriptors::add);
        }
        if (descriptors.isEmpty()) {
            return CompletableFuture.completedFuture(c);
        }
        RateLimitRequest request = RateLimitRequest.newBuilder().setDomain(rl.getDomain())
                .addAllDescriptors(descriptors).build();
        Duration timeout = rl.hasTimeout()
                ? Duration.ofSeconds(rl.getTimeout().getSeconds(), rl.getTimeout().getNanos())
                : Duration.ofMillis(20);
        ManagedChannel channel = channel(rl.getRateLimitService().getGrpcService().getEnvoyGrpc().getClusterName());
        CompletableFuture<RateLimitResponse> answered = new CompletableFuture<>();
        RateLimitServiceGrpc.newStub(channel).withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .shouldRateLimit(request, observer(answered));
        return answered.thenApply(response -> {
                    Map<String, String> client = new LinkedHashMap<>(c.responseHeaders());
                    for (HeaderValue h : response.getResponseHeadersToAddList()) {
                        client.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
                    }
                    if (response.getOverallCode() == RateLimitResponse.Code.OVER_LIMIT) {
                        return (Step) new Stop(new Answer(429, client, null, null));
                    }
                    Map<String, String> upstream = new TreeMap<>(c.query().headers());
                    for (HeaderValue h : response.getRequestHeadersToAddList()) {
                        upstream.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
                    }
                    return new Continue(replaceHeaders(c.query(), upstream), client);
                })
                .exceptionally(e -> rl.getFailureModeDeny() ? new Stop(new Answer(500, Map.of(), null, null)) : c);
    }

    /** Envoy's descriptor for one rate limit: every action adds an entry, or the whole descriptor is not produced. */
    static Optional<RateLimitDescriptor> descriptor(RateLimit limit, Query query, String routeCluster) {
        RateLimitDescriptor.Builder d = RateLimitDescriptor.newBuilder();
        for (RateLimit.Action action : limit.getActionsList()) {
            switch (action.getActionSpecifierCase()) {
                case GENERIC_KEY -> {
                    var g = action.getGenericKey();
                    d.addEntries(entry(g.getDescriptorKey().isEmpty() ? "generic_key" : g.getDescriptorKey(),
                            g.getDescriptorValue()));
                }
                case REQUEST_HEADERS -> {
                    var h = action.getRequestHeaders();
                    String value = query.headers().get(h.getHeaderName().toLowerCase(Locale.ROOT));
                    if (value == null) {
                        if (h.getSkipIfAbsent()) {
                            continue;
                        }
                        return Optional.empty();
                    }
                    d.addEntries(entry(h.getDescriptorKey(), value));
                }
                case REMOTE_ADDRESS -> d.addEntries(entry("remote_address", REMOTE_ADDRESS));
                case DESTINATION_CLUSTER -> d.addEntries(entry("destination_cluster", routeCluster));
                default -> throw new UnsupportedOperationException("rate limit action "
                        + action.getActionSpecifierCase() + " is not handled by tier 1");
            }
        }
        return d.getEntriesCount() == 0 ? Optional.empty() : Optional.of(d.build());
    }

    private static RateLimitDescriptor.Entry entry(String key, String value) {
        return RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value).build();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static Answer withResponseHeaders(Answer a, Map<String, String> more) {
        if (more.isEmpty() || a.error() != null) {
            return a;
        }
        Map<String, String> all = new LinkedHashMap<>(a.responseHeaders());
        all.putAll(more);
        return new Answer(a.status(), all, a.seen(), null);
    }

    private static Query replaceHeaders(Query q, Map<String, String> headers) {
        return new Query(q.description(), q.listener(), q.method(), q.authority(), q.path(), headers, q.repeat(),
                q.expected());
    }

    /** Envoy's ListStringMatcher on a (lower-case) header name. */
    static boolean matches(ListStringMatcher list, String name) {
        for (StringMatcher m : list.getPatternsList()) {
            String value = m.getIgnoreCase() ? name.toLowerCase(Locale.ROOT) : name;
            boolean hit = switch (m.getMatchPatternCase()) {
                case EXACT -> value.equals(m.getIgnoreCase() ? m.getExact().toLowerCase(Locale.ROOT) : m.getExact());
                case PREFIX -> value.startsWith(m.getIgnoreCase() ? m.getPrefix().toLowerCase(Locale.ROOT)
                        : m.getPrefix());
                case SUFFIX -> value.endsWith(m.getIgnoreCase() ? m.getSuffix().toLowerCase(Locale.ROOT)
                        : m.getSuffix());
                case CONTAINS -> value.contains(m.getIgnoreCase() ? m.getContains().toLowerCase(Locale.ROOT)
                        : m.getContains());
                case SAFE_REGEX -> Pattern.compile(m.getSafeRegex().getRegex()).matches(name);
                default -> false;
            };
            if (hit) {
                return true;
            }
        }
        return false;
    }

    private Endpoint firstEndpoint(String cluster) {
        List<Endpoint> found = endpoints.apply(cluster);
        if (found.isEmpty()) {
            throw new IllegalStateException("no endpoint for the service cluster " + cluster);
        }
        return found.getFirst();
    }

    private ManagedChannel channel(String cluster) {
        return channels.computeIfAbsent(firstEndpoint(cluster), e -> NettyChannelBuilder
                .forAddress(e.host(), e.port()).usePlaintext().build());
    }

    /** A unary call's observer completing {@code future}. (Armeria's copy of the stubs shades Guava's futures.) */
    private static <T> StreamObserver<T> observer(CompletableFuture<T> future) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                future.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                future.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                future.completeExceptionally(new IllegalStateException("completed without an answer"));
            }
        };
    }

    private static <T extends Message> T unpack(Any any, Class<T> type) {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("unreadable " + any.getTypeUrl(), e);
        }
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
