package dev.legate.sources.kubernetes;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Installs getambassador.io CRDs in a mock API server, as a cluster admin would. */
public final class Crds {

    private Crds() {
    }

    public static CustomResourceDefinition crd(String kind, String version) {
        String plural = WatchedKinds.plural(kind);
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(plural + "." + WatchedKinds.GETAMBASSADOR).endMetadata()
                .withNewSpec()
                .withGroup(WatchedKinds.GETAMBASSADOR)
                .withScope("Namespaced")
                .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase())
                .withListKind(kind + "List").endNames()
                .addNewVersion().withName(version).withServed(true).withStorage(true)
                .withNewSchema().withNewOpenAPIV3Schema().withType("object")
                .withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
                .withNewSubresources().withNewStatus().endStatus().endSubresources()
                .endVersion()
                .endSpec()
                .build();
    }

    public static void install(KubernetesClient client, String version, String... kinds) {
        for (String kind : kinds) {
            client.apiextensions().v1().customResourceDefinitions().resource(crd(kind, version)).create();
        }
    }

    public static void installAll(KubernetesClient client) {
        install(client, "v3alpha1", WatchedKinds.AMBASSADOR_KINDS.toArray(String[]::new));
    }
}
