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
            assertThat(bytes.serialize(rc)).isEqualTo(ContentSnapshot.serialize(rc));
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
            assertThat(bytes.serialize(rc)).isEqualTo(ContentSnapshot.serialize(rc));
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
        assertThat(bytes.serialize(second)).isEqualTo(ContentSnapshot.serialize(second));
        bytes.nextGeneration();
        assertThat(bytes.reusedAndSerialized()).containsExactly(49, 51);

        // A route absent from the last generation is forgotten: an equal but new instance is serialized again.
        bytes.serialize(configuration("a", List.of(routes.get(10))));
        assertThat(bytes.reusedAndSerialized()).containsExactly(49, 52);
    }

    @Test
    void bytesEqualToThePriorOnesAreThePriorInstanceAndRoutesStayCorrectAcrossGenerations() {
        Random random = new Random(11);
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            routes.add(randomRoute(random, i));
        }
        RouteBytes bytes = new RouteBytes();
        RouteConfiguration config = configuration("a", routes);
        com.google.protobuf.ByteString first = bytes.serialize(config, null);
        bytes.nextGeneration();
        // A new message with the same routes: the prior bytes are handed back, not a copy of them.
        RouteConfiguration again = configuration("a", routes);
        com.google.protobuf.ByteString second = bytes.serialize(again, first);
        assertThat(second).isSameAs(first);
        bytes.nextGeneration();
        // The routes' remembered bytes (views into the prior array) splice into a different configuration correctly,
        // a route repeated in two virtual hosts too.
        List<Route> shuffled = new ArrayList<>(routes);
        java.util.Collections.shuffle(shuffled, random);
        RouteConfiguration other = configuration("b", shuffled).toBuilder()
                .addVirtualHosts(VirtualHost.newBuilder().setName("second").addDomains("x").addRoutes(routes.get(3)))
                .build();
        assertThat(bytes.serialize(other, first)).isEqualTo(ContentSnapshot.serialize(other));
        bytes.nextGeneration();
        assertThat(bytes.serialize(config, null)).isEqualTo(ContentSnapshot.serialize(config));
        assertThat(bytes.reusedAndSerialized()).containsExactly(40 + 41 + 40, 40);
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
