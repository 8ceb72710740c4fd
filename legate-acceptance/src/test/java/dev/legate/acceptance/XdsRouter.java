package dev.legate.acceptance;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.re2j.Pattern;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.ClientRequestContext;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.xds.ClusterRoot;
import com.linecorp.armeria.xds.ClusterSnapshot;
import com.linecorp.armeria.xds.ListenerRoot;
import com.linecorp.armeria.xds.ListenerSnapshot;
import com.linecorp.armeria.xds.RouteEntry;
import com.linecorp.armeria.xds.RouteSnapshot;
import com.linecorp.armeria.xds.Snapshot;
import com.linecorp.armeria.xds.SnapshotWatcher;
import com.linecorp.armeria.xds.VirtualHostSnapshot;
import com.linecorp.armeria.xds.XdsBootstrap;
import com.linecorp.armeria.xds.XdsType;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Tier 1: requests routed by the configuration that {@code legate serve} publishes, as read by Armeria's xDS client
 * (a real xDS consumer: it subscribes over ADS to the API-listener views, their route configurations, clusters and
 * endpoints, validates them against Envoy's constraints and ACKs or NACKs), and sent to the real backends at the
 * endpoints it resolved.
 *
 * <p>Armeria 1.35's own router applies only part of a route: matching (path, headers, query parameters) and the
 * cluster. It ignores runtime_fraction (Emissary's canaries), prefix/regex rewrites, host rewrites, header
 * additions and removals, and cannot follow redirect routes. So this class selects the route itself, following
 * Envoy's documented rules (virtual host by domain, the first route that matches, one random value per request for
 * runtime fractions), using Armeria's route matcher ({@link RouteEntry#matches}) for the match, and applies the
 * route's action as Envoy does (redirects, rewrites, header mutations at route, virtual host and route
 * configuration level, remove before add). The request then goes to an endpoint Armeria's xDS load balancer picks.
 *
 * <p>Before the route's action, the connection manager's ext_authz and ratelimit filters run as Envoy documents them
 * ({@link ServiceFilters}), calling the real services at the endpoints Armeria resolved for the clusters the filters
 * name (watched as cluster roots of their own, since no route names them).
 */
final class XdsRouter implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final XdsBootstrap xds;
    private final Map<ListenerKind, ListenerRoot> roots = new EnumMap<>(ListenerKind.class);
    private final Map<ListenerKind, ListenerSnapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<String, String> errors = new ConcurrentHashMap<>();
    private final Map<Endpoint, WebClient> clients = new ConcurrentHashMap<>();
    private final ClientFactory factory;
    /** The clusters of service filters (ext_authz, ratelimit), which no route names: watched on their own. */
    private final Map<String, ClusterRoot> serviceRoots = new ConcurrentHashMap<>();
    private final Map<String, ClusterSnapshot> serviceClusters = new ConcurrentHashMap<>();
    private final ServiceFilters services;

    XdsRouter(int adsPort, Map<ListenerKind, String> apiListeners, ClientFactory factory) {
        this.factory = requireNonNull(factory, "factory");
        this.services = new ServiceFilters(this::serviceEndpoints, factory);
        xds = XdsBootstrap.of(bootstrap(adsPort));
        apiListeners.forEach((kind, name) -> {
            ListenerRoot root = xds.listenerRoot(name);
            root.addSnapshotWatcher(new ErrorRecordingWatcher<ListenerSnapshot>() {
                @Override
                public void snapshotUpdated(ListenerSnapshot snapshot) {
                    snapshots.put(kind, snapshot);
                    errors.clear(); // a resource missing before the first configuration was published is no error
                }
            });
            roots.put(kind, root);
        });
    }

    /** An Envoy-style bootstrap: ADS over gRPC to the server, LDS and CDS through ADS. */
    private static Bootstrap bootstrap(int adsPort) {
        String clusterName = "legate-ads";
        ConfigSource ads = ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
                .setResourceApiVersion(ApiVersion.V3).build();
        Cluster adsCluster = Cluster.newBuilder().setName(clusterName).setType(Cluster.DiscoveryType.STATIC)
                .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(clusterName)
                        .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                                .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder().setAddress(Address.newBuilder()
                                        .setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1")
                                                .setPortValue(adsPort)))))))
                .build();
        return Bootstrap.newBuilder()
                .setNode(Node.newBuilder().setId("legate-acceptance-armeria").setCluster("acceptance"))
                .setStaticResources(Bootstrap.StaticResources.newBuilder().addClusters(adsCluster))
                .setDynamicResources(Bootstrap.DynamicResources.newBuilder()
                        .setAdsConfig(ApiConfigSource.newBuilder().setApiType(ApiConfigSource.ApiType.GRPC)
                                .setTransportApiVersion(ApiVersion.V3)
                                .addGrpcServices(GrpcService.newBuilder().setEnvoyGrpc(
                                        GrpcService.EnvoyGrpc.newBuilder().setClusterName(clusterName))))
                        .setLdsConfig(ads).setCdsConfig(ads))
                .build();
    }

    /**
     * Waits until every listener has a complete snapshot (routes, clusters and endpoints resolved), and so has every
     * cluster their service filters (ext_authz, ratelimit) call.
     */
    void awaitSnapshots(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !(snapshots.size() == roots.size()
                && snapshots.values().stream().allMatch(s -> s.routeSnapshot() != null))) {
            Thread.sleep(20); // Armeria calls back on its event loop; polling a map here is enough
        }
        if (!(snapshots.size() == roots.size()
                && snapshots.values().stream().allMatch(s -> s.routeSnapshot() != null))) {
            throw new IllegalStateException("Armeria's xDS client has no complete snapshot of " + roots.keySet()
                    + " after " + timeout + " (has " + snapshots.keySet() + "; errors " + errors + ")");
        }
        for (ListenerSnapshot snapshot : snapshots.values()) {
            for (String cluster : ServiceFilters.clusters(snapshot.xdsResource().connectionManager())) {
                serviceRoots.computeIfAbsent(cluster, this::watchServiceCluster);
            }
        }
        while (System.nanoTime() < deadline) {
            if (serviceRoots.keySet().stream().allMatch(c -> !serviceEndpoints(c).isEmpty())) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("Armeria's xDS client resolved no endpoints for the service clusters "
                + serviceRoots.keySet() + " after " + timeout + " (has " + serviceClusters.keySet() + "; errors "
                + errors + ")");
    }

    private ClusterRoot watchServiceCluster(String name) {
        ClusterRoot root = xds.clusterRoot(name);
        root.addSnapshotWatcher(new ErrorRecordingWatcher<ClusterSnapshot>() {
            @Override
            public void snapshotUpdated(ClusterSnapshot cluster) {
                serviceClusters.put(name, cluster);
                // Subscribed after the listeners: a response to the earlier subscription lacks it, which is no error.
                errors.keySet().removeIf(k -> k.endsWith(" " + name) || k.endsWith(" " + name + " "));
            }
        });
        return root;
    }

    /** The endpoints Armeria resolved for a service filter's cluster. */
    private List<Endpoint> serviceEndpoints(String cluster) {
        ClusterSnapshot snapshot = serviceClusters.get(cluster);
        return snapshot == null ? List.of() : endpoints(snapshot);
    }

    /** The endpoints Armeria's xDS client resolved for a cluster (EDS, or its own assignment for STATIC and STRICT_DNS). */
    private static List<Endpoint> endpoints(ClusterSnapshot cluster) {
        List<Endpoint> endpoints = new ArrayList<>();
        if (cluster.endpointSnapshot() != null) {
            ClusterLoadAssignment cla = cluster.endpointSnapshot().xdsResource().resource();
            for (LocalityLbEndpoints locality : cla.getEndpointsList()) {
                for (LbEndpoint lb : locality.getLbEndpointsList()) {
                    SocketAddress address = lb.getEndpoint().getAddress().getSocketAddress();
                    endpoints.add(Endpoint.of(address.getAddress(), address.getPortValue()));
                }
            }
        }
        return endpoints;
    }

    Map<String, String> errors() {
        return Map.copyOf(errors);
    }

    /** Sends one request of {@code query}; {@code random} is the request's route random (Envoy draws one per request). */
    CompletableFuture<Answer> send(Query query, long random) {
        ListenerSnapshot snapshot = snapshots.get(query.listener());
        RouteSnapshot routes = snapshot == null ? null : snapshot.routeSnapshot();
        if (routes == null) {
            return CompletableFuture.completedFuture(Answer.failed("no route configuration for "
                    + query.listener()));
        }
        VirtualHostSnapshot vhost = virtualHost(routes, query.authority());
        if (vhost == null) {
            return CompletableFuture.completedFuture(notFound());
        }
        RequestHeadersBuilder hb = RequestHeaders.builder(HttpMethod.valueOf(query.method()), query.path())
                .scheme(SessionProtocol.HTTP).authority(query.authority());
        query.headers().forEach(hb::add);
        RequestHeaders requestHeaders = hb.build();
        ClientRequestContext ctx = ClientRequestContext.of(HttpRequest.of(requestHeaders));
        for (RouteEntry entry : vhost.routeEntries()) {
            if (entry.matches(ctx) && fractionAllows(entry.route().getMatch(), random)) {
                VirtualHost vh = vhost.xdsResource().resource();
                RouteConfiguration rc = routes.xdsResource().resource();
                // The HTTP filters first (ext_authz, ratelimit), as Envoy runs them before the router.
                return services.apply(snapshot.xdsResource().connectionManager(), query, entry.route(), vh,
                        filtered -> act(filtered, entry, vh, rc, random));
            }
        }
        return CompletableFuture.completedFuture(notFound());
    }

    private static Answer notFound() {
        return new Answer(404, Map.of(), null, null);
    }

    /** Envoy: exact domains first, then the longest suffix wildcard, then the longest prefix wildcard, then "*". */
    private static @Nullable VirtualHostSnapshot virtualHost(RouteSnapshot routes, String authority) {
        String host = authority.toLowerCase(Locale.ROOT);
        VirtualHostSnapshot any = null;
        VirtualHostSnapshot suffix = null;
        int suffixLength = -1;
        VirtualHostSnapshot prefix = null;
        int prefixLength = -1;
        for (VirtualHostSnapshot vh : routes.virtualHostSnapshots()) {
            for (String d : vh.xdsResource().resource().getDomainsList()) {
                String domain = d.toLowerCase(Locale.ROOT);
                if (domain.equals("*")) {
                    any = any == null ? vh : any;
                } else if (domain.startsWith("*")) {
                    String tail = domain.substring(1);
                    if (host.length() > tail.length() && host.endsWith(tail) && tail.length() > suffixLength) {
                        suffix = vh;
                        suffixLength = tail.length();
                    }
                } else if (domain.endsWith("*")) {
                    String head = domain.substring(0, domain.length() - 1);
                    if (host.length() > head.length() && host.startsWith(head) && head.length() > prefixLength) {
                        prefix = vh;
                        prefixLength = head.length();
                    }
                } else if (domain.equals(host)) {
                    return vh;
                }
            }
        }
        return suffix != null ? suffix : prefix != null ? prefix : any;
    }

    /** runtime_fraction: the route matches when the request's random value modulo the denominator is below it. */
    private static boolean fractionAllows(RouteMatch match, long random) {
        if (!match.hasRuntimeFraction()) {
            return true;
        }
        FractionalPercent fraction = match.getRuntimeFraction().getDefaultValue();
        long denominator = switch (fraction.getDenominator()) {
            case HUNDRED -> 100;
            case TEN_THOUSAND -> 10_000;
            case MILLION -> 1_000_000;
            default -> 100;
        };
        return Long.remainderUnsigned(random, denominator) < fraction.getNumerator();
    }

    private CompletableFuture<Answer> act(Query query, RouteEntry entry, VirtualHost vhost, RouteConfiguration rc,
            long random) {
        Route route = entry.route();
        switch (route.getActionCase()) {
            case REDIRECT:
                return CompletableFuture.completedFuture(redirect(query, route));
            case DIRECT_RESPONSE:
                return CompletableFuture.completedFuture(new Answer(route.getDirectResponse().getStatus(), Map.of(),
                        null, null));
            case ROUTE:
                break;
            default:
                return CompletableFuture.completedFuture(Answer.failed("route action " + route.getActionCase()
                        + " is not handled by tier 1"));
        }
        RouteAction action = route.getRoute();
        ClusterSnapshot cluster = entry.clusterSnapshot();
        if (!action.hasCluster() || cluster == null) {
            return CompletableFuture.completedFuture(Answer.failed("route without a cluster Armeria resolved: "
                    + action.getClusterSpecifierCase()));
        }
        String path = rewrite(query.path(), route.getMatch(), action);
        String authority = action.hasHostRewriteLiteral() ? action.getHostRewriteLiteral() : query.authority();
        Map<String, List<String>> headers = new TreeMap<>();
        query.headers().forEach((k, v) -> headers.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        // Envoy applies the route's mutations, then the virtual host's, then the route configuration's.
        mutate(headers, route.getRequestHeadersToRemoveList(), route.getRequestHeadersToAddList());
        mutate(headers, vhost.getRequestHeadersToRemoveList(), vhost.getRequestHeadersToAddList());
        mutate(headers, rc.getRequestHeadersToRemoveList(), rc.getRequestHeadersToAddList());
        RequestHeadersBuilder hb = RequestHeaders.builder(HttpMethod.valueOf(query.method()), path)
                .authority(authority);
        headers.forEach((k, values) -> values.forEach(v -> hb.add(k, v)));
        // The endpoints Armeria's xDS client resolved for the cluster (EDS, or the cluster's own assignment for
        // STATIC and STRICT_DNS); the request's random picks one.
        List<Endpoint> endpoints = endpoints(cluster);
        if (endpoints.isEmpty()) {
            return CompletableFuture.completedFuture(Answer.failed("no endpoint in " + action.getCluster()));
        }
        Endpoint endpoint = endpoints.get(Math.floorMod(random, endpoints.size()));
        WebClient client = clients.computeIfAbsent(endpoint, e -> WebClient.builder(SessionProtocol.HTTP, e)
                .factory(factory).responseTimeout(Duration.ofSeconds(20)).build());
        return send(client, hb.build(), route, vhost, rc);
    }

    private static CompletableFuture<Answer> send(WebClient client, RequestHeaders headers, Route route,
            VirtualHost vhost, RouteConfiguration rc) {
        return client.execute(headers).aggregate().handle((res, err) -> {
            if (err != null) {
                return Answer.failed(err.toString());
            }
            Map<String, List<String>> response = new TreeMap<>();
            res.headers().forEach((k, v) -> {
                if (!k.toString().startsWith(":")) {
                    response.computeIfAbsent(k.toString(), x -> new ArrayList<>()).add(v);
                }
            });
            mutate(response, route.getResponseHeadersToRemoveList(), route.getResponseHeadersToAddList());
            mutate(response, vhost.getResponseHeadersToRemoveList(), vhost.getResponseHeadersToAddList());
            mutate(response, rc.getResponseHeadersToRemoveList(), rc.getResponseHeadersToAddList());
            return echoAnswer(res, response);
        });
    }

    /** The answer of an echo backend, whatever carried it (this router or a real Envoy). */
    static Answer echoAnswer(AggregatedHttpResponse res, Map<String, List<String>> responseHeaders) {
        Map<String, String> first = new LinkedHashMap<>();
        responseHeaders.forEach((k, v) -> first.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        Answer.Seen seen = null;
        String body = res.contentUtf8();
        if (first.containsKey("x-echo-backend") && !body.isEmpty()) {
            try {
                JsonNode echo = JSON.readTree(body);
                Map<String, List<String>> seenHeaders = new TreeMap<>();
                echo.path("headers").properties().forEach(e -> {
                    List<String> values = new ArrayList<>();
                    e.getValue().forEach(v -> values.add(v.asText()));
                    seenHeaders.put(e.getKey(), values);
                });
                seen = new Answer.Seen(echo.path("backend").asText(), echo.path("path").asText(),
                        echo.path("host").asText(), seenHeaders);
            } catch (java.io.IOException e) {
                return Answer.failed("unreadable echo: " + body);
            }
        }
        return new Answer(res.status().code(), first, seen, null);
    }

    /** Envoy's HeaderParser: removals first, then additions (append unless told otherwise). */
    private static void mutate(Map<String, List<String>> headers, List<String> remove, List<HeaderValueOption> add) {
        for (String name : remove) {
            headers.remove(name.toLowerCase(Locale.ROOT));
        }
        for (HeaderValueOption option : add) {
            String name = option.getHeader().getKey().toLowerCase(Locale.ROOT);
            String value = option.getHeader().getValue();
            boolean overwrite = option.hasAppend() ? !option.getAppend().getValue()
                    : option.getAppendAction() == HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
            if (option.getAppendAction() == HeaderValueOption.HeaderAppendAction.ADD_IF_ABSENT
                    && headers.containsKey(name)) {
                continue;
            }
            if (overwrite) {
                headers.put(name, new ArrayList<>(List.of(value)));
            } else {
                headers.computeIfAbsent(name, x -> new ArrayList<>()).add(value);
            }
        }
    }

    /**
     * The path Envoy forwards: prefix_rewrite swaps the matched part (the prefix for a prefix match, the whole path
     * without its query for an exact or regex match); regex_rewrite substitutes in the path and keeps the query.
     */
    static String rewrite(String path, RouteMatch match, RouteAction action) {
        int q = path.indexOf('?');
        String bare = q < 0 ? path : path.substring(0, q);
        String query = q < 0 ? "" : path.substring(q);
        if (action.hasRegexRewrite()) {
            String substitution = action.getRegexRewrite().getSubstitution().replaceAll("\\\\(\\d)", "\\$$1");
            return Pattern.compile(action.getRegexRewrite().getPattern().getRegex()).matcher(bare)
                    .replaceAll(substitution) + query;
        }
        if (action.getPrefixRewrite().isEmpty()) {
            return path;
        }
        int matched = match.hasPrefix() ? match.getPrefix().length() : bare.length();
        return action.getPrefixRewrite() + path.substring(matched);
    }

    /** Envoy's redirect: scheme (https_redirect, else the request's X-Forwarded-Proto), host, path, code. */
    private static Answer redirect(Query query, Route route) {
        RedirectAction r = route.getRedirect();
        String scheme = r.getHttpsRedirect() ? "https" : !r.getSchemeRedirect().isEmpty() ? r.getSchemeRedirect()
                : query.headers().getOrDefault("x-forwarded-proto", "http");
        String host = r.getHostRedirect().isEmpty() ? query.authority() : r.getHostRedirect();
        String path;
        if (!r.getPathRedirect().isEmpty()) {
            // A path_redirect without a query of its own keeps the request's query.
            int q = query.path().indexOf('?');
            path = r.getPathRedirect() + (r.getPathRedirect().contains("?") || q < 0 ? ""
                    : query.path().substring(q));
        } else if (!r.getPrefixRewrite().isEmpty()) {
            path = rewrite(query.path(), route.getMatch(), RouteAction.newBuilder()
                    .setPrefixRewrite(r.getPrefixRewrite()).build());
        } else {
            path = query.path();
        }
        if (r.getStripQuery() && path.contains("?")) {
            path = path.substring(0, path.indexOf('?'));
        }
        int status = switch (r.getResponseCode()) {
            case FOUND -> 302;
            case SEE_OTHER -> 303;
            case TEMPORARY_REDIRECT -> 307;
            case PERMANENT_REDIRECT -> 308;
            default -> 301;
        };
        return new Answer(status, Map.of("location", scheme + "://" + host + path), null, null);
    }

    @Override
    public void close() {
        services.close();
        serviceRoots.values().forEach(ClusterRoot::close);
        roots.values().forEach(ListenerRoot::close);
        xds.close();
    }


    /** Records what Armeria reports missing or in error, for the checks and the failure messages. */
    private abstract class ErrorRecordingWatcher<T extends Snapshot<?>> implements SnapshotWatcher<T> {

        @Override
        public void onMissing(XdsType type, String resourceName) {
            errors.put(type + " " + resourceName, "missing");
        }

        @Override
        public void onError(XdsType type, String resourceName, Status status) {
            errors.put(type + " " + resourceName, status.toString());
        }
    }
}
