package dev.legate.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The Helm charts, rendered by {@link HelmLite} (Helm itself is not available on the build machines): every
 * template renders to valid typed objects (no unknown fields; getambassador.io objects pass the CRDs' schemas), and
 * with the default values the charts hold the same objects as the plain manifests, apart from Helm's own labels.
 */
final class ChartTest {

    static final Path CHART = Path.of("../deploy/chart/legate");
    static final Path APIEXT_CHART = Path.of("../deploy/apiext/chart");
    private static final List<String> HELM_LABELS = List.of("app.kubernetes.io/version",
            "app.kubernetes.io/managed-by", "helm.sh/chart");

    private static List<HasMetadata> rendered(Path chart, String release, String values) throws IOException {
        JsonNode overrides = values.isEmpty() ? Manifests.JSON.createObjectNode() : Manifests.YAML.readTree(values);
        List<HasMetadata> objects = new ArrayList<>();
        for (Map.Entry<String, String> file : HelmLite.render(chart, release, "legate", overrides).entrySet()) {
            objects.addAll(DeployManifestsTest.load(file.getValue(), chart + "/templates/" + file.getKey()));
        }
        return objects;
    }

    /** Objects as comparable trees keyed by kind/name, without Helm's labels (and without the Namespace). */
    private static Map<String, JsonNode> comparable(List<HasMetadata> objects) {
        Map<String, JsonNode> out = new TreeMap<>();
        for (HasMetadata object : objects) {
            if (object.getKind().equals("Namespace")) {
                continue;
            }
            ObjectNode tree = Manifests.JSON.valueToTree(object);
            stripHelmLabels(tree);
            out.put(object.getKind() + "/" + object.getMetadata().getName(), tree);
        }
        return out;
    }

    private static void stripHelmLabels(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.get("labels") instanceof ObjectNode labels) {
                HELM_LABELS.forEach(labels::remove);
            }
            object.forEach(ChartTest::stripHelmLabels);
        } else if (node.isArray()) {
            node.forEach(ChartTest::stripHelmLabels);
        }
    }

    @Test
    void theDefaultsRenderTheClusterWideManifest() throws IOException {
        assertThat(comparable(rendered(CHART, "legate", "")))
                .isEqualTo(comparable(DeployManifestsTest.load(DeployManifestsTest.CLUSTER)));
    }

    @Test
    void singleNamespaceRendersTheSingleNamespaceManifest() throws IOException {
        assertThat(comparable(rendered(CHART, "legate", "singleNamespace: true")))
                .isEqualTo(comparable(DeployManifestsTest.load(DeployManifestsTest.SINGLE)));
    }

    @Test
    void theWebhookDependencyRendersTheWebhookManifestUnderTheNameTheCrdsUse() throws IOException {
        JsonNode chart = Manifests.YAML.readTree(CHART.resolve("Chart.yaml").toFile());
        JsonNode dependency = chart.path("dependencies").get(0);
        Path dependencyPath = CHART.resolve(dependency.path("repository").asText().substring("file://".length()));
        assertThat(dependencyPath.normalize()).isEqualTo(APIEXT_CHART.normalize());
        JsonNode apiextChart = Manifests.YAML.readTree(APIEXT_CHART.resolve("Chart.yaml").toFile());
        assertThat(dependency.path("name").asText()).isEqualTo(apiextChart.path("name").asText());
        assertThat(dependency.path("version").asText()).isEqualTo(apiextChart.path("version").asText());

        // Helm gives the subchart the parent's values under its alias.
        JsonNode parentValues = Manifests.YAML.readTree(CHART.resolve("values.yaml").toFile());
        String subValues = Manifests.YAML.writeValueAsString(parentValues.path(dependency.path("alias").asText()));
        Map<String, JsonNode> chartObjects = comparable(rendered(APIEXT_CHART, "legate", subValues));
        // The chart spells out three of `legate apiext`'s defaults that the plain manifest leaves implicit.
        var args = (com.fasterxml.jackson.databind.node.ArrayNode) chartObjects.get("Deployment/legate-apiext")
                .at("/spec/template/spec/containers/0/args");
        for (int i = args.size() - 1; i >= 0; i--) {
            if (List.of("--ca-validity=3650d", "--cert-validity=365d", "--renew-before=30d")
                    .contains(args.get(i).asText())) {
                args.remove(i);
            }
        }
        assertThat(chartObjects).isEqualTo(comparable(DeployManifestsTest.load(DeployManifestsTest.APIEXT)));
        assertThat(chartObjects).containsKey("Service/" + dev.legate.model.crd.CrdGenerator.WEBHOOK_SERVICE);
    }

    @Test
    void theChartCarriesTheGeneratedCrds() throws IOException {
        assertThat(Files.readString(CHART.resolve("crds/legate-crds.yaml"))).isEqualTo(Files.readString(
                TestCluster.CRDS));
    }

    @Test
    void otherValuesRenderValidObjects() throws IOException {
        List<HasMetadata> objects = rendered(CHART, "edge", """
                ambassadorId: edge-stack
                updateMappingStatus: false
                replicaCount: 2
                extraArgs: [--holdoff=50ms]
                extraEnv:
                - {name: LEGATE_STATUS_WRITES_PER_SECOND, value: "20"}
                podLabels: {team: web}
                podAnnotations: {prometheus.io/scrape: "true"}
                service: {type: ClusterIP, annotations: {example.com/lb: internal}}
                podDisruptionBudget: {enabled: false}
                affinity: {}
                nodeSelector: {kubernetes.io/os: linux}
                imagePullSecrets: [{name: registry}]
                image: {tag: "1.2.3"}
                """);
        Deployment deployment = objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .findFirst().orElseThrow();
        assertThat(deployment.getMetadata().getName()).isEqualTo("edge-legate");
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(container.getImage()).isEqualTo("legate:1.2.3");
        assertThat(container.getArgs()).containsExactly("serve", "--state-dir=/tmp/legate", "--holdoff=50ms");
        Map<String, String> env = new TreeMap<>();
        container.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
        assertThat(env).containsEntry("AMBASSADOR_ID", "edge-stack")
                .containsEntry("AMBASSADOR_UPDATE_MAPPING_STATUS", "false")
                .containsEntry("LEGATE_STATUS_WRITES_PER_SECOND", "20");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("team", "web");
        assertThat(objects).noneMatch(o -> o.getKind().equals("PodDisruptionBudget"));
        List<GenericKubernetesResource> listeners = objects.stream()
                .filter(GenericKubernetesResource.class::isInstance).map(GenericKubernetesResource.class::cast)
                .toList();
        assertThat(listeners).hasSize(2).allSatisfy(l -> assertThat(((Map<?, ?>) l.getAdditionalProperties()
                .get("spec")).get("ambassador_id")).isEqualTo(List.of("edge-stack")));
    }
}
