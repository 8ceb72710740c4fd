package dev.legate.xds;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The deterministic serialization of route configurations, its content hash and the clusters its routes name, made
 * from what the previous publishes made of the very same {@link Route} instances.
 *
 * <p>One route configuration holds every route of a listener's filter chain: at 10,000 Mappings four of them hold
 * about 100,000 routes and 21 MB, of which an edit changes a handful. The compiler hands out the very same {@code Route} instance for
 * a route whose input did not change. Each virtual host's routes are cut into <em>chunks</em> of consecutive routes
 * (about {@link #TARGET_CHUNK} each); a chunk holds its routes' wire form (each route as the length-delimited element
 * of {@code VirtualHost.routes}), its SHA-256 and the clusters its routes name. A publish looks each run of routes up
 * by instance: a chunk whose routes are the same instances is used as it is, and only the chunks around a changed
 * route are made again (copying the bytes of their unchanged routes, serializing the new ones). The configuration's
 * bytes are then a rope of the chunks' bytes and the messages' own fields (no copy of the whole), its hash a hash of
 * the chunks' hashes, and the consistency check reads the clusters of the chunks instead of every route: an edit costs
 * work in proportion to the number of chunks (a few hundred pointer comparisons per chunk), not to the bytes.
 *
 * <p>The bytes equal {@code ContentSnapshot.serialize(configuration)} exactly: protobuf writes the known fields of a
 * message in field-number order, so a message is its fields before the repeated field, then each element as a
 * length-delimited record, then its fields after it. {@code RouteBytesTest} checks the equality.
 *
 * <p>The hash does not depend on which instances were reused: where a chunk ends is decided by the content of its
 * routes (a route whose bytes hash to a multiple of {@link #TARGET_CHUNK} ends one, and none is longer than
 * {@link #MAX_CHUNK}), so equal configurations are cut alike and hash alike in any process, whatever happened
 * before. A chunk found by instance covers the same routes the cut would give, since it was cut by the same rule
 * from the same routes.
 *
 * <p>Memory: a route's remembered bytes are a view into the array of the chunk it was last copied into; chunks and
 * routes that no configuration of the last publish used are forgotten by {@link #nextGeneration()} (counted per
 * route, so the cost is in proportion to what changed).
 *
 * <p>Not thread-safe: the server uses it under its publish lock.
 */
final class RouteBytes {

    /** The average number of routes per chunk. A power of two. */
    static final int TARGET_CHUNK = 64;
    /** The most routes in one chunk. */
    static final int MAX_CHUNK = 4 * TARGET_CHUNK;

    private static final int HOSTS_TAG = tag(RouteConfiguration.VIRTUAL_HOSTS_FIELD_NUMBER);
    private static final int ROUTES_TAG = tag(VirtualHost.ROUTES_FIELD_NUMBER);

    /** What a route configuration became. */
    record Serialized(ByteString bytes, byte[] digest, Collection<String> clusters) {
    }

    /** One route as an element of {@code VirtualHost.routes} (tag, length, bytes), and in how many live chunks. */
    private static final class Known {
        ByteString element;
        final boolean endsChunk;
        int liveChunks;

        Known(ByteString element, boolean endsChunk) {
            this.element = element;
            this.endsChunk = endsChunk;
        }
    }

    /** Consecutive routes of a virtual host, their elements' bytes, hash and clusters. */
    private static final class Chunk {
        final Route[] routes;
        final ByteString bytes;
        final byte[] digest;
        final String[] clusters;
        /** Whether the chunk ends where the cut rule ends one (else at the end of its virtual host). */
        final boolean cut;

        Chunk(Route[] routes, ByteString bytes, byte[] digest, String[] clusters, boolean cut) {
            this.routes = routes;
            this.bytes = bytes;
            this.digest = digest;
            this.clusters = clusters;
            this.cut = cut;
        }

        /** Whether {@code routes} from {@code start} are this chunk's routes, and the chunk ends where it must. */
        boolean matches(List<Route> list, int start) {
            int end = start + routes.length;
            if (end > list.size() || (!cut && end != list.size())) {
                return false;
            }
            for (int i = 0; i < routes.length; i++) {
                if (list.get(start + i) != routes[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Every route of a live chunk, and routes serialized since the last generation. */
    private final IdentityHashMap<Route, Known> known = new IdentityHashMap<>();
    /**
     * Live chunks by their first route. Usually one per route; more where virtual hosts begin alike and then differ
     * (the routes every Host takes come first in each), so that each keeps its own.
     */
    private final IdentityHashMap<Route, List<Chunk>> chunksByFirst = new IdentityHashMap<>();
    /** Chunks used by the last generation, and by this one so far. */
    private Set<Chunk> usedBefore = Collections.newSetFromMap(new IdentityHashMap<>());
    private Set<Chunk> used = Collections.newSetFromMap(new IdentityHashMap<>());
    /** What this generation made of each configuration, for {@link #clusters}. */
    private final IdentityHashMap<RouteConfiguration, Serialized> serialized = new IdentityHashMap<>();
    private long reused;
    private long serializedRoutes;
    private long chunksMade;

    /** The deterministic serialization of {@code configuration}. */
    ByteString bytes(RouteConfiguration configuration) {
        return serialize(configuration).bytes();
    }

    /** The deterministic serialization of {@code configuration}, its content hash and the clusters it names. */
    Serialized serialize(RouteConfiguration configuration) {
        Serialized done = serialized.get(configuration);
        if (done != null) {
            return done;
        }
        Split config = Split.of(ContentSnapshot.serialize(configuration.toBuilder().clearVirtualHosts().build()),
                RouteConfiguration.VIRTUAL_HOSTS_FIELD_NUMBER);
        MessageDigest digest = ContentSnapshot.sha256();
        List<ByteString> pieces = new ArrayList<>();
        Set<String> clusters = new LinkedHashSet<>();
        pieces.add(config.before());
        update(digest, config.shell);
        digest.update(intBytes(configuration.getVirtualHostsCount()));
        List<Chunk> chunks = new ArrayList<>();
        for (VirtualHost host : configuration.getVirtualHostsList()) {
            Split shell = Split.of(ContentSnapshot.serialize(host.toBuilder().clearRoutes().build()),
                    VirtualHost.ROUTES_FIELD_NUMBER);
            chunks.clear();
            List<Route> routes = host.getRoutesList();
            long hostSize = shell.shell.size();
            for (int i = 0; i < routes.size(); ) {
                Chunk chunk = chunkAt(routes, i);
                chunks.add(chunk);
                hostSize += chunk.bytes.size();
                i += chunk.routes.length;
            }
            if (hostSize > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("a virtual host of " + hostSize + " bytes is beyond protobuf's 2 GB");
            }
            pieces.add(lengthPrefix(HOSTS_TAG, (int) hostSize));
            pieces.add(shell.before());
            update(digest, shell.shell);
            digest.update(intBytes(chunks.size()));
            for (Chunk chunk : chunks) {
                pieces.add(chunk.bytes);
                digest.update(chunk.digest);
                Collections.addAll(clusters, chunk.clusters);
            }
            pieces.add(shell.after());
        }
        pieces.add(config.after());
        ByteString bytes = ByteString.copyFrom(pieces);
        Serialized result = new Serialized(bytes, digest.digest(), Collections.unmodifiableSet(clusters));
        serialized.put(configuration, result);
        return result;
    }

    /**
     * The clusters named by the routes of {@code configuration} (route actions, weighted clusters, mirrors) if it was
     * serialized in this generation; null otherwise.
     */
    @Nullable Collection<String> clusters(RouteConfiguration configuration) {
        Serialized done = serialized.get(configuration);
        return done == null ? null : done.clusters();
    }

    /** The chunk that starts at {@code routes[start]}: a live one with the same route instances, or a new one. */
    private Chunk chunkAt(List<Route> routes, int start) {
        List<Chunk> candidates = chunksByFirst.computeIfAbsent(routes.get(start), r -> new ArrayList<>(1));
        Chunk chunk = null;
        for (Chunk c : candidates) {
            if (c.matches(routes, start)) {
                chunk = c;
                reused += c.routes.length;
                break;
            }
        }
        if (chunk == null) {
            chunk = makeChunk(routes, start);
            candidates.add(chunk);
        }
        used.add(chunk);
        return chunk;
    }

    private Chunk makeChunk(List<Route> routes, int start) {
        List<Known> parts = new ArrayList<>();
        boolean cut = false;
        int size = 0;
        for (int i = start; i < routes.size() && !cut && parts.size() < MAX_CHUNK; i++) {
            Known k = known(routes.get(i));
            parts.add(k);
            size += k.element.size();
            cut = k.endsChunk;
        }
        cut = cut || parts.size() == MAX_CHUNK;
        byte[] out = new byte[size];
        Route[] chunkRoutes = new Route[parts.size()];
        Set<String> clusters = new TreeSet<>();
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            ByteString element = parts.get(i).element;
            element.copyTo(out, 0, at, element.size());
            chunkRoutes[i] = routes.get(start + i);
            clusterNames(chunkRoutes[i], clusters);
            at += element.size();
        }
        ByteString bytes = UnsafeByteOperations.unsafeWrap(out);
        // Each route's remembered bytes now point into this chunk, so the arrays of chunks it replaces can go.
        at = 0;
        for (Known k : parts) {
            int length = k.element.size();
            k.element = bytes.substring(at, at + length);
            at += length;
        }
        MessageDigest digest = ContentSnapshot.sha256();
        digest.update(out);
        chunksMade++;
        return new Chunk(chunkRoutes, bytes, digest.digest(), clusters.toArray(String[]::new), cut);
    }

    private Known known(Route route) {
        Known k = known.get(route);
        if (k != null) {
            reused++;
            return k;
        }
        serializedRoutes++;
        ByteString bytes = ContentSnapshot.serialize(route);
        ByteString element = lengthPrefix(ROUTES_TAG, bytes.size()).concat(bytes);
        // The cut rule reads only the route's bytes: equal routes end chunks alike in any process.
        int mixed = element.hashCode() * 0x9E3779B9;
        k = new Known(element, (mixed >>> 16 & (TARGET_CHUNK - 1)) == 0);
        known.put(route, k);
        return k;
    }

    /** The clusters a route names: its action's cluster or weighted clusters, and its mirrors'. */
    static void clusterNames(Route route, Collection<String> into) {
        if (!route.hasRoute()) {
            return;
        }
        RouteAction action = route.getRoute();
        switch (action.getClusterSpecifierCase()) {
            case CLUSTER -> addName(into, action.getCluster());
            case WEIGHTED_CLUSTERS -> {
                for (WeightedCluster.ClusterWeight w : action.getWeightedClusters().getClustersList()) {
                    addName(into, w.getName());
                }
            }
            default -> {
                // cluster_header and cluster specifier plugins choose at request time
            }
        }
        action.getRequestMirrorPoliciesList().forEach(m -> addName(into, m.getCluster()));
    }

    private static void addName(Collection<String> into, String name) {
        if (!name.isEmpty()) {
            into.add(name);
        }
    }

    /**
     * Starts a new generation: chunks no configuration used since the last call are forgotten, and so are routes
     * that are in no chunk left (in proportion to the chunks that came and went, not to the routes).
     */
    void nextGeneration() {
        for (Chunk chunk : used) {
            if (!usedBefore.contains(chunk)) {
                for (Route route : chunk.routes) {
                    known.get(route).liveChunks++;
                }
            }
        }
        for (Chunk chunk : usedBefore) {
            if (!used.contains(chunk)) {
                for (Route route : chunk.routes) {
                    Known k = known.get(route);
                    if (--k.liveChunks == 0) {
                        known.remove(route);
                    }
                }
                List<Chunk> same = chunksByFirst.get(chunk.routes[0]);
                if (same != null) {
                    same.remove(chunk);
                    if (same.isEmpty()) {
                        chunksByFirst.remove(chunk.routes[0]);
                    }
                }
            }
        }
        usedBefore = used;
        used = Collections.newSetFromMap(new IdentityHashMap<>(usedBefore.size() * 2));
        serialized.clear();
    }

    /** Routes whose bytes were reused and routes serialized, since this instance was made (for logs and tests). */
    long[] reusedAndSerialized() {
        return new long[] {reused, serializedRoutes};
    }

    /** Chunks made since this instance was made, and routes remembered now (for tests). */
    long[] chunksMadeAndRoutesKnown() {
        return new long[] {chunksMade, known.size()};
    }

    private static void update(MessageDigest digest, ByteString bytes) {
        digest.update(intBytes(bytes.size()));
        for (ByteBuffer b : bytes.asReadOnlyByteBufferList()) {
            digest.update(b);
        }
    }

    private static byte[] intBytes(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    private static ByteString lengthPrefix(int tag, int size) {
        byte[] out = new byte[CodedOutputStream.computeUInt32SizeNoTag(tag)
                + CodedOutputStream.computeUInt32SizeNoTag(size)];
        CodedOutputStream stream = CodedOutputStream.newInstance(out);
        try {
            stream.writeUInt32NoTag(tag);
            stream.writeUInt32NoTag(size);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a length prefix", e);
        }
        return UnsafeByteOperations.unsafeWrap(out);
    }

    private static int tag(int field) {
        return (field << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED; // WireFormat.makeTag is package-private
    }

    /** A message whose repeated field is empty, and where the field's elements go: at {@code at}. */
    private record Split(ByteString shell, int at) {

        static Split of(ByteString shell, int field) {
            return new Split(shell, offsetOfFirstFieldAfter(shell, field));
        }

        ByteString before() {
            return shell.substring(0, at);
        }

        ByteString after() {
            return shell.substring(at);
        }
    }

    /** Where the first field numbered above {@code field} starts in {@code message} (its length when there is none). */
    private static int offsetOfFirstFieldAfter(ByteString message, int field) {
        CodedInputStream in = message.newCodedInput();
        try {
            while (true) {
                int start = in.getTotalBytesRead();
                int tag = in.readTag();
                if (tag == 0 || WireFormat.getTagFieldNumber(tag) > field) {
                    return tag == 0 ? message.size() : start;
                }
                in.skipField(tag);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading back a message just serialized", e);
        }
    }

    static {
        // The cut rule depends on ByteString.hashCode being a function of the bytes alone (it is, by contract).
        assert ByteString.copyFrom("a", StandardCharsets.UTF_8).hashCode()
                == ByteString.copyFrom("a", StandardCharsets.UTF_8).hashCode();
    }
}
