package dev.legate.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class RouteBytesTest {

    @Test
    void splicedBytesEqualTheDeterministicSerialization() {
        Random random = new Random(42);
        RouteBytes bytes = new RouteBytes();
        for (int i = 0; i < 200; i++) {
            RouteConfiguration rc = randomConfiguration(random);
            assertThat(bytes.bytes(rc)).isEqualTo(ContentSnapshot.serialize(rc));
            bytes.nextGeneration();
        }
    }

    @Test
    void emptyAndShellOnlyConfigurationsToo() {
        RouteBytes bytes = new RouteBytes();
        for (RouteConfiguration rc : List.of(RouteConfiguration.getDefaultInstance(),
                RouteConfiguration.newBuilder().setName("x").build(),
                RouteConfiguration.newBuilder().addVirtualHosts(VirtualHost.getDefaultInstance()).build(),
                RouteConfiguration.newBuilder().setValidateClusters(BoolValue.of(false))
                        .addVirtualHosts(VirtualHost.newBuilder().addRoutes(Route.getDefaultInstance())).build())) {
            assertThat(bytes.bytes(rc)).isEqualTo(ContentSnapshot.serialize(rc));
        }
    }

    @Test
    void routesSeenInThePreviousGenerationAreNotSerializedAgain() {
        Random random = new Random(7);
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            routes.add(randomRoute(random, i));
        }
        RouteBytes bytes = new RouteBytes();
        RouteConfiguration first = configuration("a", routes);
        bytes.serialize(first);
        bytes.nextGeneration();
        assertThat(bytes.reusedAndSerialized()).containsExactly(0, 50);

        // The same instances, one replaced, in a new configuration message: only the new route is serialized.
        List<Route> edited = new ArrayList<>(routes);
        edited.set(10, randomRoute(random, 1000));
        RouteConfiguration second = configuration("a", edited);
        assertThat(bytes.bytes(second)).isEqualTo(ContentSnapshot.serialize(second));
        bytes.nextGeneration();
        assertThat(bytes.reusedAndSerialized()).containsExactly(49, 51);

        // A route absent from the last generation is forgotten: an equal but new instance is serialized again.
        bytes.serialize(configuration("a", List.of(routes.get(10))));
        assertThat(bytes.reusedAndSerialized()).containsExactly(49, 52);
    }

    @Test
    void unchangedRoutesReuseTheirChunksAndRoutesStayCorrectAcrossGenerations() {
        Random random = new Random(11);
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            routes.add(randomRoute(random, i));
        }
        RouteBytes bytes = new RouteBytes();
        RouteConfiguration config = configuration("a", routes);
        RouteBytes.Serialized first = bytes.serialize(config);
        bytes.nextGeneration();
        long chunks = bytes.chunksMadeAndRoutesKnown()[0];
        // A new message with the same routes: the same chunks, the same hash, no chunk made again.
        RouteConfiguration again = configuration("a", routes);
        RouteBytes.Serialized second = bytes.serialize(again);
        assertThat(second.bytes()).isEqualTo(first.bytes());
        assertThat(second.digest()).isEqualTo(first.digest());
        assertThat(bytes.chunksMadeAndRoutesKnown()[0]).isEqualTo(chunks);
        bytes.nextGeneration();
        // The routes' remembered bytes (views into the chunks) splice into a different configuration correctly,
        // a route repeated in two virtual hosts too.
        List<Route> shuffled = new ArrayList<>(routes);
        java.util.Collections.shuffle(shuffled, random);
        RouteConfiguration other = configuration("b", shuffled).toBuilder()
                .addVirtualHosts(VirtualHost.newBuilder().setName("second").addDomains("x").addRoutes(routes.get(3)))
                .build();
        assertThat(bytes.bytes(other)).isEqualTo(ContentSnapshot.serialize(other));
        bytes.nextGeneration();
        assertThat(bytes.bytes(config)).isEqualTo(ContentSnapshot.serialize(config));
        assertThat(bytes.reusedAndSerialized()).containsExactly(40 + 41 + 40, 40);
    }

    /**
     * A warm instance, after any history of edits, gives exactly what a fresh one gives for the same content (bytes,
     * hash, clusters), and the hash depends on the content only: nothing it remembers can leak into a result.
     */
    @Test
    void aWarmInstanceEqualsAFreshOneAfterEveryKindOfEdit() throws Exception {
        Random random = new Random(2026);
        List<List<Route>> hosts = new ArrayList<>();
        for (int h = 0; h < 3; h++) {
            List<Route> routes = new ArrayList<>();
            for (int i = 0; i < 700; i++) {
                routes.add(randomRoute(random, h * 1000 + i));
            }
            hosts.add(routes);
        }
        RouteBytes warm = new RouteBytes();
        for (int edit = 0; edit < 120; edit++) {
            List<Route> routes = hosts.get(random.nextInt(hosts.size()));
            int at = random.nextInt(routes.size());
            switch (edit % 6) {
                case 0 -> routes.set(at, randomRoute(random, 5000 + edit));
                case 1 -> routes.add(at, randomRoute(random, 6000 + edit));
                case 2 -> routes.remove(at);
                case 3 -> routes.add(random.nextInt(routes.size()), routes.remove(at));
                case 4 -> routes.set(at, routes.get(random.nextInt(routes.size()))); // a duplicate instance
                default -> {
                    // an equal route under a new instance
                    routes.set(at, Route.parseFrom(routes.get(at).toByteString()));
                }
            }
            RouteConfiguration config = configuration(hosts);
            RouteBytes.Serialized got = warm.serialize(config);
            warm.nextGeneration();
            RouteConfiguration copy = RouteConfiguration.parseFrom(ContentSnapshot.serialize(config));
            RouteBytes.Serialized fresh = new RouteBytes().serialize(copy);
            assertThat(got.bytes()).isEqualTo(ContentSnapshot.serialize(config));
            assertThat(got.digest()).isEqualTo(fresh.digest());
            assertThat(new java.util.TreeSet<>(got.clusters())).isEqualTo(new java.util.TreeSet<>(fresh.clusters()))
                    .isEqualTo(clustersByWalking(config));
            // Memory follows the configuration: only routes of the last generation are remembered.
            assertThat(warm.chunksMadeAndRoutesKnown()[1]).isEqualTo(distinctInstances(hosts));
        }
    }

    @Test
    void anEditRemakesAFewChunksNotTheConfiguration() {
        Random random = new Random(5);
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            routes.add(randomRoute(random, i));
        }
        RouteBytes bytes = new RouteBytes();
        RouteBytes.Serialized before = bytes.serialize(configuration("a", routes));
        bytes.nextGeneration();
        long chunks = bytes.chunksMadeAndRoutesKnown()[0];
        assertThat(chunks).isGreaterThan(5000 / RouteBytes.MAX_CHUNK);
        routes.set(2500, randomRoute(random, 99_999));
        RouteBytes.Serialized after = bytes.serialize(configuration("a", routes));
        assertThat(bytes.chunksMadeAndRoutesKnown()[0] - chunks).isBetween(1L, 2L);
        assertThat(after.digest()).isNotEqualTo(before.digest());
        assertThat(bytes.reusedAndSerialized()[1]).isEqualTo(5001);
    }

    @Test
    void virtualHostsThatBeginAlikeKeepTheirOwnChunks() {
        Random random = new Random(9);
        List<Route> shared = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            shared.add(randomRoute(random, i));
        }
        List<List<Route>> hosts = new ArrayList<>();
        for (int h = 0; h < 3; h++) {
            List<Route> routes = new ArrayList<>(shared);
            for (int i = 0; i < 300; i++) {
                routes.add(randomRoute(random, 1000 * (h + 1) + i));
            }
            hosts.add(routes);
        }
        RouteBytes bytes = new RouteBytes();
        bytes.serialize(configuration(hosts));
        bytes.nextGeneration();
        long chunks = bytes.chunksMadeAndRoutesKnown()[0];
        RouteConfiguration again = configuration(hosts);
        assertThat(bytes.bytes(again)).isEqualTo(ContentSnapshot.serialize(again));
        bytes.nextGeneration();
        assertThat(bytes.chunksMadeAndRoutesKnown()[0]).isEqualTo(chunks);
    }

    private static RouteConfiguration configuration(List<List<Route>> hosts) {
        RouteConfiguration.Builder b = RouteConfiguration.newBuilder().setName("rc");
        for (int h = 0; h < hosts.size(); h++) {
            b.addVirtualHosts(VirtualHost.newBuilder().setName("h" + h).addDomains("h" + h).addAllRoutes(hosts.get(h)));
        }
        return b.build();
    }

    private static java.util.Set<String> clustersByWalking(RouteConfiguration config) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        config.getVirtualHostsList().forEach(h -> h.getRoutesList().forEach(r -> {
            if (r.hasRoute() && !r.getRoute().getCluster().isEmpty()) {
                names.add(r.getRoute().getCluster());
            }
        }));
        return names;
    }

    private static long distinctInstances(List<List<Route>> hosts) {
        java.util.Set<Route> all = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        hosts.forEach(all::addAll);
        return all.size();
    }

    private static RouteConfiguration configuration(String name, List<Route> routes) {
        return RouteConfiguration.newBuilder().setName(name)
                .addVirtualHosts(VirtualHost.newBuilder().setName(name + "-*").addDomains("*").addAllRoutes(routes))
                .build();
    }

    private static RouteConfiguration randomConfiguration(Random random) {
        RouteConfiguration.Builder rc = RouteConfiguration.newBuilder();
        if (random.nextBoolean()) {
            rc.setName("rc-" + random.nextInt(1000));
        }
        int hosts = random.nextInt(4);
        for (int h = 0; h < hosts; h++) {
            VirtualHost.Builder host = VirtualHost.newBuilder();
            if (random.nextBoolean()) {
                host.setName("host-" + h);
            }
            for (int d = random.nextInt(3); d > 0; d--) {
                host.addDomains("d" + d + ".example.com");
            }
            for (int r = random.nextInt(300); r > 0; r--) {
                host.addRoutes(randomRoute(random, r));
            }
            if (random.nextBoolean()) {
                host.setRequireTls(VirtualHost.TlsRequirementType.ALL);
            }
            if (random.nextBoolean()) {
                host.addResponseHeadersToAdd(header("x-after-routes", "v"));
            }
            if (random.nextBoolean()) {
                host.setPerRequestBufferLimitBytes(UInt32Value.of(1024));
            }
            rc.addVirtualHosts(host);
        }
        if (random.nextBoolean()) {
            rc.addInternalOnlyHeaders("x-internal");
        }
        if (random.nextBoolean()) {
            rc.addResponseHeadersToAdd(header("x-rc", "1"));
        }
        if (random.nextBoolean()) {
            rc.setValidateClusters(BoolValue.of(random.nextBoolean()));
        }
        return rc.build();
    }

    private static Route randomRoute(Random random, int i) {
        Route.Builder route = Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix("/p" + i + "/" + "x".repeat(random.nextInt(200))));
        if (random.nextInt(5) == 0) {
            route.setRedirect(RedirectAction.newBuilder().setHttpsRedirect(true));
        } else {
            route.setRoute(RouteAction.newBuilder().setCluster("cluster_" + random.nextInt(50))
                    .setPrefixRewrite("/"));
        }
        if (random.nextBoolean()) {
            route.setName("r" + i);
        }
        if (random.nextBoolean()) {
            route.addRequestHeadersToAdd(header("x-h", "v" + i));
        }
        return route.build();
    }

    private static HeaderValueOption header(String key, String value) {
        return HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(key).setValue(value)).build();
    }
}
