package dev.legate.xds;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The deterministic serialization of route configurations, reusing the bytes of every {@link Route} instance seen in
 * the previous generation.
 *
 * <p>One route configuration holds every route of a listener: at 10,000 Mappings that is one message of about 100,000
 * routes and 10 MB, of which an edit changes a handful. The compiler hands out the very same {@code Route} instance
 * for a route whose input did not change, so serializing only the new routes and splicing the rest in as bytes turns
 * a full serialization per publish into little more than a copy. The bytes equal
 * {@code ContentSnapshot.serialize(configuration)} exactly: protobuf writes the known fields of a message in
 * field-number order, so a message is its fields before the repeated field, then each element as a length-delimited
 * record, then its fields after it. {@code RouteBytesTest} checks the equality.
 *
 * <p>Memory: a route's remembered bytes are a view into the array of the configuration it was last written in (no
 * copy of its own), so the routes of the configuration being served cost no more than the configuration's bytes
 * themselves. When a configuration's new bytes equal the ones it replaces, the views go into the old array (same
 * content, same offsets) and the new one is dropped.
 *
 * <p>Generations: {@link #serialize} records the bytes of each route it sees; {@link #nextGeneration()} forgets the
 * routes not seen since the previous call, so memory follows the configuration being served. Not thread-safe: the
 * server uses it under its publish lock.
 */
final class RouteBytes {

    private static final int HOSTS_TAG = tag(RouteConfiguration.VIRTUAL_HOSTS_FIELD_NUMBER);
    private static final int ROUTES_TAG = tag(VirtualHost.ROUTES_FIELD_NUMBER);

    private IdentityHashMap<Route, ByteString> previous = new IdentityHashMap<>();
    private IdentityHashMap<Route, ByteString> current = new IdentityHashMap<>();
    /** The routes of this generation whose bytes are already a view into a configuration of this generation. */
    private IdentityHashMap<Route, Boolean> pointed = new IdentityHashMap<>();
    private long reused;
    private long serialized;

    /** The deterministic serialization of {@code configuration}. */
    ByteString serialize(RouteConfiguration configuration) {
        return serialize(configuration, null);
    }

    /**
     * The deterministic serialization of {@code configuration}; {@code prior} itself when it holds the same bytes
     * (the bytes last published for it), so that the remembered routes keep pointing into one array.
     */
    ByteString serialize(RouteConfiguration configuration, @Nullable ByteString prior) {
        // Each part of the message: its shell (the message with the repeated field left empty) split around the
        // field, and the elements' bytes. Routes already known are not serialized again.
        Split config = Split.of(ContentSnapshot.serialize(configuration.toBuilder().clearVirtualHosts().build()),
                RouteConfiguration.VIRTUAL_HOSTS_FIELD_NUMBER);
        List<Split> hostShells = new ArrayList<>(configuration.getVirtualHostsCount());
        List<List<Route>> hostRoutes = new ArrayList<>(configuration.getVirtualHostsCount());
        List<List<ByteString>> hostRouteBytes = new ArrayList<>(configuration.getVirtualHostsCount());
        int[] hostSizes = new int[configuration.getVirtualHostsCount()];
        long size = config.shell.size();
        for (int h = 0; h < configuration.getVirtualHostsCount(); h++) {
            VirtualHost host = configuration.getVirtualHosts(h);
            Split shell = Split.of(ContentSnapshot.serialize(host.toBuilder().clearRoutes().build()),
                    VirtualHost.ROUTES_FIELD_NUMBER);
            List<ByteString> routes = new ArrayList<>(host.getRoutesCount());
            long hostSize = shell.shell.size();
            for (Route route : host.getRoutesList()) {
                ByteString b = bytes(route);
                routes.add(b);
                hostSize += element(ROUTES_TAG, b.size());
            }
            if (hostSize > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("a virtual host of " + hostSize + " bytes is beyond protobuf's 2 GB");
            }
            hostShells.add(shell);
            hostRoutes.add(host.getRoutesList());
            hostRouteBytes.add(routes);
            hostSizes[h] = (int) hostSize;
            size += element(HOSTS_TAG, (int) hostSize);
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a route configuration of " + size + " bytes is beyond protobuf's 2 GB");
        }
        byte[] out = new byte[(int) size];
        CodedOutputStream stream = CodedOutputStream.newInstance(out);
        // Where each route's bytes were written (route h/r at starts[h][r]), to remember views into the result.
        int[][] starts = new int[hostShells.size()][];
        try {
            stream.writeRawBytes(config.before());
            for (int h = 0; h < hostShells.size(); h++) {
                stream.writeUInt32NoTag(HOSTS_TAG);
                stream.writeUInt32NoTag(hostSizes[h]);
                Split shell = hostShells.get(h);
                stream.writeRawBytes(shell.before());
                List<ByteString> routes = hostRouteBytes.get(h);
                starts[h] = new int[routes.size()];
                for (int r = 0; r < routes.size(); r++) {
                    ByteString b = routes.get(r);
                    stream.writeUInt32NoTag(ROUTES_TAG);
                    stream.writeUInt32NoTag(b.size());
                    starts[h][r] = stream.getTotalBytesWritten();
                    stream.writeRawBytes(b);
                }
                stream.writeRawBytes(shell.after());
            }
            stream.writeRawBytes(config.after());
        } catch (IOException e) {
            throw new UncheckedIOException("splicing a route configuration", e);
        }
        stream.checkNoSpaceLeft();
        ByteString result = UnsafeByteOperations.unsafeWrap(out);
        if (prior != null && prior.equals(result)) {
            result = prior;
        }
        // Every route of this configuration now remembers a view into the result (its first occurrence in this
        // generation), so the arrays of earlier generations can go.
        for (int h = 0; h < starts.length; h++) {
            List<Route> routes = hostRoutes.get(h);
            for (int r = 0; r < routes.size(); r++) {
                Route route = routes.get(r);
                if (pointed.put(route, Boolean.TRUE) == null) {
                    int start = starts[h][r];
                    current.put(route, result.substring(start, start + hostRouteBytes.get(h).get(r).size()));
                }
            }
        }
        return result;
    }

    private ByteString bytes(Route route) {
        ByteString bytes = current.get(route);
        if (bytes == null) {
            bytes = previous.get(route);
            if (bytes == null) {
                bytes = ContentSnapshot.serialize(route);
                serialized++;
            } else {
                reused++;
            }
            current.put(route, bytes);
        } else {
            reused++;
        }
        return bytes;
    }

    /** Starts a new generation: routes not serialized since the last call are forgotten. */
    void nextGeneration() {
        previous = current;
        // Sized for a configuration like this one: 100,000 routes would otherwise resize each map a dozen times.
        current = new IdentityHashMap<>(previous.size());
        pointed = new IdentityHashMap<>(previous.size());
    }

    /** Routes whose bytes were reused and routes serialized, since this instance was made (for logs and tests). */
    long[] reusedAndSerialized() {
        return new long[] {reused, serialized};
    }

    private static int tag(int field) {
        return (field << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED; // WireFormat.makeTag is package-private
    }

    /** The size of one length-delimited element of {@code size} bytes, with its tag and length. */
    private static long element(int tag, int size) {
        return CodedOutputStream.computeUInt32SizeNoTag(tag) + CodedOutputStream.computeUInt32SizeNoTag(size)
                + (long) size;
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
}
