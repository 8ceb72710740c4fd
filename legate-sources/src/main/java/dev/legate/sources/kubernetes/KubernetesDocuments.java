package dev.legate.sources.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.legate.compiler.config.RawDocument;
import dev.legate.model.SourceLocation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Set;

/**
 * Turns a watched object into the document the compiler reads: the object as JSON, without what changes on every
 * write but means nothing to the configuration (resourceVersion, managedFields, status, kubectl's copy of the last
 * applied object). Dropping these keeps memory flat and lets a status-only update be recognized as no change.
 */
final class KubernetesDocuments {

    /** Groups whose kinds are named by kind alone in a document's origin; others add the group. */
    private static final Set<String> PLAIN_GROUPS = Set.of("", WatchedKinds.GETAMBASSADOR, "networking.k8s.io",
            "discovery.k8s.io");
    private static final Set<String> DROPPED_METADATA = Set.of("resourceVersion", "managedFields",
            "creationTimestamp", "selfLink");
    private static final String LAST_APPLIED = TrimmingItemStore.LAST_APPLIED;

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private KubernetesDocuments() {
    }

    /** {@code k8s:Kind/namespace/name} (cluster-scoped: {@code k8s:Kind/name}). */
    static String origin(WatchedKind kind, GenericKubernetesResource object) {
        String label = PLAIN_GROUPS.contains(kind.group()) ? kind.kind() : kind.kind() + "." + kind.group();
        String namespace = object.getMetadata() == null ? null : object.getMetadata().getNamespace();
        String name = object.getMetadata() == null ? "" : object.getMetadata().getName();
        return "k8s:" + label + "/" + (namespace == null || namespace.isEmpty() ? "" : namespace + "/") + name;
    }

    /**
     * The document of {@code object}. Its tree can be let go once compiled (see RawDocument#releaseTree) and is
     * converted again from the object, which the informer's store holds anyway and which is never modified after it
     * is stored.
     */
    static RawDocument document(WatchedKind kind, GenericKubernetesResource object) {
        return RawDocument.rebuildable(tree(kind, object), new SourceLocation(origin(kind, object), 0),
                () -> tree(kind, object));
    }

    private static ObjectNode tree(WatchedKind kind, GenericKubernetesResource object) {
        ObjectNode tree = MAPPER.valueToTree(object);
        tree.remove("status");
        if (!tree.hasNonNull("apiVersion")) {
            tree.put("apiVersion", kind.apiVersion());
        }
        if (!tree.hasNonNull("kind")) {
            tree.put("kind", kind.kind());
        }
        if (tree.get("metadata") instanceof ObjectNode metadata) {
            metadata.remove(DROPPED_METADATA);
            if (metadata.get("annotations") instanceof ObjectNode annotations) {
                annotations.remove(LAST_APPLIED);
                if (annotations.isEmpty()) {
                    metadata.remove("annotations");
                }
            }
        }
        return tree;
    }

    /** True when the two documents say the same thing to the compiler. */
    static boolean sameContent(RawDocument a, RawDocument b) {
        JsonNode x = a.tree();
        JsonNode y = b.tree();
        return x.equals(y);
    }
}
