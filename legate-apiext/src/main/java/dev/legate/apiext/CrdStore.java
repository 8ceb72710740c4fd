package dev.legate.apiext;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionSpecBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The CRD informer's cache, keeping only what the patcher needs (name, labels, resourceVersion, group, version
 * names, conversion). CRDs carry their whole OpenAPI schema, often hundreds of kilobytes each, and a cluster may have
 * hundreds of them: the full objects are not kept.
 */
final class CrdStore implements ItemStore<CustomResourceDefinition> {

    private final Map<String, CustomResourceDefinition> items = new ConcurrentHashMap<>();

    @Override
    public String getKey(CustomResourceDefinition crd) {
        return crd.getMetadata().getName();
    }

    @Override
    public @Nullable CustomResourceDefinition put(String key, CustomResourceDefinition crd) {
        return items.put(key, trim(crd));
    }

    @Override
    public @Nullable CustomResourceDefinition remove(String key) {
        return items.remove(key);
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet().stream();
    }

    @Override
    public Stream<CustomResourceDefinition> values() {
        return items.values().stream();
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public @Nullable CustomResourceDefinition get(String key) {
        return items.get(key);
    }

    static CustomResourceDefinition trim(CustomResourceDefinition crd) {
        var metadata = crd.getMetadata();
        var spec = crd.getSpec();
        CustomResourceDefinitionSpecBuilder trimmedSpec = new CustomResourceDefinitionSpecBuilder();
        if (spec != null) {
            trimmedSpec.withGroup(spec.getGroup());
            if (ObjectConverter.GROUP.equals(spec.getGroup())) {
                List<io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion> versions =
                        spec.getVersions() == null ? List.of() : spec.getVersions().stream()
                                .map(v -> new CustomResourceDefinitionVersionBuilder().withName(v.getName())
                                        .withServed(v.getServed()).withStorage(v.getStorage()).build())
                                .toList();
                trimmedSpec.withVersions(versions).withConversion(spec.getConversion());
            }
        }
        return new CustomResourceDefinitionBuilder()
                .withApiVersion(crd.getApiVersion())
                .withKind(crd.getKind())
                .withMetadata(new ObjectMetaBuilder()
                        .withName(metadata.getName())
                        .withUid(metadata.getUid())
                        .withResourceVersion(metadata.getResourceVersion())
                        .withLabels(metadata.getLabels())
                        .withDeletionTimestamp(metadata.getDeletionTimestamp())
                        .build())
                .withSpec(trimmedSpec.build())
                .build();
    }
}
