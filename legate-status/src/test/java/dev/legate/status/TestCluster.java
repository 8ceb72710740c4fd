package dev.legate.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.CompileResult;
import dev.legate.compiler.Compiler;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.config.YamlDocuments;
import dev.legate.compiler.config.RawDocument;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The test objects, the project's CRDs, and a compile of the objects, for the status tests. */
final class TestCluster {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path CRDS = Path.of("../deploy/crds/legate-crds.yaml");
    private static final Compiler COMPILER = new Compiler(new CompileOptions("default", "default"));

    private TestCluster() {}

    static String resourcesYaml() {
        try (InputStream in = TestCluster.class.getResourceAsStream("/status/resources.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Installs the project's CRDs (deploy/crds/legate-crds.yaml) into the mock API server. */
    static void installCrds(KubernetesClient client) throws IOException {
        for (Object item : client.load(Files.newInputStream(CRDS)).items()) {
            CustomResourceDefinition crd = (CustomResourceDefinition) item;
            client.apiextensions().v1().customResourceDefinitions().resource(crd).createOr(op -> op.update());
        }
    }

    /** Creates every object of {@code yaml} in the mock API server. */
    static void create(KubernetesClient client, String yaml) {
        for (RawDocument doc : YamlDocuments.parse("test", yaml).documents()) {
            GenericKubernetesResource resource = Serialization.unmarshal(doc.tree().toString(),
                    GenericKubernetesResource.class);
            client.genericKubernetesResources(StatusTargets.of(resource.getKind()))
                    .inNamespace(resource.getMetadata().getNamespace()).resource(resource).create();
        }
    }

    static CompileResult compile(String yaml) {
        return COMPILER.compile(ResourceSnapshot.of(YamlDocuments.parse("test", yaml).documents()));
    }

    /** The object's {@code status}, as the API server holds it (null when it has none or does not exist). */
    static @Nullable JsonNode status(KubernetesClient client, String kind, String namespace, String name) {
        GenericKubernetesResource found = client.genericKubernetesResources(StatusTargets.of(kind))
                .inNamespace(namespace).withName(name).get();
        if (found == null || found.getAdditionalProperties().get("status") == null) {
            return null;
        }
        return JSON.valueToTree(found.getAdditionalProperties().get("status"));
    }

    static String resourceVersion(KubernetesClient client, String kind, String namespace, String name) {
        return client.genericKubernetesResources(StatusTargets.of(kind)).inNamespace(namespace).withName(name).get()
                .getMetadata().getResourceVersion();
    }

    static ObjectNode yaml(String text) {
        return (ObjectNode) YamlDocuments.parse("test", text).documents().getFirst().tree();
    }

    static List<RawDocument> documents(String yaml) {
        return YamlDocuments.parse("test", yaml).documents();
    }
}
