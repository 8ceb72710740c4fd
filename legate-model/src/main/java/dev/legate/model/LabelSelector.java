package dev.legate.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A Kubernetes label selector. Emissary matches on {@code matchLabels}: every label must be present and equal. */
public record LabelSelector(@JsonProperty("matchLabels") @Nullable Map<String, String> matchLabels,
        @JsonProperty("matchExpressions") @Nullable List<Map<String, Object>> matchExpressions) {

    /** True when the selector has no labels to match (which matches everything) or when all labels match. */
    public boolean matches(Map<String, String> labels) {
        if (matchLabels == null || matchLabels.isEmpty()) {
            return true;
        }
        for (Map.Entry<String, String> wanted : matchLabels.entrySet()) {
            if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
                return false;
            }
        }
        return true;
    }

    public boolean isEmpty() {
        return matchLabels == null || matchLabels.isEmpty();
    }
}
