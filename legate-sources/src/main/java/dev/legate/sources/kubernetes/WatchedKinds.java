package dev.legate.sources.kubernetes;

import dev.legate.sources.kubernetes.WatchedKind.Importance;
import dev.legate.sources.kubernetes.WatchedKind.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kinds Legate watches, as Emissary's watcher chooses them (cmd/entrypoint/interesting_types.go), with two
 * differences: only Secrets of type {@code kubernetes.io/tls} are watched (Emissary lists every Secret in the
 * cluster), and EndpointSlices are watched besides Endpoints.
 */
public final class WatchedKinds {

    public static final String GETAMBASSADOR = "getambassador.io";

    /** The getambassador.io kinds with their plurals, in Emissary's order of preference of versions. */
    public static final List<String> AMBASSADOR_KINDS = List.of("AuthService", "ConsulResolver", "DevPortal", "Host",
            "KubernetesEndpointResolver", "KubernetesServiceResolver", "Listener", "LogService", "Mapping", "Module",
            "RateLimitService", "TCPMapping", "TLSContext", "TracingService");

    /** Served versions, most preferred first: a kind is watched in exactly one (the API server converts). */
    public static final List<String> AMBASSADOR_VERSIONS = List.of("v3alpha1", "v2", "v1");

    private WatchedKinds() {
    }

    public static String plural(String kind) {
        return kind.toLowerCase(java.util.Locale.ROOT) + "s";
    }

    /** A getambassador.io kind in its preferred version (before discovery says otherwise). */
    public static WatchedKind ambassador(String kind) {
        return new WatchedKind(GETAMBASSADOR, AMBASSADOR_VERSIONS.getFirst(), kind, plural(kind), Scope.NAMESPACED,
                Optional.empty(), Importance.EXPECTED);
    }

    /** The Kubernetes kinds, in a fixed order. */
    public static List<WatchedKind> kubernetes(KubernetesSettings settings) {
        List<WatchedKind> kinds = new ArrayList<>();
        kinds.add(new WatchedKind("", "v1", "Service", "services", Scope.NAMESPACED, Optional.empty(),
                Importance.EXPECTED));
        kinds.add(new WatchedKind("", "v1", "Endpoints", "endpoints", Scope.NAMESPACED,
                Optional.of("metadata.namespace!=kube-system"), Importance.EXPECTED));
        kinds.add(new WatchedKind("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", Scope.NAMESPACED,
                Optional.of("metadata.namespace!=kube-system"), Importance.OPTIONAL));
        kinds.add(new WatchedKind("", "v1", "Secret", "secrets", Scope.NAMESPACED,
                Optional.of("type=kubernetes.io/tls"), Importance.EXPECTED));
        kinds.add(new WatchedKind("networking.k8s.io", "v1", "Ingress", "ingresses", Scope.NAMESPACED,
                Optional.empty(), Importance.OPTIONAL));
        if (settings.namespaceScope() == KubernetesSettings.NamespaceScope.ALL) {
            // Cluster-scoped: Emissary does not watch IngressClasses in single-namespace mode (no RBAC for them).
            kinds.add(new WatchedKind("networking.k8s.io", "v1", "IngressClass", "ingressclasses", Scope.CLUSTER,
                    Optional.empty(), Importance.OPTIONAL));
        }
        if (settings.knative() == KubernetesSettings.Knative.ENABLED) {
            kinds.add(new WatchedKind("networking.internal.knative.dev", "v1alpha1", "Ingress", "ingresses",
                    Scope.NAMESPACED, Optional.empty(), Importance.EXPECTED));
        }
        return kinds;
    }
}
