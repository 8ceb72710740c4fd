package dev.legate.xds;

import static dev.legate.xds.Fixtures.basic;
import static dev.legate.xds.Fixtures.dnsCluster;
import static dev.legate.xds.Fixtures.edsCluster;
import static dev.legate.xds.Fixtures.listener;
import static dev.legate.xds.Fixtures.routes;
import static dev.legate.xds.Fixtures.withAdminListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.legate.xds.ClientStatus.Protocol;
import dev.legate.xds.ClientStatus.TypeStatus;
import dev.legate.xds.PublishResult.Outcome;
import dev.legate.xds.PublishResult.Step;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
final class XdsServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    private XdsServer server(XdsServerOptions options) throws Exception {
        return server(0, options);
    }

    private XdsServer server(int port, XdsServerOptions options) throws Exception {
        XdsServer server = XdsServer.start(new InetSocketAddress("127.0.0.1", port), options);
        closeables.add(server);
        return server;
    }

    private XdsServer server() throws Exception {
        return server(XdsServerOptions.defaults().withClock(Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    private AdsTestClient client(XdsServer server, String node) {
        AdsTestClient client = new AdsTestClient(server.port(), node);
        closeables.add(client);
        return client;
    }

    private DeltaAdsTestClient deltaClient(XdsServer server) {
        DeltaAdsTestClient client = new DeltaAdsTestClient(server.port());
        closeables.add(client);
        return client;
    }

    /** Waits until the client ACKed every type at the server's versions, as seen by the client and by the server. */
    private static ClientStatus awaitConverged(XdsServer server, AdsTestClient client) {
        XdsVersions v = server.versions();
        await().atMost(WAIT).until(() -> client.acked().equals(Map.of(
                XdsType.CLUSTER, v.clusters(), XdsType.ENDPOINT, v.endpoints(), XdsType.LISTENER, v.listeners(),
                XdsType.ROUTE, v.routes(), XdsType.SECRET, v.secrets())));
        return awaitServerSeesAcked(server, client.nodeId(), v);
    }

    private static ClientStatus awaitServerSeesAcked(XdsServer server, String node, XdsVersions v) {
        await().atMost(WAIT).until(() -> status(server, node)
                .filter(s -> s.types().size() == 5
                        && s.types().stream().allMatch(t -> v.of(t.type()).equals(t.ackedVersion())))
                .isPresent());
        return status(server, node).orElseThrow();
    }

    private static Optional<ClientStatus> status(XdsServer server, String node) {
        return server.clients().stream().filter(c -> c.nodeId().equals(node)).findFirst();
    }

    private static int firstIndex(List<AdsTestClient.Received> events, XdsType type, String name) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).type() == type && events.get(i).names().contains(name)) {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------------------------------------------------

    @Test
    void everyTypeArrivesAndIsAcked() throws Exception {
        XdsServer server = server();
        PublishResult result = server.publish(basic());
        assertThat(result.outcome()).isEqualTo(Outcome.PUBLISHED);
        assertThat(result.versions()).isEqualTo(server.versions());
        assertThat(result.versions().clusters()).matches("[0-9a-f]{16}");

        AdsTestClient client = client(server, "envoy-1").start();
        ClientStatus status = awaitConverged(server, client);

        assertThat(client.held(XdsType.CLUSTER)).containsOnlyKeys("cluster_a", "cluster_b");
        assertThat(client.held(XdsType.ENDPOINT)).containsOnlyKeys("cluster_a");
        assertThat(client.held(XdsType.LISTENER)).containsOnlyKeys("http", "https");
        assertThat(client.held(XdsType.ROUTE)).containsOnlyKeys("http-routes");
        assertThat(client.held(XdsType.SECRET)).containsOnlyKeys("tls-cert");

        assertThat(status.protocol()).isEqualTo(Protocol.STATE_OF_THE_WORLD);
        assertThat(status.cluster()).isEqualTo("legate-test");
        assertThat(status.userAgent()).isEqualTo("ads-test-client/1.0");
        assertThat(status.address()).startsWith("127.0.0.1:");
        assertThat(status.connectedSince()).isEqualTo(NOW);
        for (TypeStatus t : status.types()) {
            assertThat(t.ackedVersion()).isEqualTo(result.versions().of(t.type()));
            assertThat(t.sentVersion()).isEqualTo(t.ackedVersion());
            assertThat(t.lastNonce()).isNotEmpty();
            assertThat(t.awaitingAnswer()).isFalse();
            assertThat(t.lastNack()).isNull();
            assertThat(t.wildcard()).isTrue();
            assertThat(t.ackedAt()).isEqualTo(NOW);
        }
    }

    @Test
    void changedContentArrives() throws Exception {
        XdsServer server = server();
        server.publish(basic());
        AdsTestClient client = client(server, "envoy-1").start();
        awaitConverged(server, client);
        XdsVersions before = server.versions();

        PublishResult result = server.publish(basic("10.0.0.9"));

        assertThat(result.outcome()).isEqualTo(Outcome.PUBLISHED);
        assertThat(result.steps()).containsExactly(Step.CLUSTERS);
        assertThat(result.versions().endpoints()).isNotEqualTo(before.endpoints());
        assertThat(result.versions()).usingRecursiveComparison().ignoringFields("endpoints").isEqualTo(before);
        awaitConverged(server, client);
        ClusterLoadAssignment cla = client.held(XdsType.ENDPOINT).get("cluster_a").unpack(ClusterLoadAssignment.class);
        assertThat(cla.getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getAddress())
                .isEqualTo("10.0.0.9");
    }

    @Test
    void identicalContentSendsNothing() throws Exception {
        XdsServer server = server();
        server.publish(basic());
        AdsTestClient client = client(server, "envoy-1").start();
        awaitConverged(server, client);
        client.drain();

        // Same content, new instances, shuffled lists.
        XdsResources same = basic();
        XdsResources shuffled = new XdsResources(same.listeners().reversed(), same.routes(),
                same.clusters().reversed(), same.endpoints(), same.secrets());
        PublishResult result = server.publish(shuffled);

        assertThat(result.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(result.accepted()).isTrue();
        assertThat(result.steps()).isEmpty();
        assertThat(client.poll(Duration.ofMillis(500))).isNull();
    }

    @Test
    void nackIsRecordedAndTheOldVersionStaysAcked() throws Exception {
        XdsServer server = server();
        server.publish(basic());
        AdsTestClient client = client(server, "envoy-1")
                .nackWhen(r -> r.getResourcesList().stream().anyMatch(a -> {
                    try {
                        return a.is(RouteConfiguration.class)
                                && a.unpack(RouteConfiguration.class).getVirtualHosts(0).getRoutesCount() == 1;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }) ? Optional.of("route rejected by the test client") : Optional.empty())
                .start();
        awaitConverged(server, client);
        XdsVersions good = server.versions();

        // Route to cluster_a only; cluster_b stays (unreferenced clusters are fine).
        XdsResources b = basic();
        PublishResult result = server.publish(new XdsResources(b.listeners(),
                List.of(routes("http-routes", "cluster_a")), b.clusters(), b.endpoints(), b.secrets()));
        assertThat(result.steps()).containsExactly(Step.ROUTES);

        await().atMost(WAIT).until(() -> status(server, "envoy-1")
                .flatMap(s -> s.type(XdsType.ROUTE)).map(TypeStatus::lastNack).isPresent());
        TypeStatus routes = status(server, "envoy-1").orElseThrow().type(XdsType.ROUTE).orElseThrow();
        assertThat(routes.ackedVersion()).isEqualTo(good.routes());
        assertThat(routes.sentVersion()).isEqualTo(result.versions().routes());
        assertThat(routes.awaitingAnswer()).isFalse();
        assertThat(routes.lastNack()).isNotNull();
        assertThat(routes.lastNack().version()).isEqualTo(result.versions().routes());
        assertThat(routes.lastNack().nonce()).isEqualTo(routes.lastNonce());
        assertThat(routes.lastNack().message()).isEqualTo("route rejected by the test client");
        assertThat(routes.lastNack().code()).isEqualTo(3);
        assertThat(routes.lastNack().at()).isEqualTo(NOW);
        assertThat(client.acked().get(XdsType.ROUTE)).isEqualTo(good.routes());
        // The rejected version is not sent again (java-control-plane alone would resend it at once, forever).
        Thread.sleep(500);
        assertThat(client.events().stream().filter(e -> e.version().equals(result.versions().routes()))).hasSize(1);
        // Other types are unaffected.
        assertThat(status(server, "envoy-1").orElseThrow().type(XdsType.CLUSTER).orElseThrow().lastNack()).isNull();
    }

    @Test
    void inconsistentConfigurationsAreRefusedAndTheLastGoodOneStays() throws Exception {
        XdsServer server = server();
        server.publish(basic());
        AdsTestClient client = client(server, "envoy-1").start();
        awaitConverged(server, client);
        XdsVersions good = server.versions();
        client.drain();
        XdsResources b = basic();

        PublishResult noRoutes = server.publish(new XdsResources(
                List.of(listener("http", 8080, "missing-routes")), b.routes(), b.clusters(), b.endpoints(),
                b.secrets()));
        PublishResult noCluster = server.publish(new XdsResources(b.listeners(),
                List.of(routes("http-routes", "cluster_a", "cluster_gone")), b.clusters(), b.endpoints(),
                b.secrets()));
        PublishResult noEndpoints = server.publish(new XdsResources(b.listeners(), b.routes(), b.clusters(),
                List.of(), b.secrets()));
        PublishResult noSecret = server.publish(new XdsResources(b.listeners(), b.routes(), b.clusters(),
                b.endpoints(), List.of()));

        assertThat(List.of(noRoutes, noCluster, noEndpoints, noSecret)).allSatisfy(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(r.accepted()).isFalse();
            assertThat(r.versions()).isEqualTo(good);
            assertThat(r.steps()).isEmpty();
        });
        assertThat(noRoutes.errors()).containsExactly("listener \"http\" names route configuration "
                + "\"missing-routes\" (RDS), which is not in the configuration");
        assertThat(noCluster.errors()).containsExactly("route configuration \"http-routes\" routes to cluster "
                + "\"cluster_gone\", which is not in the configuration");
        assertThat(noEndpoints.errors()).containsExactly("cluster \"cluster_a\" takes its endpoints from EDS, but "
                + "the configuration has no endpoint assignment \"cluster_a\"");
        assertThat(noSecret.errors()).containsExactly("listener \"https\" names secret \"tls-cert\" (SDS), which is "
                + "not in the configuration");
        assertThat(server.versions()).isEqualTo(good);
        assertThat(client.poll(Duration.ofMillis(300))).isNull();
    }

    @Test
    void aRemovedClusterIsOmittedFromTheNextStateOfTheWorldResponse() throws Exception {
        XdsServer server = server();
        server.publish(basic());
        AdsTestClient client = client(server, "envoy-1").start();
        awaitConverged(server, client);
        XdsResources b = basic();

        PublishResult result = server.publish(new XdsResources(b.listeners(),
                List.of(routes("http-routes", "cluster_a")), List.of(edsCluster("cluster_a")), b.endpoints(),
                b.secrets()));

        // The route stops naming cluster_b before cluster_b goes.
        assertThat(result.steps()).containsExactly(Step.ROUTES, Step.CLEANUP);
        awaitConverged(server, client);
        assertThat(client.held(XdsType.CLUSTER)).containsOnlyKeys("cluster_a");
        List<AdsTestClient.Received> events = client.events();
        int lastRouteToB = -1;
        int clusterGone = -1;
        for (int i = 0; i < events.size(); i++) {
            AdsTestClient.Received e = events.get(i);
            if (e.type() == XdsType.ROUTE && e.response().toString().contains("cluster_b")) {
                lastRouteToB = i;
            }
            if (e.type() == XdsType.CLUSTER && !e.names().contains("cluster_b") && clusterGone < 0) {
                clusterGone = i;
            }
        }
        assertThat(clusterGone).isGreaterThan(lastRouteToB);
    }

    @Test
    void deltaClientsReceiveEverythingAndRemovedResources() throws Exception {
        XdsServer server = server();
        server.publish(basic());
        DeltaAdsTestClient client = deltaClient(server).start("delta-1", Map.of(
                XdsType.ENDPOINT, List.of("cluster_a"),
                XdsType.ROUTE, List.of("http-routes"),
                XdsType.SECRET, List.of("tls-cert")));
        await().atMost(WAIT).until(() -> client.held(XdsType.CLUSTER).size() == 2
                && client.held(XdsType.LISTENER).size() == 2 && client.held(XdsType.ENDPOINT).size() == 1
                && client.held(XdsType.ROUTE).size() == 1 && client.held(XdsType.SECRET).size() == 1);
        XdsVersions v = server.versions();
        awaitServerSeesAcked(server, "delta-1", v);
        ClientStatus status = status(server, "delta-1").orElseThrow();
        assertThat(status.protocol()).isEqualTo(Protocol.DELTA);
        assertThat(status.type(XdsType.ROUTE).orElseThrow().resourceNames()).containsExactly("http-routes");
        assertThat(status.type(XdsType.CLUSTER).orElseThrow().wildcard()).isTrue();
        // Per-resource versions are content hashes.
        assertThat(client.heldVersions(XdsType.CLUSTER).values()).allMatch(s -> s.matches("[0-9a-f]{16}"));

        XdsResources b = basic();
        PublishResult result = server.publish(new XdsResources(b.listeners(),
                List.of(routes("http-routes", "cluster_a")), List.of(edsCluster("cluster_a")), b.endpoints(),
                b.secrets()));
        assertThat(result.outcome()).isEqualTo(Outcome.PUBLISHED);

        DeltaAdsTestClient.Received removal = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (removal == null && System.nanoTime() < deadline) {
            DeltaAdsTestClient.Received r = client.next(XdsType.CLUSTER, Duration.ofSeconds(1));
            if (r != null && !r.removed().isEmpty()) {
                removal = r;
            }
        }
        assertThat(removal).isNotNull();
        assertThat(removal.removed()).containsExactly("cluster_b");
        assertThat(removal.names()).isEmpty();
        assertThat(removal.systemVersion()).isEqualTo(result.versions().clusters());
        assertThat(client.held(XdsType.CLUSTER)).containsOnlyKeys("cluster_a");
        awaitServerSeesAcked(server, "delta-1", result.versions());
    }

    @Test
    void aDeltaNackIsRecorded() throws Exception {
        XdsServer server = server();
        server.publish(basic());
        DeltaAdsTestClient client = deltaClient(server)
                .nackWhen(r -> r.getTypeUrl().equals(XdsType.CLUSTER.typeUrl())
                        && r.getResourcesList().stream().anyMatch(x -> x.getName().equals("cluster_new"))
                        ? Optional.of("no new clusters today") : Optional.empty())
                .start("delta-1", Map.of(XdsType.ENDPOINT, List.of("cluster_a"),
                        XdsType.ROUTE, List.of("http-routes"), XdsType.SECRET, List.of("tls-cert")));
        awaitServerSeesAcked(server, "delta-1", server.versions());
        XdsVersions good = server.versions();
        XdsResources b = basic();
        List<io.envoyproxy.envoy.config.cluster.v3.Cluster> clusters = new ArrayList<>(b.clusters());
        clusters.add(dnsCluster("cluster_new", "new.default"));

        PublishResult result = server.publish(new XdsResources(b.listeners(), b.routes(), clusters, b.endpoints(),
                b.secrets()));

        await().atMost(WAIT).until(() -> status(server, "delta-1").flatMap(s -> s.type(XdsType.CLUSTER))
                .map(TypeStatus::lastNack).isPresent());
        TypeStatus cds = status(server, "delta-1").orElseThrow().type(XdsType.CLUSTER).orElseThrow();
        assertThat(cds.lastNack().version()).isEqualTo(result.versions().clusters());
        assertThat(cds.lastNack().message()).isEqualTo("no new clusters today");
        assertThat(cds.ackedVersion()).isEqualTo(good.clusters());
    }

    @Test
    void aDeltaNackOfANewSubscriptionIsNotResentUntilItChanges() throws Exception {
        XdsServer server = server();
        server.publish(basic());
        DeltaAdsTestClient client = deltaClient(server)
                .nackWhen(r -> r.getTypeUrl().equals(XdsType.ROUTE.typeUrl())
                        && r.getResourcesList().stream().anyMatch(x -> {
                            try {
                                return x.getResource().unpack(RouteConfiguration.class).getVirtualHosts(0)
                                        .getRoutesCount() == 2;
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }) ? Optional.of("two routes are one too many") : Optional.empty())
                .start("delta-1", Map.of(XdsType.ROUTE, List.of("http-routes")));
        assertThat(client.next(XdsType.ROUTE, WAIT)).isNotNull();
        // java-control-plane alone answers a pending name at once, again and again (hundreds of times a second).
        assertThat(client.next(XdsType.ROUTE, Duration.ofMillis(500))).isNull();
        TypeStatus rds = status(server, "delta-1").orElseThrow().type(XdsType.ROUTE).orElseThrow();
        assertThat(rds.lastNack().message()).isEqualTo("two routes are one too many");
        assertThat(rds.ackedVersion()).isNull();

        XdsResources b = basic();
        PublishResult fixed = server.publish(new XdsResources(b.listeners(),
                List.of(routes("http-routes", "cluster_a")), b.clusters(), b.endpoints(), b.secrets()));

        DeltaAdsTestClient.Received next = client.next(XdsType.ROUTE, WAIT);
        assertThat(next).isNotNull();
        assertThat(next.names()).containsExactly("http-routes");
        await().atMost(WAIT).until(() -> fixed.versions().routes().equals(status(server, "delta-1").orElseThrow()
                .type(XdsType.ROUTE).orElseThrow().ackedVersion()));
        assertThat(client.held(XdsType.ROUTE)).containsOnlyKeys("http-routes");
    }

    @Test
    void aNewListenerNeverArrivesBeforeItsRouteConfiguration() throws Exception {
        XdsServer server = server();
        server.publish(basic());
        AdsTestClient client = client(server, "envoy-1").start();
        awaitConverged(server, client);

        PublishResult result = server.publish(withAdminListener(basic()));

        assertThat(result.steps()).containsExactly(Step.CLUSTERS, Step.ROUTES, Step.LISTENERS);
        assertThat(result.laggingClients()).isEmpty();
        awaitConverged(server, client);
        List<AdsTestClient.Received> events = client.events();
        int cluster = firstIndex(events, XdsType.CLUSTER, "cluster_c");
        int endpoints = firstIndex(events, XdsType.ENDPOINT, "cluster_c");
        int routes = firstIndex(events, XdsType.ROUTE, "admin-routes");
        int listener = firstIndex(events, XdsType.LISTENER, "admin");
        assertThat(cluster).isNotNegative().isLessThan(routes);
        assertThat(endpoints).isNotNegative().isLessThan(routes);
        assertThat(routes).isLessThan(listener);
    }

    @Test
    void aSlowClientStillGetsTheRouteConfigurationBeforeTheListener() throws Exception {
        XdsServer server = server();
        server.publish(basic());
        AdsTestClient client = client(server, "slow-envoy").start();
        awaitConverged(server, client);
        client.delayAnswers(XdsType.ROUTE, Duration.ofMillis(400));

        // A route change leaves the client with an unanswered RDS response, so it has no open RDS watch...
        XdsResources b = basic();
        XdsResources reordered = new XdsResources(b.listeners(),
                List.of(routes("http-routes", "cluster_b", "cluster_a")), b.clusters(), b.endpoints(), b.secrets());
        assertThat(server.publish(reordered).steps()).containsExactly(Step.ROUTES);
        // ...when the new listener comes: java-control-plane alone would send it at once, before admin-routes.
        PublishResult result = server.publish(withAdminListener(reordered));

        assertThat(result.steps()).containsExactly(Step.CLUSTERS, Step.ROUTES, Step.LISTENERS);
        assertThat(result.laggingClients()).isEmpty();
        assertThat(result.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        awaitConverged(server, client);
        List<AdsTestClient.Received> events = client.events();
        assertThat(firstIndex(events, XdsType.ROUTE, "admin-routes"))
                .isNotNegative()
                .isLessThan(firstIndex(events, XdsType.LISTENER, "admin"));
    }

    @Test
    void withoutWaitingASlowClientWouldSeeTheListenerFirst() throws Exception {
        // The control for the test above: a zero step timeout turns the wait off.
        XdsServer server = server(XdsServerOptions.defaults().withStepTimeout(Duration.ZERO));
        server.publish(basic());
        AdsTestClient client = client(server, "slow-envoy").start();
        awaitConverged(server, client);
        client.delayAnswers(XdsType.ROUTE, Duration.ofMillis(400));
        XdsResources b = basic();
        XdsResources reordered = new XdsResources(b.listeners(),
                List.of(routes("http-routes", "cluster_b", "cluster_a")), b.clusters(), b.endpoints(), b.secrets());
        server.publish(reordered);

        PublishResult result = server.publish(withAdminListener(reordered));

        assertThat(result.laggingClients()).anyMatch(c -> c.startsWith("slow-envoy@127.0.0.1:"));
        awaitConverged(server, client);
        List<AdsTestClient.Received> events = client.events();
        assertThat(firstIndex(events, XdsType.LISTENER, "admin"))
                .isLessThan(firstIndex(events, XdsType.ROUTE, "admin-routes"));
    }

    @Test
    void aStuckClientIsReportedOnceAndNotWaitedForAgain() throws Exception {
        XdsServer server = server(XdsServerOptions.defaults().withStepTimeout(Duration.ofSeconds(1)));
        server.publish(basic());
        AdsTestClient stuck = client(server, "stuck-envoy").start();
        AdsTestClient healthy = client(server, "healthy-envoy").start();
        awaitConverged(server, stuck);
        awaitConverged(server, healthy);
        stuck.delayAnswers(XdsType.ROUTE, Duration.ofSeconds(30));
        XdsResources b = basic();
        XdsResources reordered = new XdsResources(b.listeners(),
                List.of(routes("http-routes", "cluster_b", "cluster_a")), b.clusters(), b.endpoints(), b.secrets());
        server.publish(reordered);

        PublishResult first = server.publish(withAdminListener(reordered));
        assertThat(first.laggingClients()).singleElement().asString().startsWith("stuck-envoy@");
        assertThat(first.elapsed()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(5));

        XdsResources more = withAdminListener(reordered);
        List<RouteConfiguration> routes = new ArrayList<>(more.routes());
        routes.add(routes("extra-routes", "cluster_a"));
        List<io.envoyproxy.envoy.config.listener.v3.Listener> listeners = new ArrayList<>(more.listeners());
        listeners.add(listener("extra", 9001, "extra-routes"));
        PublishResult second = server.publish(new XdsResources(listeners, routes, more.clusters(), more.endpoints(),
                more.secrets()));
        assertThat(second.steps()).containsExactly(Step.ROUTES, Step.LISTENERS);
        // Not waited for again (it would have been reported after a second timeout).
        assertThat(second.laggingClients()).isEmpty();
        assertThat(second.elapsed()).isLessThan(Duration.ofSeconds(1));
        // The healthy client was still waited for: it got extra-routes before extra.
        awaitConverged(server, healthy);
        List<AdsTestClient.Received> events = healthy.events();
        assertThat(firstIndex(events, XdsType.ROUTE, "extra-routes"))
                .isNotNegative().isLessThan(firstIndex(events, XdsType.LISTENER, "extra"));
    }

    @Test
    void anEnvoyLikeClientAsksForTheNewRouteConfigurationAndGetsIt() throws Exception {
        XdsServer server = server();
        server.publish(basic());
        AdsTestClient client = client(server, "envoy-1").envoyLikeRds().start();
        awaitConverged(server, client);
        assertThat(status(server, "envoy-1").orElseThrow().type(XdsType.ROUTE).orElseThrow().resourceNames())
                .containsExactly("http-routes");

        server.publish(withAdminListener(basic()));

        await().atMost(WAIT).until(() -> client.held(XdsType.ROUTE).containsKey("admin-routes"));
        awaitConverged(server, client);
        assertThat(client.held(XdsType.ROUTE)).containsOnlyKeys("admin-routes", "http-routes");
        // Envoy subscribes by the names its listeners carry, so admin-routes can only follow the admin listener.
        List<AdsTestClient.Received> events = client.events();
        assertThat(firstIndex(events, XdsType.CLUSTER, "cluster_c"))
                .isLessThan(firstIndex(events, XdsType.LISTENER, "admin"));
    }

    @Test
    void aClientReconnectsToARestartedServerAndConvergesOnTheSameVersion() throws Exception {
        XdsServer first = XdsServer.start(new InetSocketAddress("127.0.0.1", 0));
        closeables.add(first);
        int port = first.port();
        first.publish(basic());
        XdsVersions versions = first.versions();
        AdsTestClient client = new AdsTestClient(port, "envoy-1").reconnecting().start();
        closeables.add(client);
        awaitConverged(first, client);
        int received = client.events().size();

        first.close();
        assertThat(first.publish(basic()).outcome()).isEqualTo(Outcome.CLOSED);
        Thread.sleep(300); // a few refused reconnection attempts
        XdsServer second = server(port, XdsServerOptions.defaults());
        await().atMost(WAIT).until(() -> status(second, "envoy-1").isPresent());

        PublishResult result = second.publish(basic());

        // Content hashes: the same configuration has the same versions on a new server.
        assertThat(result.versions()).isEqualTo(versions);
        // The client reconnected holding a configuration: the first publish is one snapshot, no empty sets first.
        assertThat(result.steps()).containsExactly(Step.ALL);
        ClientStatus status = awaitServerSeesAcked(second, "envoy-1", versions);
        assertThat(client.connects()).isGreaterThanOrEqualTo(2);
        assertThat(client.acked()).containsEntry(XdsType.LISTENER, versions.listeners())
                .containsEntry(XdsType.CLUSTER, versions.clusters());
        // Nothing was resent: every version it asked with was already current.
        assertThat(client.events()).hasSize(received);
        assertThat(status.types()).allMatch(t -> t.sentVersion() == null);
    }

    @Test
    void aClientThatDropsItsStreamMidwayReconnectsAndGetsWhatWasPublishedMeanwhile() throws Exception {
        XdsServer server = server();
        server.publish(basic());
        // Route responses stay unanswered, so the stream drops in the middle of an exchange.
        AdsTestClient client = client(server, "envoy-1").reconnecting()
                .delayAnswers(XdsType.ROUTE, Duration.ofMinutes(5)).start();
        await().atMost(WAIT).until(() -> client.events().stream().anyMatch(e -> e.type() == XdsType.ROUTE)
                && client.acked().containsKey(XdsType.LISTENER));
        assertThat(client.acked()).doesNotContainKey(XdsType.ROUTE);

        client.dropStream();
        client.answerPromptly();
        // Published while the client is away (or reconnecting): a new endpoint and a new listener, routes, cluster.
        XdsResources next = Fixtures.withAdminListener(basic("10.0.0.9"));
        server.publish(next);

        ClientStatus status = awaitConverged(server, client);
        assertThat(client.connects()).isGreaterThanOrEqualTo(2);
        assertThat(status.types()).allMatch(t -> t.lastNack() == null);
        // Nothing lost: the client holds exactly what was published last, resource by resource.
        assertThat(client.held(XdsType.LISTENER)).containsOnlyKeys("http", "https", "admin");
        assertThat(client.held(XdsType.ROUTE)).containsOnlyKeys("http-routes", "admin-routes");
        assertThat(client.held(XdsType.CLUSTER)).containsOnlyKeys("cluster_a", "cluster_b", "cluster_c");
        assertThat(client.held(XdsType.ENDPOINT)).containsOnlyKeys("cluster_a", "cluster_c");
        assertThat(client.held(XdsType.SECRET)).containsOnlyKeys("tls-cert");
        assertThat(client.held(XdsType.ENDPOINT).get("cluster_a").unpack(
                io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment.class)).isEqualTo(next.endpoints().get(0));
        assertThat(client.held(XdsType.LISTENER).get("admin").unpack(
                io.envoyproxy.envoy.config.listener.v3.Listener.class)).isEqualTo(next.listeners().get(2));
    }

    @Test
    void closeEndsStreamsAndRefusesPublishes() throws Exception {
        XdsServer server = XdsServer.start(new InetSocketAddress("127.0.0.1", 0),
                XdsServerOptions.defaults().withShutdownTimeout(Duration.ofSeconds(2)));
        closeables.add(server);
        server.publish(basic());
        AdsTestClient client = new AdsTestClient(server.port(), "envoy-1").start();
        closeables.add(client);
        awaitConverged(server, client);

        long start = System.nanoTime();
        server.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(Duration.ofSeconds(2));
        assertThat(server.clients()).isEmpty();
        assertThat(server.publish(basic()).outcome()).isEqualTo(Outcome.CLOSED);
        server.close(); // idempotent
    }

    @Test
    void aClosedStreamIsForgotten() throws Exception {
        XdsServer server = server();
        server.publish(basic());
        AdsTestClient a = client(server, "a").start();
        AdsTestClient b = new AdsTestClient(server.port(), "b").start();
        awaitConverged(server, a);
        awaitConverged(server, b);
        assertThat(server.clients()).extracting(ClientStatus::nodeId).containsExactlyInAnyOrder("a", "b");

        b.close();

        await().atMost(WAIT).until(() -> server.clients().size() == 1);
        assertThat(server.clients()).extracting(ClientStatus::nodeId).containsExactly("a");
    }

    @Test
    void clientsConnectedBeforeTheFirstPublishGetItInSteps() throws Exception {
        XdsServer server = server();
        AdsTestClient client = client(server, "early").start();
        await().atMost(WAIT).until(() -> status(server, "early").map(s -> s.types().size() == 5).orElse(false));
        assertThat(client.poll(Duration.ofMillis(200))).isNull();

        PublishResult result = server.publish(basic());

        assertThat(result.steps()).containsExactly(Step.SECRETS, Step.CLUSTERS, Step.ROUTES, Step.LISTENERS);
        awaitConverged(server, client);
        List<AdsTestClient.Received> events = client.events();
        assertThat(firstIndex(events, XdsType.SECRET, "tls-cert"))
                .isLessThan(firstIndex(events, XdsType.LISTENER, "https"));
        assertThat(firstIndex(events, XdsType.CLUSTER, "cluster_a"))
                .isLessThan(firstIndex(events, XdsType.ROUTE, "http-routes"));
        assertThat(firstIndex(events, XdsType.ROUTE, "http-routes"))
                .isLessThan(firstIndex(events, XdsType.LISTENER, "http"));
    }

    @Test
    void publishesFromSeveralThreadsAreSerialized() throws Exception {
        XdsServer server = server();
        AdsTestClient client = client(server, "envoy-1").start();
        List<Thread> threads = new ArrayList<>();
        List<PublishResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 8; i++) {
            String host = "10.0.1." + i;
            threads.add(Thread.ofPlatform().start(() -> results.add(server.publish(basic(host)))));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(results).allMatch(PublishResult::accepted);
        awaitConverged(server, client);
        assertThat(client.held(XdsType.ENDPOINT).get("cluster_a").unpack(ClusterLoadAssignment.class))
                .isEqualTo(server.resources().endpoints().get(0));
    }
}
