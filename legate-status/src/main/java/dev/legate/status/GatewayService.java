package dev.legate.status;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which Service is the gateway's own, whose {@code status.loadBalancer} Ingresses get.
 *
 * <p>Emissary's rule, kept: a Service in Legate's namespace labelled
 * {@code app.kubernetes.io/component: ambassador-service} whose selector matches this Pod's labels (read from the
 * downward-API file {@code /tmp/ambassador-pod-info/labels}, as Emissary's chart mounts it). When the Pod's labels
 * are unknown, any Service so labelled in the namespace qualifies (the first by name). A Service can also be named
 * outright ({@code LEGATE_GATEWAY_SERVICE=name} or {@code namespace/name}).
 */
public sealed interface GatewayService {

    String COMPONENT_LABEL = "app.kubernetes.io/component";
    String COMPONENT_VALUE = "ambassador-service";
    Path EMISSARY_POD_LABELS = Path.of("/tmp/ambassador-pod-info/labels");

    String namespace();

    /** A Service named outright. */
    record Named(String namespace, String name) implements GatewayService {
        public Named {
            requireNonNull(namespace, "namespace");
            requireNonNull(name, "name");
        }
    }

    /**
     * Emissary's rule.
     *
     * @param podLabels this Pod's labels, when known
     */
    record Labelled(String namespace, Optional<Map<String, String>> podLabels) implements GatewayService {
        public Labelled {
            requireNonNull(namespace, "namespace");
            podLabels = podLabels.map(labels -> java.util.Collections.unmodifiableMap(new TreeMap<>(labels)));
        }

        /** Whether a Service with these labels and selector in {@code namespace} is the gateway's. */
        public boolean matches(String serviceNamespace, Map<String, String> labels, Map<String, String> selector) {
            if (!serviceNamespace.equals(namespace)
                    || !COMPONENT_VALUE.equalsIgnoreCase(labels.getOrDefault(COMPONENT_LABEL, ""))) {
                return false;
            }
            if (podLabels.isEmpty()) {
                return true;
            }
            if (selector.isEmpty()) {
                return false;
            }
            return selector.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(podLabels.get().get(e.getKey())));
        }
    }

    /** From {@code LEGATE_GATEWAY_SERVICE}, else Emissary's rule in {@code AMBASSADOR_NAMESPACE}. */
    static GatewayService fromEnvironment(Map<String, String> env, Path podLabelsFile) {
        String namespace = Optional.ofNullable(env.get("AMBASSADOR_NAMESPACE")).filter(s -> !s.isBlank())
                .map(String::strip).orElse("default");
        String named = env.get("LEGATE_GATEWAY_SERVICE");
        if (named != null && !named.isBlank()) {
            String[] parts = named.strip().split("/", 2);
            return parts.length == 2 ? new Named(parts[0], parts[1]) : new Named(namespace, parts[0]);
        }
        return new Labelled(namespace, PodLabels.read(podLabelsFile));
    }
}
