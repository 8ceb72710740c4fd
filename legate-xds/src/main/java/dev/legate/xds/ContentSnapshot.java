package dev.legate.xds;

import com.google.protobuf.Any;
import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import io.envoyproxy.controlplane.cache.Snapshot;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A java-control-plane snapshot whose versions are content hashes, per type and per resource.
 *
 * <p>java-control-plane's own {@code v3.Snapshot} takes the type versions from the caller but derives per-resource
 * versions (used by delta xDS) from {@code Message.hashCode()}, which mixes in the identity hash of the message
 * descriptor: it changes with every JVM, so after a restart every delta client would be sent everything again. Here
 * a resource's version is the first 16 hex digits of the SHA-256 of its deterministic serialization (for a route
 * configuration: of its own fields and the SHA-256 of each chunk of its routes, see {@link RouteBytes}, so that an
 * edit hashes the chunks it changed rather than 20 MB), and a type's version the same over the name-sorted
 * resources' names and versions, NUL-separated (a hash of hashes). Either way a version is a function of the content
 * alone, the same in every process. The same bytes are sent on the wire (see {@link PackedSerializer}), so each
 * resource is serialized once per change, not once per client; route configurations are assembled from the bytes of
 * the routes that did not change (see {@link RouteBytes}), and a resource given as the very instance published
 * before is not serialized again.
 *
 * <p>Immutable. Resources of each type are kept in name order, which is the order of state-of-the-world responses.
 */
final class ContentSnapshot extends Snapshot {

    /** One resource with its wire form and version. */
    record Entry(String name, Message resource, ByteString bytes, String version, Any packed) {

        /** Serializes {@code resource}; reuses {@code previous} (same instance, same bytes) if nothing changed. */
        static Entry of(XdsType type, String name, Message resource, @Nullable Entry previous, RouteBytes routes) {
            ByteString bytes;
            String version;
            if (resource instanceof RouteConfiguration rc) {
                RouteBytes.Serialized s = routes.serialize(rc);
                bytes = s.bytes();
                version = hex16(s.digest());
                if (previous != null && previous.version.equals(version) && previous.bytes.size() == bytes.size()) {
                    return previous;
                }
            } else if (previous != null && previous.resource == resource) {
                // The very same (immutable) message: the same bytes. (A route configuration always goes through
                // RouteBytes, which must see every configuration of a publish to keep its chunks.)
                return previous;
            } else {
                bytes = serialize(resource);
                if (previous != null && previous.bytes.equals(bytes)) {
                    return previous;
                }
                version = hex16(digest(bytes));
            }
            Any packed = Any.newBuilder().setTypeUrl(type.typeUrl()).setValue(bytes).build();
            return new Entry(name, resource, bytes, version, packed);
        }
    }

    /** The resources of one type, by name, in name order. */
    record TypeSet(XdsType type, Map<String, Entry> entries, String version,
            Map<String, VersionedResource<?>> versioned, Map<String, Message> resources) {

        static TypeSet of(XdsType type, Collection<Entry> entries) {
            TreeMap<String, Entry> byName = new TreeMap<>();
            entries.forEach(e -> byName.put(e.name(), e));
            MessageDigest digest = sha256();
            Map<String, VersionedResource<?>> versioned = new LinkedHashMap<>();
            Map<String, Message> resources = new LinkedHashMap<>();
            for (Entry e : byName.values()) {
                digest.update(e.name().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(e.version().getBytes(StandardCharsets.US_ASCII));
                digest.update((byte) 0);
                versioned.put(e.name(), VersionedResource.create(e.resource(), e.version()));
                resources.put(e.name(), e.resource());
            }
            return new TypeSet(type, Collections.unmodifiableMap(new LinkedHashMap<>(byName)),
                    hex16(digest.digest()), Collections.unmodifiableMap(versioned),
                    Collections.unmodifiableMap(resources));
        }
    }

    private final EnumMap<XdsType, TypeSet> types;

    ContentSnapshot(Map<XdsType, TypeSet> types) {
        this.types = new EnumMap<>(types);
        for (XdsType type : XdsType.values()) {
            if (!this.types.containsKey(type)) {
                throw new IllegalArgumentException("types: " + types.keySet() + " (expected: all five types)");
            }
        }
    }

    /** Everything in {@code resources}, reusing the entries of {@code previous} whose bytes did not change. */
    static ContentSnapshot of(XdsResources resources, @Nullable ContentSnapshot previous) {
        return of(resources, previous, new RouteBytes());
    }

    /** Like {@link #of(XdsResources, ContentSnapshot)}, serializing route configurations with {@code routes}. */
    static ContentSnapshot of(XdsResources resources, @Nullable ContentSnapshot previous, RouteBytes routes) {
        EnumMap<XdsType, TypeSet> types = new EnumMap<>(XdsType.class);
        types.put(XdsType.SECRET, typeSet(XdsType.SECRET, resources.secrets(), previous, routes));
        types.put(XdsType.CLUSTER, typeSet(XdsType.CLUSTER, resources.clusters(), previous, routes));
        types.put(XdsType.ENDPOINT, typeSet(XdsType.ENDPOINT, resources.endpoints(), previous, routes));
        types.put(XdsType.ROUTE, typeSet(XdsType.ROUTE, resources.routes(), previous, routes));
        types.put(XdsType.LISTENER, typeSet(XdsType.LISTENER, resources.listeners(), previous, routes));
        return new ContentSnapshot(types);
    }

    private static TypeSet typeSet(XdsType type, List<? extends Message> resources,
            @Nullable ContentSnapshot previous, RouteBytes routes) {
        Map<String, Entry> prior = previous == null ? Map.of() : previous.set(type).entries();
        return TypeSet.of(type, resources.stream()
                .map(r -> {
                    String name = io.envoyproxy.controlplane.cache.Resources.getResourceName(r);
                    return Entry.of(type, name, r, prior.get(name), routes);
                })
                .toList());
    }

    TypeSet set(XdsType type) {
        return types.get(type);
    }

    /** A copy with one type replaced. */
    ContentSnapshot with(TypeSet set) {
        EnumMap<XdsType, TypeSet> copy = new EnumMap<>(types);
        copy.put(set.type(), set);
        return new ContentSnapshot(copy);
    }

    XdsVersions versions() {
        return new XdsVersions(set(XdsType.CLUSTER).version(), set(XdsType.ENDPOINT).version(),
                set(XdsType.LISTENER).version(), set(XdsType.ROUTE).version(), set(XdsType.SECRET).version());
    }

    /** The resources as given to {@link XdsServer#publish}, in name order. */
    XdsResources resources() {
        return new XdsResources(messages(XdsType.LISTENER), messages(XdsType.ROUTE), messages(XdsType.CLUSTER),
                messages(XdsType.ENDPOINT), messages(XdsType.SECRET));
    }

    @SuppressWarnings("unchecked")
    private <T extends Message> List<T> messages(XdsType type) {
        return set(type).entries().values().stream().map(e -> (T) e.resource()).toList();
    }

    @Override
    public String version(ResourceType resourceType, List<String> resourceNames) {
        // One version per type, whatever subset is asked for: a state-of-the-world client that asked for some names
        // is answered again whenever any resource of the type changes (as with java-control-plane's own snapshots).
        return set(XdsType.of(resourceType)).version();
    }

    @Override
    public Map<String, ? extends Message> resources(ResourceType resourceType) {
        return set(XdsType.of(resourceType)).resources();
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Map<String, VersionedResource<? extends Message>> versionedResources(ResourceType resourceType) {
        return (Map) set(XdsType.of(resourceType)).versioned();
    }

    static ByteString serialize(Message message) {
        byte[] out = new byte[message.getSerializedSize()];
        CodedOutputStream stream = CodedOutputStream.newInstance(out);
        stream.useDeterministicSerialization();
        try {
            message.writeTo(stream);
        } catch (IOException e) {
            throw new UncheckedIOException("serializing " + message.getDescriptorForType().getFullName(), e);
        }
        stream.checkNoSpaceLeft();
        return UnsafeByteOperations.unsafeWrap(out);
    }

    /**
     * The SHA-256 of {@code bytes}, read in place: a read-only {@code ByteBuffer} view would make the digest copy it
     * through a small buffer, which costs more than the hashing itself for a 20 MB route configuration.
     */
    static byte[] digest(ByteString bytes) {
        MessageDigest digest = sha256();
        try {
            UnsafeByteOperations.unsafeWriteTo(bytes, new ByteOutput() {
                @Override
                public void write(byte value) {
                    digest.update(value);
                }

                @Override
                public void write(byte[] value, int offset, int length) {
                    digest.update(value, offset, length);
                }

                @Override
                public void writeLazy(byte[] value, int offset, int length) {
                    digest.update(value, offset, length);
                }

                @Override
                public void write(java.nio.ByteBuffer value) {
                    digest.update(value);
                }

                @Override
                public void writeLazy(java.nio.ByteBuffer value) {
                    digest.update(value);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("digesting bytes in memory", e);
        }
        return digest.digest();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static String hex16(byte[] digest) {
        return HexFormat.of().formatHex(digest, 0, 8);
    }
}
