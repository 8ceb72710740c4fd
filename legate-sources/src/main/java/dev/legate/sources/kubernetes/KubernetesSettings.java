package dev.legate.sources.kubernetes;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the Kubernetes source watches, from the environment variables Emissary's users already set.
 *
 * @param namespaceScope {@link NamespaceScope#SINGLE} with {@code AMBASSADOR_SINGLE_NAMESPACE}: watch only
 *     {@code ambassadorNamespace}
 * @param ambassadorNamespace {@code AMBASSADOR_NAMESPACE} (default {@code default})
 * @param labelSelector {@code AMBASSADOR_LABEL_SELECTOR}, applied to every watch
 * @param fieldSelector {@code AMBASSADOR_FIELD_SELECTOR}, added to every watch's own field selector
 * @param knative {@code AMBASSADOR_KNATIVE_SUPPORT=true}: also watch Knative Ingresses
 * @param initialSyncTimeout how long start-up waits for the first list of every kind before compiling anyway
 */
public record KubernetesSettings(NamespaceScope namespaceScope, String ambassadorNamespace,
        Optional<String> labelSelector, Optional<String> fieldSelector, Knative knative,
        Duration initialSyncTimeout) {

    /** Which namespaces are watched. */
    public enum NamespaceScope {
        ALL, SINGLE
    }

    /** Whether Knative's Ingresses are watched. */
    public enum Knative {
        DISABLED, ENABLED
    }

    public static final Duration DEFAULT_INITIAL_SYNC_TIMEOUT = Duration.ofSeconds(60);

    public KubernetesSettings {
        requireNonNull(namespaceScope, "namespaceScope");
        requireNonNull(ambassadorNamespace, "ambassadorNamespace");
        requireNonNull(labelSelector, "labelSelector");
        requireNonNull(fieldSelector, "fieldSelector");
        requireNonNull(knative, "knative");
        requireNonNull(initialSyncTimeout, "initialSyncTimeout");
        if (ambassadorNamespace.isBlank()) {
            throw new IllegalArgumentException("ambassadorNamespace: must not be blank");
        }
        labelSelector = labelSelector.map(String::strip).filter(s -> !s.isEmpty());
        fieldSelector = fieldSelector.map(String::strip).filter(s -> !s.isEmpty());
        // Fail at start-up, not on the first watch.
        fieldSelector.ifPresent(FieldSelector::parse);
    }

    /** Everything in every namespace, no selectors, no Knative. */
    public static KubernetesSettings allNamespaces(String ambassadorNamespace) {
        return new KubernetesSettings(NamespaceScope.ALL, ambassadorNamespace, Optional.empty(), Optional.empty(),
                Knative.DISABLED, DEFAULT_INITIAL_SYNC_TIMEOUT);
    }

    /**
     * Reads AMBASSADOR_SINGLE_NAMESPACE, AMBASSADOR_NAMESPACE, AMBASSADOR_LABEL_SELECTOR, AMBASSADOR_FIELD_SELECTOR
     * and AMBASSADOR_KNATIVE_SUPPORT as Emissary does: AMBASSADOR_SINGLE_NAMESPACE counts as set when it is
     * non-empty; Knative support only with the value {@code true} (any case).
     */
    public static KubernetesSettings fromEnvironment(Map<String, String> env) {
        String ns = env.getOrDefault("AMBASSADOR_NAMESPACE", "");
        return new KubernetesSettings(
                env.getOrDefault("AMBASSADOR_SINGLE_NAMESPACE", "").isEmpty() ? NamespaceScope.ALL
                        : NamespaceScope.SINGLE,
                ns.isBlank() ? "default" : ns.strip(),
                Optional.ofNullable(env.get("AMBASSADOR_LABEL_SELECTOR")),
                Optional.ofNullable(env.get("AMBASSADOR_FIELD_SELECTOR")),
                env.getOrDefault("AMBASSADOR_KNATIVE_SUPPORT", "").toLowerCase(Locale.ROOT).equals("true")
                        ? Knative.ENABLED : Knative.DISABLED,
                DEFAULT_INITIAL_SYNC_TIMEOUT);
    }

    public KubernetesSettings withInitialSyncTimeout(Duration timeout) {
        return new KubernetesSettings(namespaceScope, ambassadorNamespace, labelSelector, fieldSelector, knative,
                timeout);
    }

    /** The one namespace watched, or empty for all. */
    public Optional<String> watchedNamespace() {
        return namespaceScope == NamespaceScope.SINGLE ? Optional.of(ambassadorNamespace) : Optional.empty();
    }
}
