package dev.legate.xds;

import static dev.legate.xds.Fixtures.basic;
import static dev.legate.xds.Fixtures.withAdminListener;
import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.xds.PublishResult.Step;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The make-before-break steps of a publish: which, in what order, and that every one is consistent by itself. */
final class PlanTest {

    private static List<Map.Entry<Step, ContentSnapshot>> plan(XdsResources from, XdsResources to) {
        ContentSnapshot a = ContentSnapshot.of(from, null);
        return XdsServer.plan(a, ContentSnapshot.of(to, a));
    }

    private static List<Step> steps(XdsResources from, XdsResources to) {
        List<Map.Entry<Step, ContentSnapshot>> plan = plan(from, to);
        for (Map.Entry<Step, ContentSnapshot> step : plan) {
            assertThat(ConsistencyCheck.check(step.getValue().resources()))
                    .as("snapshot of step %s", step.getKey()).isEmpty();
        }
        if (!plan.isEmpty()) {
            assertThat(plan.getLast().getValue().versions()).isEqualTo(ContentSnapshot.of(to, null).versions());
        }
        return plan.stream().map(Map.Entry::getKey).toList();
    }

    @Test
    void nothingChangedNeedsNoStep() {
        assertThat(steps(basic(), basic())).isEmpty();
    }

    @Test
    void endpointsOnlyIsOneStep() {
        assertThat(steps(basic(), basic("10.9.9.9"))).containsExactly(Step.CLUSTERS);
    }

    @Test
    void aNewListenerWithNewRoutesAndClustersIsBuiltUpInOrder() {
        List<Map.Entry<Step, ContentSnapshot>> plan = plan(basic(), withAdminListener(basic()));
        assertThat(plan).extracting(Map.Entry::getKey)
                .containsExactly(Step.CLUSTERS, Step.ROUTES, Step.LISTENERS);
        ContentSnapshot clusters = plan.get(0).getValue();
        assertThat(clusters.set(XdsType.CLUSTER).entries()).containsKey("cluster_c");
        assertThat(clusters.set(XdsType.ROUTE).entries()).doesNotContainKey("admin-routes");
        ContentSnapshot routes = plan.get(1).getValue();
        assertThat(routes.set(XdsType.ROUTE).entries()).containsKey("admin-routes");
        assertThat(routes.set(XdsType.LISTENER).entries()).doesNotContainKey("admin");
        assertThat(plan.get(2).getValue().set(XdsType.LISTENER).entries()).containsKey("admin");
        steps(basic(), withAdminListener(basic()));
    }

    @Test
    void removalBreaksAfterTheListenerGoes() {
        List<Map.Entry<Step, ContentSnapshot>> plan = plan(withAdminListener(basic()), basic());
        assertThat(plan).extracting(Map.Entry::getKey).containsExactly(Step.LISTENERS, Step.CLEANUP);
        ContentSnapshot listeners = plan.get(0).getValue();
        assertThat(listeners.set(XdsType.LISTENER).entries()).doesNotContainKey("admin");
        assertThat(listeners.set(XdsType.ROUTE).entries()).containsKey("admin-routes");
        assertThat(listeners.set(XdsType.CLUSTER).entries()).containsKey("cluster_c");
        assertThat(plan.get(1).getValue().set(XdsType.CLUSTER).entries()).doesNotContainKey("cluster_c");
        steps(withAdminListener(basic()), basic());
    }

    @Test
    void aRotatedSecretIsOneStepAndANewTlsListenerGetsItsSecretFirst() {
        XdsResources b = basic();
        XdsResources rotated = new XdsResources(b.listeners(), b.routes(), b.clusters(), b.endpoints(),
                List.of(Fixtures.secret("tls-cert", "two")));
        assertThat(steps(b, rotated)).containsExactly(Step.SECRETS);

        List<Listener> listeners = new ArrayList<>(b.listeners());
        listeners.add(Fixtures.tlsListener("other-https", 9443, "http-routes", "other-cert"));
        List<io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret> secrets = new ArrayList<>(b.secrets());
        secrets.add(Fixtures.secret("other-cert", "x"));
        assertThat(steps(b, new XdsResources(listeners, b.routes(), b.clusters(), b.endpoints(), secrets)))
                .containsExactly(Step.SECRETS, Step.LISTENERS);
    }

    @Test
    void everythingFromNothing() {
        assertThat(steps(XdsResources.empty(), withAdminListener(basic())))
                .containsExactly(Step.SECRETS, Step.CLUSTERS, Step.ROUTES, Step.LISTENERS);
    }

    @Test
    void replacingEverythingAddsBeforeItRemoves() {
        XdsResources other = new XdsResources(
                List.of(Fixtures.listener("other", 7000, "other-routes")),
                List.of(Fixtures.routes("other-routes", "cluster_o")),
                List.of(Fixtures.dnsCluster("cluster_o", "o.default")), List.of(), List.of());
        assertThat(steps(basic(), other))
                .containsExactly(Step.CLUSTERS, Step.ROUTES, Step.LISTENERS, Step.CLEANUP);
    }
}
