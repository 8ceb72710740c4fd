package dev.legate.status;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;

/** Where each kind's objects live in the API: the group, version and plural used to read and patch them. */
final class StatusTargets {

    private StatusTargets() {}

    private static final Map<String, ResourceDefinitionContext> CONTEXTS = Map.of(
            "Mapping", ambassador("Mapping", "mappings"),
            "TCPMapping", ambassador("TCPMapping", "tcpmappings"),
            "Host", ambassador("Host", "hosts"),
            "Listener", ambassador("Listener", "listeners"),
            "Ingress", new ResourceDefinitionContext.Builder().withGroup("networking.k8s.io").withVersion("v1")
                    .withKind("Ingress").withPlural("ingresses").withNamespaced(true).build());

    /**
     * getambassador.io objects are read and written as v3alpha1, whatever version they were applied in: the API
     * server converts (through the conversion webhook when the CRDs also serve v1/v2).
     */
    private static ResourceDefinitionContext ambassador(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup("getambassador.io").withVersion("v3alpha1")
                .withKind(kind).withPlural(plural).withNamespaced(true).build();
    }

    static ResourceDefinitionContext of(String kind) {
        ResourceDefinitionContext context = CONTEXTS.get(kind);
        if (context == null) {
            throw new IllegalArgumentException("kind: " + kind + " (expected one of " + CONTEXTS.keySet() + ")");
        }
        return context;
    }
}
