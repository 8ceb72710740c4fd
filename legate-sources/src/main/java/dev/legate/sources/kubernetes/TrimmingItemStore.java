package dev.legate.sources.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An informer's store that keeps each object without what Legate never reads: {@code metadata.managedFields}
 * (server-side apply's bookkeeping, often larger than the object itself), kubectl's copy of the last applied object
 * ({@code kubectl.kubernetes.io/last-applied-configuration}, the whole object again as one string) and
 * {@code status} (the status writer reads objects through its own informer and the API, never from here). At 10,000
 * Mappings applied with kubectl these are most of an informer's memory.
 *
 * <p>The object is trimmed in place before it is stored, so the instance stored is the one the informer hands to its
 * event handlers. {@code resourceVersion} is kept: the informer compares it to skip updates that change nothing.
 */
final class TrimmingItemStore extends BasicItemStore<GenericKubernetesResource> {

    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    TrimmingItemStore() {
        super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public GenericKubernetesResource put(String key, GenericKubernetesResource object) {
        return super.put(key, trim(object));
    }

    /** {@code object} without managed fields, the last-applied annotation and status; the same instance. */
    static GenericKubernetesResource trim(GenericKubernetesResource object) {
        ObjectMeta metadata = object.getMetadata();
        if (metadata != null) {
            metadata.setManagedFields(null);
            Map<String, String> annotations = metadata.getAnnotations();
            if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
                Map<String, String> kept = new LinkedHashMap<>(annotations);
                kept.remove(LAST_APPLIED);
                metadata.setAnnotations(kept);
            }
        }
        object.getAdditionalProperties().remove("status");
        return object;
    }
}
