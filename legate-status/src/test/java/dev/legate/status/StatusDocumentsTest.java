package dev.legate.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.legate.compiler.CompileResult;
import dev.legate.model.ResourceKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Outcomes from a compile, and the status documents made of them (pure; no cluster). */
final class StatusDocumentsTest {

    private static final Instant T1 = Instant.parse("2026-01-02T03:04:05.9Z");
    private static final Instant T2 = Instant.parse("2026-02-03T04:05:06Z");

    @Test
    void outcomesComeFromTheCompile() {
        CompileResult result = TestCluster.compile(TestCluster.resourcesYaml());
        Map<String, ResourceOutcome.Verdict> verdicts = new java.util.TreeMap<>();
        StatusReport.from(result).outcomes().forEach(o -> verdicts.put(o.key().toString(), o.verdict()));
        assertThat(verdicts).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                "Host/secure.default", ResourceOutcome.Verdict.REJECTED,
                "Host/shop.default", ResourceOutcome.Verdict.ACCEPTED,
                "Listener/broken.default", ResourceOutcome.Verdict.REJECTED,
                "Listener/http.default", ResourceOutcome.Verdict.ACCEPTED,
                "Mapping/bad-regex.default", ResourceOutcome.Verdict.REJECTED,
                "Mapping/good.default", ResourceOutcome.Verdict.ACCEPTED,
                "TCPMapping/db.default", ResourceOutcome.Verdict.ACCEPTED)));
    }

    @Test
    void keysWithDotsInTheNameParse() {
        assertThat(StatusReport.parseKey("Mapping/api.v1.example.prod"))
                .contains(new ResourceKey("Mapping", "api.v1.example", "prod"));
        assertThat(StatusReport.parseKey("file:/etc/legate/a.yaml")).isEmpty();
        assertThat(StatusReport.parseKey("Mapping/nonamespace")).isEmpty();
    }

    @Test
    void aRejectedOutcomeNeedsAnErrorAndKeysAreUnique() {
        ResourceKey key = new ResourceKey("Mapping", "m", "default");
        assertThatThrownBy(() -> new ResourceOutcome(key, ResourceOutcome.Verdict.REJECTED, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StatusReport(List.of(ResourceOutcome.accepted(key, List.of()),
                ResourceOutcome.accepted(key, List.of())))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void inactiveMappingsSummarizeTheirErrorsAsEmissaryDoes() {
        ResourceOutcome outcome = ResourceOutcome.rejected(new ResourceKey("Mapping", "m", "default"),
                List.of("first problem", "second problem"));
        ObjectNode status = StatusDocuments.desired(outcome, Manifests.JSON.createObjectNode(), null, T1);
        assertThat(status.path("state").asText()).isEqualTo("Inactive");
        assertThat(status.path("reason").asText()).isEqualTo("first problem (and more)");
        assertThat(status.at("/conditions/0/message").asText()).isEqualTo("first problem; second problem");
        assertThat(status.at("/conditions/0/lastTransitionTime").asText()).isEqualTo("2026-01-02T03:04:05Z");
    }

    @Test
    void timestampsMoveOnlyWhenTheVerdictDoes() {
        ResourceKey key = new ResourceKey("Host", "h", "default");
        ObjectNode error = StatusDocuments.desired(ResourceOutcome.rejected(key, List.of("no secret")),
                Manifests.JSON.createObjectNode(), null, T1);
        // Later, the same error (or another): same transition time, same error timestamp.
        ObjectNode again = StatusDocuments.desired(ResourceOutcome.rejected(key, List.of("another")), error, null, T2);
        assertThat(again.at("/conditions/0/lastTransitionTime")).isEqualTo(error.at("/conditions/0/lastTransitionTime"));
        assertThat(again.path("errorTimestamp")).isEqualTo(error.path("errorTimestamp"));
        assertThat(StatusDocuments.desired(ResourceOutcome.rejected(key, List.of("no secret")), error, null, T2))
                .isEqualTo(error);
        // Fixed: a new transition, and the error fields go.
        ObjectNode ready = StatusDocuments.desired(ResourceOutcome.accepted(key, List.of()), error, null, T2);
        assertThat(ready.path("state").asText()).isEqualTo("Ready");
        assertThat(ready.has("errorReason")).isFalse();
        assertThat(ready.at("/conditions/0/lastTransitionTime").asText()).isEqualTo("2026-02-03T04:05:06Z");
    }

    @Test
    void applyReplacesOnlyTheOwnedFields() throws Exception {
        ObjectNode current = (ObjectNode) Manifests.JSON.readTree("""
                {"state": "Error", "errorReason": "old", "phasePending": "ACMEUserRegistered",
                 "somebodyElses": {"x": 1}}""");
        ObjectNode wanted = StatusDocuments.desired(ResourceOutcome.accepted(new ResourceKey("Host", "h", "d"),
                List.of()), StatusDocuments.owned("Host", current), null, T1);
        ObjectNode applied = StatusDocuments.apply("Host", current, wanted);
        assertThat(applied.path("state").asText()).isEqualTo("Ready");
        assertThat(applied.has("errorReason")).isFalse();
        assertThat(applied.has("phasePending")).isFalse();
        assertThat(applied.at("/somebodyElses/x").asInt()).isEqualTo(1);
    }

    @Test
    void ingressesGetTheServiceAddressesWithoutFieldsIngressesDoNotHave() throws Exception {
        ObjectNode serviceLb = (ObjectNode) Manifests.JSON.readTree("""
                {"ingress": [{"ip": "203.0.113.7", "ipMode": "VIP", "ports": [{"port": 80, "protocol": "TCP"}]},
                             {"hostname": "lb.example.com"}]}""");
        ObjectNode status = StatusDocuments.desired(ResourceOutcome.accepted(new ResourceKey("Ingress", "i", "d"),
                List.of()), Manifests.JSON.createObjectNode(), serviceLb, T1);
        assertThat(status.toString()).isEqualTo("{\"loadBalancer\":{\"ingress\":[{\"ip\":\"203.0.113.7\","
                + "\"ports\":[{\"port\":80,\"protocol\":\"TCP\"}]},{\"hostname\":\"lb.example.com\"}]}}");
        assertThat(StatusDocuments.desired(ResourceOutcome.accepted(new ResourceKey("Ingress", "i", "d"),
                List.of()), Manifests.JSON.createObjectNode(), Manifests.JSON.createObjectNode(), T1).toString())
                .isEqualTo("{\"loadBalancer\":{}}");
    }

    @Test
    void settingsFromTheEnvironment() throws Exception {
        java.nio.file.Path labels = java.nio.file.Files.createTempFile("labels", "");
        java.nio.file.Files.writeString(labels, "app.kubernetes.io/name=\"legate\"\npod-template-hash=\"abc\"\n");
        StatusSettings settings = StatusSettings.fromEnvironment(Map.of("AMBASSADOR_NAMESPACE", "gw"), labels);
        assertThat(settings.kinds()).containsExactlyInAnyOrderElementsOf(StatusReport.KINDS);
        assertThat(settings.namespace()).isEmpty();
        assertThat(settings.gatewayService()).isEqualTo(new GatewayService.Labelled("gw", java.util.Optional.of(
                Map.of("app.kubernetes.io/name", "legate", "pod-template-hash", "abc"))));
        assertThat(StatusSettings.fromEnvironment(Map.of("LEGATE_GATEWAY_SERVICE", "edge/gw"), labels)
                .gatewayService()).isEqualTo(new GatewayService.Named("edge", "gw"));
        assertThat(StatusSettings.fromEnvironment(Map.of("AMBASSADOR_SINGLE_NAMESPACE", "yes",
                "AMBASSADOR_NAMESPACE", "gw"), labels).namespace()).contains("gw");
        java.nio.file.Files.delete(labels);

        GatewayService.Labelled rule = (GatewayService.Labelled) settings.gatewayService();
        Map<String, String> component = Map.of("app.kubernetes.io/component", "ambassador-service");
        assertThat(rule.matches("gw", component, Map.of("app.kubernetes.io/name", "legate"))).isTrue();
        assertThat(rule.matches("gw", component, Map.of("app.kubernetes.io/name", "other"))).isFalse();
        assertThat(rule.matches("other", component, Map.of("app.kubernetes.io/name", "legate"))).isFalse();
        assertThat(rule.matches("gw", Map.of(), Map.of("app.kubernetes.io/name", "legate"))).isFalse();
    }
}
