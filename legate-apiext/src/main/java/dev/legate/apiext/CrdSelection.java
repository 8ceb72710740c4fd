package dev.legate.apiext;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which CRDs the webhook configures: those of group {@code getambassador.io} that define more than one version
 * (one version needs no conversion), optionally narrowed by a label selector and by name.
 *
 * @param labelSelector a Kubernetes label selector ({@code key=value,other in (a,b)}), or null for all
 * @param names CRD names ({@code mappings.getambassador.io}); empty for all
 */
record CrdSelection(@Nullable String labelSelector, Set<String> names) {

    CrdSelection {
        names = Set.copyOf(names);
        if (labelSelector != null && labelSelector.isBlank()) {
            labelSelector = null;
        }
    }

    static CrdSelection all() {
        return new CrdSelection(null, Set.of());
    }

    /** Whether {@code crd} (full or trimmed) should carry this webhook's conversion settings. */
    boolean matches(CustomResourceDefinition crd) {
        if (crd.getSpec() == null || crd.getMetadata() == null) {
            return false;
        }
        if (!ObjectConverter.GROUP.equals(crd.getSpec().getGroup())) {
            return false;
        }
        if (!names.isEmpty() && !names.contains(crd.getMetadata().getName())) {
            return false;
        }
        return crd.getSpec().getVersions() != null && crd.getSpec().getVersions().size() > 1;
    }

    String describe() {
        String what = "getambassador.io CRDs with more than one version";
        if (!names.isEmpty()) {
            what += " named " + String.join(", ", names.stream().sorted().toList());
        }
        if (labelSelector != null) {
            what += " labelled " + labelSelector;
        }
        return what;
    }
}
