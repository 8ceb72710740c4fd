package dev.legate.sources.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.compiler.config.RawDocument;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the Kubernetes source keeps of each watched object, and that its documents rebuild equal. */
final class TrimmingItemStoreTest {

    private static GenericKubernetesResource mapping() {
        GenericKubernetesResource m = new GenericKubernetesResourceBuilder()
                .withApiVersion("getambassador.io/v3alpha1").withKind("Mapping")
                .withNewMetadata().withName("m").withNamespace("default").withResourceVersion("42")
                .withAnnotations(Map.of(TrimmingItemStore.LAST_APPLIED, "{\"a very\": \"long copy\"}",
                        "team", "payments"))
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").withOperation("Apply")
                        .build())
                .endMetadata().build();
        m.setAdditionalProperty("spec", Map.of("prefix", "/m/", "service", "m"));
        m.setAdditionalProperty("status", Map.of("state", "Running"));
        return m;
    }

    @Test
    void theStoreKeepsTheSameInstanceWithoutWhatLegateNeverReads() {
        TrimmingItemStore store = new TrimmingItemStore();
        GenericKubernetesResource m = mapping();
        store.put(store.getKey(m), m);
        GenericKubernetesResource kept = store.get("default/m");
        assertThat(kept).as("trimmed in place: the informer hands this very instance to its handlers").isSameAs(m);
        assertThat(kept.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(kept.getMetadata().getAnnotations()).containsExactly(Map.entry("team", "payments"));
        assertThat(kept.getMetadata().getResourceVersion()).as("the informer compares it").isEqualTo("42");
        assertThat(kept.getAdditionalProperties()).containsOnlyKeys("spec");
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void theDocumentIsTheSameWhetherTheObjectWasTrimmedOrNotAndRebuildsEqual() {
        WatchedKind kind = WatchedKinds.ambassador("Mapping");
        RawDocument untrimmed = KubernetesDocuments.document(kind, mapping());
        RawDocument trimmed = KubernetesDocuments.document(kind, TrimmingItemStore.trim(mapping()));
        assertThat(trimmed.tree()).isEqualTo(untrimmed.tree());
        assertThat(trimmed.tree().path("metadata").path("annotations").path("team").asText()).isEqualTo("payments");

        var before = trimmed.tree().deepCopy();
        assertThat(trimmed.isRebuildable()).isTrue();
        trimmed.releaseTree();
        assertThat(trimmed.holdsTree()).isFalse();
        assertThat(trimmed.tree()).isEqualTo(before);
        assertThat(trimmed.kind()).isEqualTo("Mapping");
        assertThat(KubernetesDocuments.sameContent(trimmed, untrimmed)).isTrue();
        assertThat(List.of(trimmed.apiVersion())).containsExactly("getambassador.io/v3alpha1");
    }
}
