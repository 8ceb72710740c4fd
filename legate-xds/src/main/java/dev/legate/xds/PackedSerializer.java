package dev.legate.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Resources.ApiVersion;
import io.envoyproxy.controlplane.server.serializer.ProtoResourcesSerializer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Hands java-control-plane the {@link Any} each resource was hashed from, so a resource is serialized once per
 * change instead of once per client and response (a hundred Envoys, a hundred serializations of the same route
 * table otherwise). Looks the resource up by type and name in the live snapshots and uses the entry only if it is
 * the very same instance; anything else (a snapshot already replaced) falls back to {@link Any#pack(Message)}.
 *
 * <p>Thread-safe: the live snapshots are immutable and published through a volatile field.
 */
final class PackedSerializer implements ProtoResourcesSerializer {

    private volatile List<ContentSnapshot> live = List.of();

    /**
     * Keeps the wire forms of {@code current} and {@code previous} (responses may still be built from it while a
     * publish is under way; once it is done, the server keeps only the current one).
     */
    void retain(ContentSnapshot current, @Nullable ContentSnapshot previous) {
        live = previous == null ? List.of(current) : List.of(current, previous);
    }

    @Override
    public Any serialize(Message resource, ApiVersion apiVersion) {
        XdsType type = typeOf(resource);
        if (type != null) {
            String name = Resources.getResourceName(resource);
            for (ContentSnapshot snapshot : live) {
                ContentSnapshot.Entry entry = snapshot.set(type).entries().get(name);
                if (entry != null && entry.resource() == resource) {
                    return entry.packed();
                }
            }
        }
        return Any.pack(resource);
    }

    private static @Nullable XdsType typeOf(Message resource) {
        if (resource instanceof Cluster) {
            return XdsType.CLUSTER;
        } else if (resource instanceof ClusterLoadAssignment) {
            return XdsType.ENDPOINT;
        } else if (resource instanceof Listener) {
            return XdsType.LISTENER;
        } else if (resource instanceof RouteConfiguration) {
            return XdsType.ROUTE;
        } else if (resource instanceof Secret) {
            return XdsType.SECRET;
        }
        return null;
    }
}
