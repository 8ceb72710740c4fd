package dev.legate.xds;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import java.util.Optional;

/**
 * The five xDS resource types Legate serves, with their v3 type URLs. Declared in make-before-break order: a type
 * may only refer to types declared before it (listeners name route configurations, routes name clusters, clusters
 * and listeners name secrets), which is the order in which {@link XdsServer#publish} adds resources.
 */
public enum XdsType {
    SECRET(Resources.V3.SECRET_TYPE_URL, ResourceType.SECRET),
    CLUSTER(Resources.V3.CLUSTER_TYPE_URL, ResourceType.CLUSTER),
    ENDPOINT(Resources.V3.ENDPOINT_TYPE_URL, ResourceType.ENDPOINT),
    ROUTE(Resources.V3.ROUTE_TYPE_URL, ResourceType.ROUTE),
    LISTENER(Resources.V3.LISTENER_TYPE_URL, ResourceType.LISTENER);

    private final String typeUrl;
    private final ResourceType resourceType;

    XdsType(String typeUrl, ResourceType resourceType) {
        this.typeUrl = typeUrl;
        this.resourceType = resourceType;
    }

    /** The v3 type URL, e.g. {@code type.googleapis.com/envoy.config.cluster.v3.Cluster}. */
    public String typeUrl() {
        return typeUrl;
    }

    ResourceType resourceType() {
        return resourceType;
    }

    /** The type with this type URL; empty for anything else (v2 URLs included: Legate serves v3 only). */
    public static Optional<XdsType> ofTypeUrl(String typeUrl) {
        for (XdsType type : values()) {
            if (type.typeUrl.equals(typeUrl)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    static XdsType of(ResourceType resourceType) {
        for (XdsType type : values()) {
            if (type.resourceType == resourceType) {
                return type;
            }
        }
        throw new IllegalArgumentException("resourceType: " + resourceType + " (expected: one of the five v3 types)");
    }
}
