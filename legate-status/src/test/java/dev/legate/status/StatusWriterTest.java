package dev.legate.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.legate.compiler.CompileResult;
import dev.legate.model.ResourceKey;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status writer against fabric8's mock API server in CRUD mode, with the project's own CRDs installed: statuses
 * of accepted and rejected resources, nothing written when nothing changed (also after a restart), Ingress load
 * balancers from the gateway Service, and AMBASSADOR_UPDATE_MAPPING_STATUS=false.
 */
@EnableKubernetesMockClient(crud = true)
final class StatusWriterTest {

    static KubernetesClient client;

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05.678Z"), ZoneOffset.UTC);
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final List<StatusWriter> writers = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        TestCluster.installCrds(client);
        for (String kind : List.of("Mapping", "Host", "Listener", "TCPMapping", "Ingress")) {
            client.genericKubernetesResources(StatusTargets.of(kind)).inAnyNamespace().delete();
        }
        client.services().inAnyNamespace().delete();
        TestCluster.create(client, TestCluster.resourcesYaml());
    }

    @AfterEach
    void tearDown() {
        writers.forEach(StatusWriter::close);
    }

    private StatusWriter writer(StatusSettings settings) {
        StatusWriter writer = StatusWriter.start(client, settings, Leadership.ALWAYS, CLOCK);
        writers.add(writer);
        return writer;
    }

    private static StatusSettings settings(Set<String> kinds) {
        return new StatusSettings(kinds, Optional.empty(), new GatewayService.Labelled("legate", Optional.empty()),
                1000, Duration.ofSeconds(1));
    }

    private static final StatusSettings ALL = settings(StatusReport.KINDS);

    private static JsonNode status(String kind, String name) {
        return TestCluster.status(client, kind, "default", name);
    }

    private static void awaitStatus(String kind, String name) {
        await().atMost(WAIT).until(() -> status(kind, name) != null);
    }

    @Test
    void acceptedAndRejectedResourcesGetTheirStatus() {
        CompileResult result = TestCluster.compile(TestCluster.resourcesYaml());
        StatusWriter writer = writer(ALL);
        writer.publish(result);
        for (String[] object : new String[][] {{"Mapping", "good"}, {"Mapping", "bad-regex"}, {"Host", "shop"},
                {"Host", "secure"}, {"Listener", "http"}, {"Listener", "broken"}, {"TCPMapping", "db"}}) {
            awaitStatus(object[0], object[1]);
        }

        JsonNode good = status("Mapping", "good");
        assertThat(good.path("state").asText()).isEqualTo("Running");
        assertThat(good.has("reason")).isFalse();
        assertThat(good.at("/conditions/0/type").asText()).isEqualTo("Accepted");
        assertThat(good.at("/conditions/0/status").asText()).isEqualTo("True");
        assertThat(good.at("/conditions/0/reason").asText()).isEqualTo("Accepted");
        assertThat(good.at("/conditions/0/lastTransitionTime").asText()).isEqualTo("2026-01-02T03:04:05Z");

        JsonNode bad = status("Mapping", "bad-regex");
        assertThat(bad.path("state").asText()).isEqualTo("Inactive");
        assertThat(bad.path("reason").asText()).startsWith("spec.prefix: invalid regular expression");
        assertThat(bad.at("/conditions/0/status").asText()).isEqualTo("False");
        assertThat(bad.at("/conditions/0/reason").asText()).isEqualTo("Rejected");
        assertThat(bad.at("/conditions/0/message").asText()).contains("invalid regular expression");

        assertThat(status("Host", "shop").path("state").asText()).isEqualTo("Ready");
        JsonNode secure = status("Host", "secure");
        assertThat(secure.path("state").asText()).isEqualTo("Error");
        assertThat(secure.path("errorReason").asText()).contains("missing-secret");
        assertThat(secure.path("errorTimestamp").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(secure.at("/conditions/0/status").asText()).isEqualTo("False");

        assertThat(status("Listener", "http").at("/conditions/0/status").asText()).isEqualTo("True");
        JsonNode broken = status("Listener", "broken");
        assertThat(broken.at("/conditions/0/status").asText()).isEqualTo("False");
        assertThat(broken.at("/conditions/0/message").asText()).contains("port");
        JsonNode db = status("TCPMapping", "db");
        assertThat(db.at("/conditions/0/status").asText()).isEqualTo("True");
        assertThat(db.at("/conditions/0/message").asText()).isEqualTo("accepted");

        // Meant for another instance (ambassador_id): never touched.
        assertThat(status("Mapping", "other-instance")).isNull();
        // Only the status changed: the spec is as it was created.
        assertThat(client.genericKubernetesResources(StatusTargets.of("Mapping")).inNamespace("default")
                .withName("good").get().getAdditionalProperties().get("spec").toString()).contains("/good/");
    }

    @Test
    void nothingIsWrittenWhenNothingChanged() {
        CompileResult result = TestCluster.compile(TestCluster.resourcesYaml());
        StatusWriter writer = writer(ALL);
        writer.publish(result);
        awaitStatus("TCPMapping", "db");
        await().atMost(WAIT).until(() -> status("Mapping", "good") != null && status("Listener", "broken") != null);
        await().atMost(WAIT).until(() -> writer.stats().writes() == 7);
        String goodVersion = TestCluster.resourceVersion(client, "Mapping", "default", "good");

        // The same outcomes again, from a recompile with a changed spec that does not change any outcome.
        String edited = TestCluster.resourcesYaml().replace("prefix: /good/", "prefix: /good/v2/");
        long passes = writer.stats().passes();
        writer.publish(TestCluster.compile(edited));
        writer.publish(result);
        await().atMost(WAIT).until(() -> writer.stats().passes() > passes);
        assertThat(writer.stats().writes()).isEqualTo(7);
        assertThat(TestCluster.resourceVersion(client, "Mapping", "default", "good")).isEqualTo(goodVersion);

        // A new writer (a restart, or another replica taking over) compares with the cluster first: no writes.
        writer.close();
        StatusWriter second = writer(ALL);
        second.publish(result);
        await().atMost(WAIT).until(() -> second.stats().passes() > 0);
        assertThat(second.stats().writes()).isZero();
        assertThat(TestCluster.resourceVersion(client, "Mapping", "default", "good")).isEqualTo(goodVersion);

        // A real change is written, and only that one.
        String fixed = TestCluster.resourcesYaml().replace("\"/bad/(\"", "\"/bad/(.*)\"");
        second.publish(TestCluster.compile(fixed));
        await().atMost(WAIT).until(() -> status("Mapping", "bad-regex").path("state").asText().equals("Running"));
        assertThat(status("Mapping", "bad-regex").has("reason")).isFalse();
        assertThat(second.stats().writes()).isEqualTo(1);
    }

    private static Service gatewayService(String ip) {
        return new ServiceBuilder().withNewMetadata().withName("legate").withNamespace("legate")
                .withLabels(Map.of("app.kubernetes.io/component", "ambassador-service")).endMetadata()
                .withNewSpec().withType("LoadBalancer").withSelector(Map.of("app.kubernetes.io/name", "legate"))
                .addNewPort().withName("http").withPort(80).endPort().endSpec()
                .withStatus(new ServiceStatusBuilder().withNewLoadBalancer()
                        .withIngress(new LoadBalancerIngressBuilder().withIp(ip).withIpMode("VIP").build())
                        .endLoadBalancer().build())
                .build();
    }

    @Test
    void ingressesGetTheGatewayServicesLoadBalancer() {
        Service service = gatewayService("203.0.113.7");
        client.services().inNamespace("legate").resource(service).create();
        client.services().inNamespace("legate").resource(service).updateStatus();
        assertThat(client.services().inNamespace("legate").withName("legate").get().getStatus().getLoadBalancer()
                .getIngress()).hasSize(1);
        Ingress ingress = new IngressBuilder().withNewMetadata().withName("web").withNamespace("default")
                .endMetadata().withNewSpec().withIngressClassName("ambassador").endSpec().build();
        client.network().v1().ingresses().resource(ingress).create();

        StatusWriter writer = writer(ALL);
        writer.publish(new StatusReport(List.of(
                ResourceOutcome.accepted(new ResourceKey("Ingress", "web", "default"), List.of()))));
        await().atMost(WAIT).until(() -> "203.0.113.7".equals(ingressIp()));
        assertThat(client.network().v1().ingresses().inNamespace("default").withName("web").get().getStatus()
                .getLoadBalancer().getIngress().getFirst().getHostname()).isNull();

        // The Service's address changes: the Ingress follows without a new compile.
        Service moved = client.services().inNamespace("legate").withName("legate").get();
        moved.getStatus().getLoadBalancer().getIngress().getFirst().setIp("203.0.113.9");
        client.services().inNamespace("legate").resource(moved).updateStatus();
        await().atMost(WAIT).until(() -> "203.0.113.9".equals(ingressIp()));
        assertThat(client.network().v1().ingresses().inNamespace("default").withName("web").get().getStatus()
                .getLoadBalancer().getIngress()).hasSize(1);
    }

    private static String ingressIp() {
        Ingress found = client.network().v1().ingresses().inNamespace("default").withName("web").get();
        if (found.getStatus() == null || found.getStatus().getLoadBalancer() == null
                || found.getStatus().getLoadBalancer().getIngress() == null
                || found.getStatus().getLoadBalancer().getIngress().isEmpty()) {
            return null;
        }
        return found.getStatus().getLoadBalancer().getIngress().getFirst().getIp();
    }

    @Test
    void mappingStatusCanBeTurnedOffAsInEmissary() {
        StatusSettings settings = StatusSettings.fromEnvironment(Map.of("AMBASSADOR_UPDATE_MAPPING_STATUS", "false"),
                java.nio.file.Path.of("/nonexistent"));
        assertThat(settings.kinds()).doesNotContain("Mapping").contains("Host", "Listener", "TCPMapping", "Ingress");
        StatusWriter writer = writer(new StatusSettings(settings.kinds(), Optional.empty(),
                settings.gatewayService(), 1000, Duration.ofSeconds(1)));
        writer.publish(TestCluster.compile(TestCluster.resourcesYaml()));
        awaitStatus("Host", "shop");
        awaitStatus("TCPMapping", "db");
        await().atMost(WAIT).until(() -> writer.stats().passes() > 0);
        assertThat(status("Mapping", "good")).isNull();
        assertThat(status("Mapping", "bad-regex")).isNull();
    }
}
