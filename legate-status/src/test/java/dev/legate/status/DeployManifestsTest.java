package dev.legate.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The shipped manifests ({@code deploy/}) are valid Kubernetes objects and agree with the code: every document
 * deserializes into fabric8's typed classes with no unknown field; the CRDs are structural, with one storage version
 * and a schema per version; the default Listeners pass the CRDs' own schema; RBAC grants exactly what Legate reads
 * and the statuses it writes; probes, ports and the gateway Service line up.
 */
final class DeployManifestsTest {

    static final Path DEPLOY = Path.of("../deploy");
    static final Path CLUSTER = DEPLOY.resolve("legate/legate.yaml");
    static final Path SINGLE = DEPLOY.resolve("legate/legate-single-namespace.yaml");
    static final Path APIEXT = DEPLOY.resolve("apiext/legate-apiext.yaml");

    /** The typed objects of a manifest, failing on any problem. */
    static List<HasMetadata> load(Path file) throws IOException {
        return load(Files.readString(file), file.toString());
    }

    static List<HasMetadata> load(String text, String where) throws IOException {
        List<String> problems = new ArrayList<>();
        List<HasMetadata> out = new ArrayList<>();
        for (ObjectNode doc : Manifests.documents(text)) {
            out.add(Manifests.typed(doc, problems));
        }
        checkAmbassadorObjects(out, problems);
        assertThat(problems).as(where).isEmpty();
        return out;
    }

    static List<CustomResourceDefinition> crds() throws IOException {
        return load(TestCluster.CRDS).stream().map(CustomResourceDefinition.class::cast).toList();
    }

    /** getambassador.io objects against the project's CRD schemas (what `kubectl apply` would check). */
    private static void checkAmbassadorObjects(List<HasMetadata> objects, List<String> problems) throws IOException {
        List<GenericKubernetesResource> ambassador = objects.stream()
                .filter(o -> o.getApiVersion().startsWith("getambassador.io/"))
                .map(GenericKubernetesResource.class::cast).toList();
        if (ambassador.isEmpty()) {
            return;
        }
        Map<String, JSONSchemaProps> schemas = Manifests.storageSchemas(crds());
        for (GenericKubernetesResource object : ambassador) {
            String where = object.getKind() + "/" + object.getMetadata().getName();
            assertThat(object.getApiVersion()).as(where).isEqualTo("getambassador.io/v3alpha1");
            JSONSchemaProps schema = schemas.get(object.getKind());
            assertThat(schema).as(where + " has a CRD").isNotNull();
            JsonNode tree = Manifests.JSON.valueToTree(object);
            Manifests.validate(where + " spec", tree.path("spec"), schema.getProperties().get("spec"), problems);
        }
    }

    private static <T> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T> T only(List<HasMetadata> objects, Class<T> type) {
        List<T> found = all(objects, type);
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.getFirst();
    }

    @Test
    void theCrdsAreStructuralWithOneStorageVersionAndStatusWhereLegateWritesIt() throws IOException {
        List<CustomResourceDefinition> crds = crds();
        assertThat(crds).hasSize(14);
        List<String> problems = new ArrayList<>();
        for (CustomResourceDefinition crd : crds) {
            String kind = crd.getSpec().getNames().getKind();
            assertThat(crd.getSpec().getVersions().stream().filter(CustomResourceDefinitionVersion::getStorage))
                    .as(kind).hasSize(1);
            for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
                assertThat(v.getSchema()).as(kind + " " + v.getName() + " schema").isNotNull();
                JSONSchemaProps root = v.getSchema().getOpenAPIV3Schema();
                Manifests.structural(kind + "/" + v.getName(), root, problems);
                assertThat(root.getProperties()).containsKeys("apiVersion", "kind", "metadata", "spec");
                boolean writesStatus = StatusReport.KINDS.contains(kind);
                assertThat(v.getSubresources() != null && v.getSubresources().getStatus() != null)
                        .as(kind + " " + v.getName() + " status subresource").isEqualTo(writesStatus);
                assertThat(root.getProperties().containsKey("status")).isEqualTo(writesStatus);
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theCrdsPointAtTheConversionWebhookWhichMayPatchExactlyThem() throws IOException {
        List<HasMetadata> apiext = load(APIEXT);
        Service webhook = only(apiext, Service.class);
        ClusterRole patcher = only(apiext, ClusterRole.class);
        Set<String> patchable = patcher.getRules().stream().filter(r -> r.getVerbs().contains("patch"))
                .flatMap(r -> r.getResourceNames().stream()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> multiVersion = new TreeSet<>();
        for (CustomResourceDefinition crd : crds()) {
            if (crd.getSpec().getVersions().size() > 1) {
                multiVersion.add(crd.getMetadata().getName());
                var service = crd.getSpec().getConversion().getWebhook().getClientConfig().getService();
                assertThat(service.getName()).isEqualTo(webhook.getMetadata().getName());
                assertThat(service.getNamespace()).isEqualTo(webhook.getMetadata().getNamespace());
                assertThat(service.getPort()).isEqualTo(webhook.getSpec().getPorts().getFirst().getPort());
                assertThat(service.getPath()).isEqualTo("/webhooks/crd-convert");
            } else {
                assertThat(crd.getSpec().getConversion()).isNull();
            }
        }
        assertThat(patchable).isEqualTo(multiVersion);
    }

    @Test
    void everyManifestIsMadeOfValidObjects() throws IOException {
        for (Path file : List.of(CLUSTER, SINGLE, APIEXT)) {
            assertThat(load(file)).as(file.toString()).isNotEmpty();
        }
    }

    /** verbs by "group/resource", over the rules of the given roles. */
    private static Map<String, Set<String>> grants(List<PolicyRule> rules) {
        Map<String, Set<String>> grants = new TreeMap<>();
        for (PolicyRule rule : rules) {
            assertThat(rule.getResourceNames()).as("no resourceNames here").isNullOrEmpty();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    assertThat(resource).isNotEqualTo("*");
                    grants.computeIfAbsent(group + "/" + resource, k -> new TreeSet<>()).addAll(rule.getVerbs());
                }
            }
        }
        return grants;
    }

    /** What Legate needs: read every kind it compiles, patch the statuses it writes, hold its Lease. */
    private static Map<String, Set<String>> needed(boolean ingressClasses) throws IOException {
        Map<String, Set<String>> needed = new TreeMap<>();
        Set<String> read = Set.of("get", "list", "watch");
        for (CustomResourceDefinition crd : crds()) {
            needed.put("getambassador.io/" + crd.getSpec().getNames().getPlural(), read);
        }
        for (String kind : StatusReport.KINDS) {
            var context = StatusTargets.of(kind);
            needed.put(context.getGroup() + "/" + context.getPlural() + "/status", Set.of("patch"));
        }
        needed.put("/services", read);
        needed.put("/endpoints", read);
        needed.put("/secrets", read);
        needed.put("discovery.k8s.io/endpointslices", read);
        needed.put("networking.k8s.io/ingresses", read);
        if (ingressClasses) {
            needed.put("networking.k8s.io/ingressclasses", read);
        }
        return needed;
    }

    @Test
    void clusterWideRbacGrantsWhatLegateUsesAndNothingElse() throws IOException {
        List<HasMetadata> objects = load(CLUSTER);
        assertThat(grants(only(objects, ClusterRole.class).getRules())).isEqualTo(needed(true));
        Role lease = only(objects, Role.class);
        assertThat(lease.getMetadata().getNamespace()).isEqualTo("legate");
        assertThat(grants(lease.getRules())).isEqualTo(Map.of("coordination.k8s.io/leases",
                Set.of("get", "create", "update")));
        assertThat(env(only(objects, Deployment.class))).doesNotContainKey("AMBASSADOR_SINGLE_NAMESPACE");
    }

    @Test
    void singleNamespaceRbacStaysInTheNamespace() throws IOException {
        List<HasMetadata> objects = load(SINGLE);
        Map<String, Set<String>> namespaced = new TreeMap<>();
        for (Role role : all(objects, Role.class)) {
            assertThat(role.getMetadata().getNamespace()).isEqualTo("legate");
            grants(role.getRules()).forEach((k, v) -> namespaced.merge(k, v, (a, b) -> {
                Set<String> both = new TreeSet<>(a);
                both.addAll(b);
                return both;
            }));
        }
        Map<String, Set<String>> expected = needed(false);
        expected.put("coordination.k8s.io/leases", Set.of("get", "create", "update"));
        assertThat(namespaced).isEqualTo(expected);
        // Only IngressClasses (cluster-scoped) need a ClusterRole.
        assertThat(grants(only(objects, ClusterRole.class).getRules()))
                .isEqualTo(Map.of("networking.k8s.io/ingressclasses", Set.of("get", "list", "watch")));
        Map<String, String> env = env(only(objects, Deployment.class));
        env.put("AMBASSADOR_NAMESPACE", "legate"); // from the Pod's namespace (a fieldRef)
        assertThat(StatusSettings.fromEnvironment(env, Path.of("/nonexistent")).namespace()).contains("legate");
    }

    private static Map<String, String> env(Deployment deployment) {
        Map<String, String> env = new TreeMap<>();
        for (EnvVar var : deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv()) {
            env.put(var.getName(), var.getValue() == null ? "" : var.getValue());
        }
        return env;
    }

    @Test
    void probesPortsListenersAndTheGatewayServiceLineUp() throws IOException {
        for (Path file : List.of(CLUSTER, SINGLE)) {
            List<HasMetadata> objects = load(file);
            Deployment deployment = only(objects, Deployment.class);
            Container container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
            Map<String, Integer> ports = new TreeMap<>();
            for (ContainerPort port : container.getPorts()) {
                ports.put(port.getName(), port.getContainerPort());
            }
            assertThat(ports).containsEntry("admin", 8877).containsEntry("http", 8080).containsEntry("https", 8443);
            assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/ambassador/v0/check_alive");
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ambassador/v0/check_ready");
            assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("admin");
            assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(container.getArgs().getFirst()).isEqualTo("serve");
            assertThat(env(deployment)).containsKeys("AMBASSADOR_NAMESPACE", "POD_NAME");

            Service service = only(objects, Service.class);
            Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
            for (ServicePort port : service.getSpec().getPorts()) {
                assertThat(ports).containsKey(port.getTargetPort().getStrVal());
                assertThat(port.getTargetPort().getStrVal()).isNotEqualTo("admin");
            }
            // Legate finds this Service as its own (for Ingress status), by Emissary's rule.
            GatewayService.Labelled rule = new GatewayService.Labelled(deployment.getMetadata().getNamespace(),
                    Optional.of(podLabels));
            assertThat(rule.matches(service.getMetadata().getNamespace(), service.getMetadata().getLabels(),
                    service.getSpec().getSelector())).isTrue();

            // The default Listeners listen where the Service sends traffic.
            Set<Integer> listenerPorts = new TreeSet<>();
            for (GenericKubernetesResource listener : all(objects, GenericKubernetesResource.class)) {
                assertThat(listener.getKind()).isEqualTo("Listener");
                listenerPorts.add(((Number) ((Map<?, ?>) listener.getAdditionalProperties().get("spec")).get("port"))
                        .intValue());
            }
            assertThat(listenerPorts).containsExactly(ports.get("http"), ports.get("https"));
        }
    }

    /** The checks above can fail: a misspelt field, a wrong type and a missing required field are all caught. */
    @Test
    void theChecksCatchMistakes() throws IOException {
        List<String> problems = new ArrayList<>();
        for (ObjectNode doc : Manifests.documents("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                      - name: c
                        image: i
                        ports: [{containerPortt: 80}]
                """)) {
            Manifests.typed(doc, problems);
        }
        assertThat(problems).singleElement().asString().contains("containerPortt");

        List<String> listenerProblems = new ArrayList<>();
        JSONSchemaProps listener = Manifests.storageSchemas(crds()).get("Listener");
        Manifests.validate("Listener", TestCluster.yaml("{port: \"8080\", protocol: HTTP, hostBinding: {}}"),
                listener.getProperties().get("spec"), listenerProblems);
        assertThat(listenerProblems).anyMatch(p -> p.contains("port: expected integer"))
                .anyMatch(p -> p.contains("securityModel is required"));
    }

    /**
     * The container build (which cannot run here: no container engine) at least agrees with the manifests and the
     * build: the files it copies exist, it runs the jar legate-app builds, it exposes the Deployment's ports, and its
     * default command is the Deployment's.
     */
    @Test
    void theContainerfileAgreesWithTheBuildAndTheManifests() throws IOException {
        String containerfile = Files.readString(Path.of("../Containerfile"));
        for (String line : containerfile.lines().filter(l -> l.startsWith("COPY ") && !l.contains("--from"))
                .toList()) {
            String source = line.split("\\s+")[1];
            assertThat(Path.of("..", source)).as(line).exists();
        }
        assertThat(Files.readString(Path.of("../legate-app/pom.xml"))).contains("<finalName>legate-app</finalName>");
        assertThat(Files.readString(Path.of("../scripts/container-entrypoint.sh")))
                .contains("-jar /opt/legate/legate-app.jar");
        assertThat(containerfile).contains("cp legate-app/target/legate-app.jar /out/")
                .contains("cp -r legate-app/target/lib /out/lib");

        Deployment deployment = only(load(CLUSTER), Deployment.class);
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        String exposed = containerfile.lines().filter(l -> l.startsWith("EXPOSE ")).findFirst().orElseThrow();
        for (ContainerPort port : container.getPorts()) {
            assertThat(exposed).contains(String.valueOf(port.getContainerPort()));
        }
        String cmd = containerfile.lines().filter(l -> l.startsWith("CMD ")).findFirst().orElseThrow();
        List<String> defaultArgs = Manifests.JSON.readValue(cmd.substring(4),
                Manifests.JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        assertThat(defaultArgs).isEqualTo(container.getArgs());
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(containerfile).contains("USER 8888:8888");
        assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser()).isEqualTo(8888L);
    }
}
