package dev.legate.model.convert;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The kinds and apiVersions this package converts. */
final class Kinds {

    private Kinds() {}

    static final String V1 = "getambassador.io/v1";
    static final String V2 = "getambassador.io/v2";
    static final String V3ALPHA1 = "getambassador.io/v3alpha1";

    static final String MAPPING = "Mapping";
    static final String TCP_MAPPING = "TCPMapping";
    static final String HOST = "Host";
    static final String TLS_CONTEXT = "TLSContext";
    static final String MODULE = "Module";
    static final String AUTH_SERVICE = "AuthService";
    static final String RATE_LIMIT_SERVICE = "RateLimitService";
    static final String LOG_SERVICE = "LogService";
    static final String TRACING_SERVICE = "TracingService";
    static final String KUBERNETES_SERVICE_RESOLVER = "KubernetesServiceResolver";
    static final String KUBERNETES_ENDPOINT_RESOLVER = "KubernetesEndpointResolver";
    static final String CONSUL_RESOLVER = "ConsulResolver";
    static final String DEV_PORTAL = "DevPortal";
    /** Exists only in v3alpha1. */
    static final String LISTENER = "Listener";

    /** The kinds that exist in v2 (and, except Host, in v1) and convert to v3alpha1. */
    static final Set<String> CONVERTIBLE = Set.of(MAPPING, TCP_MAPPING, HOST, TLS_CONTEXT, MODULE, AUTH_SERVICE,
            RATE_LIMIT_SERVICE, LOG_SERVICE, TRACING_SERVICE, KUBERNETES_SERVICE_RESOLVER,
            KUBERNETES_ENDPOINT_RESOLVER, CONSUL_RESOLVER, DEV_PORTAL);

    /** Spec fields Emissary's CRDs mark required, per kind (kinds not listed have none). */
    static final Map<String, List<String>> REQUIRED = Map.of(
            MAPPING, List.of("prefix", "service"),
            TCP_MAPPING, List.of("port", "service"),
            AUTH_SERVICE, List.of("auth_service"),
            RATE_LIMIT_SERVICE, List.of("service"),
            TRACING_SERVICE, List.of("driver", "service"));

    static String versionName(String apiVersion) {
        return apiVersion.substring(apiVersion.indexOf('/') + 1);
    }
}
