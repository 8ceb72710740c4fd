package dev.legate.apiext;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The webhook's manifests ({@code deploy/apiext/}) agree with the code: the Deployment's arguments parse, ports and
 * probe paths match, RBAC covers its own Secret and exactly the multi-version getambassador.io CRDs; the Helm
 * chart's templates are well-formed YAML once their actions are blanked (Helm itself is not available here).
 */
final class ManifestsTest {

    private static final Path DEPLOY = Path.of("../deploy/apiext");

    private static List<ObjectNode> manifest() throws IOException {
        try (InputStream in = Files.newInputStream(DEPLOY.resolve("legate-apiext.yaml"))) {
            return TestDocs.documents(in);
        }
    }

    private static ObjectNode only(List<ObjectNode> docs, String kind) {
        List<ObjectNode> found = docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.getFirst();
    }

    private static List<String> texts(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void theDeploymentRunsTheCommandWithArgumentsItAccepts() throws IOException {
        List<ObjectNode> docs = manifest();
        JsonNode container = only(docs, "Deployment").at("/spec/template/spec/containers/0");
        List<String> args = texts(container.get("args"));
        assertThat(args.getFirst()).isEqualTo("apiext");
        ApiextCommand command = new ApiextCommand();
        new CommandLine(command).parseArgs(args.subList(1, args.size()).toArray(String[]::new));

        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(command.port);
        assertThat(container.at("/ports/1/containerPort").asInt()).isEqualTo(command.probePort);
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo(ProbeHandler.READY);
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo(ProbeHandler.LIVE);
        assertThat(container.at("/env/0/name").asText()).isEqualTo("POD_NAMESPACE");

        ObjectNode service = only(docs, "Service");
        assertThat(service.at("/metadata/name").asText()).isEqualTo(command.service);
        assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(command.servicePort);
        assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo(container.at("/ports/0/name").asText());
        assertThat(service.at("/spec/selector")).isEqualTo(only(docs, "Deployment").at("/spec/selector/matchLabels"));
        assertThat(only(docs, "Deployment").at("/spec/replicas").asInt()).isGreaterThan(1);
        assertThat(only(docs, "PodDisruptionBudget").at("/spec/minAvailable").asInt()).isEqualTo(1);
    }

    @Test
    void rbacGrantsItsOwnSecretAndTheCrdsAndNothingElse() throws IOException {
        List<ObjectNode> docs = manifest();
        List<String> args = texts(only(docs, "Deployment").at("/spec/template/spec/containers/0/args"));
        ApiextCommand command = new ApiextCommand();
        new CommandLine(command).parseArgs(args.subList(1, args.size()).toArray(String[]::new));

        JsonNode role = only(docs, "Role").get("rules");
        assertThat(role).hasSize(2);
        assertThat(texts(role.get(0).get("verbs"))).containsExactly("create");
        assertThat(texts(role.get(1).get("resourceNames"))).containsExactly(command.secret);
        assertThat(texts(role.get(1).get("verbs"))).containsExactlyInAnyOrder("get", "list", "watch", "update");

        JsonNode cluster = only(docs, "ClusterRole").get("rules");
        assertThat(cluster).hasSize(2);
        assertThat(texts(cluster.get(0).get("verbs"))).containsExactlyInAnyOrder("get", "list", "watch");
        assertThat(texts(cluster.get(1).get("verbs"))).containsExactly("patch");
        for (JsonNode rule : cluster) {
            assertThat(texts(rule.get("resources"))).containsExactly("customresourcedefinitions");
        }
    }

    private static final Set<String> PATCHABLE = Set.of("authservices", "consulresolvers", "devportals", "hosts",
            "kubernetesendpointresolvers", "kubernetesserviceresolvers", "logservices", "mappings", "modules",
            "ratelimitservices", "tcpmappings", "tlscontexts", "tracingservices");

    @Test
    void thePatchableCrdsAreThoseWithMoreThanOneVersion() throws IOException {
        Set<String> expected = new TreeSet<>();
        PATCHABLE.forEach(p -> expected.add(p + ".getambassador.io"));
        JsonNode cluster = only(manifest(), "ClusterRole").get("rules");
        assertThat(new TreeSet<>(texts(cluster.get(1).get("resourceNames")))).isEqualTo(expected);

        // Checked against Emissary's own CRDs where they are (under EMISSARY_TESTDATA; not copied).
        Path crds = Path.of(System.getenv().getOrDefault("EMISSARY_TESTDATA", ""),
                "crds.yaml");
        Assumptions.assumeTrue(Files.isRegularFile(crds), "Emissary's crds.yaml is not at " + crds + " (set EMISSARY_TESTDATA); skipped");
        Set<String> multiVersion = new TreeSet<>();
        try (InputStream in = Files.newInputStream(crds)) {
            for (ObjectNode crd : TestDocs.documents(in)) {
                if (crd.at("/spec/group").asText().equals("getambassador.io") && crd.at("/spec/versions").size() > 1) {
                    multiVersion.add(crd.at("/metadata/name").asText());
                }
            }
        }
        assertThat(multiVersion).isEqualTo(expected);
    }

    private static final Pattern ACTION_LINE = Pattern.compile("^\\s*\\{\\{-?.*-?}}\\s*$");
    private static final Pattern ACTION = Pattern.compile("\\{\\{-?.*?-?}}");

    /** A template with its actions blanked: lines that are only an action go, inline actions become a word. */
    static String blank(String template) {
        StringBuilder out = new StringBuilder();
        for (String line : template.split("\n", -1)) {
            if (ACTION_LINE.matcher(line).matches()) {
                continue;
            }
            out.append(ACTION.matcher(line).replaceAll("x")).append('\n');
        }
        return out.toString();
    }

    @Test
    void theChartsTemplatesAreWellFormedAndItsDefaultsMatchTheManifest() throws IOException {
        Path chart = DEPLOY.resolve("chart");
        assertThat(TestDocs.YAML.readTree(chart.resolve("Chart.yaml").toFile()).path("name").asText())
                .isEqualTo("legate-apiext");
        JsonNode values = TestDocs.YAML.readTree(chart.resolve("values.yaml").toFile());
        JsonNode cluster = only(manifest(), "ClusterRole").get("rules");
        assertThat(texts(values.get("crdNames"))).isEqualTo(texts(cluster.get(1).get("resourceNames")));
        assertThat(values.path("httpsPort").asInt()).isEqualTo(8443);
        assertThat(values.path("probePort").asInt()).isEqualTo(8080);
        assertThat(values.path("replicaCount").asInt()).isEqualTo(2);

        Set<String> kinds = new TreeSet<>();
        try (Stream<Path> files = Files.list(chart.resolve("templates"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                String blanked = blank(Files.readString(file));
                try (InputStream in = new java.io.ByteArrayInputStream(blanked.getBytes(
                        java.nio.charset.StandardCharsets.UTF_8))) {
                    for (ObjectNode doc : TestDocs.documents(in)) {
                        assertThat(doc.path("apiVersion").asText()).as(file.toString()).isNotEmpty();
                        kinds.add(doc.path("kind").asText());
                    }
                }
            }
        }
        Set<String> manifestKinds = new TreeSet<>();
        manifest().forEach(d -> manifestKinds.add(d.path("kind").asText()));
        manifestKinds.remove("Namespace"); // the chart installs into the release's namespace
        assertThat(kinds).isEqualTo(manifestKinds);
    }
}
