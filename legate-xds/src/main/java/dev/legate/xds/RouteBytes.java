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

/**
 * The deterministic serialization of route configurations, reusing the bytes of every {@link Route} instance seen in
 * the previous generation.
 *
 * <p>One route configuration holds every route of a listener: at 10,000 Mappings that is one message of about 100,000
 * routes and 17 MB, of which an edit changes a handful. The compiler hands out the very same {@code Route} instance
 * for a route whose input did not change, so serializing only the new routes and splicing the rest in as bytes turns
 * a full serialization per publish into little more than a copy. The bytes equal
 * {@code ContentSnapshot.serialize(configuration)} exactly: protobuf writes the known fields of a message in
 * field-number order, so a message is its fields before the repeated field, then each element as a length-delimited
 * record, then its fields after it. {@code RouteBytesTest} checks the equality.
 *
 * <p>Generations: {@link #serialize} records the bytes of each route it sees; {@link #nextGeneration()} forgets the
 * routes not seen since the previous call, so memory follows the configuration being served. Not thread-safe: the
 * server uses it under its publish lock.
 */
final class RouteBytes {

    private IdentityHashMap<Route, ByteString> previous = new IdentityHashMap<>();
    private IdentityHashMap<Route, ByteString> current = new IdentityHashMap<>();
    private long reused;
    private long serialized;

    /** The deterministic serialization of {@code configuration}. */
    ByteString serialize(RouteConfiguration configuration) {
        RouteConfiguration shell = configuration.toBuilder().clearVirtualHosts().build();
        List<ByteString> hosts = new ArrayList<>(configuration.getVirtualHostsCount());
        for (VirtualHost host : configuration.getVirtualHostsList()) {
            hosts.add(serialize(host));
        }
        return splice(ContentSnapshot.serialize(shell), RouteConfiguration.VIRTUAL_HOSTS_FIELD_NUMBER, hosts);
    }

    private ByteString serialize(VirtualHost host) {
        VirtualHost shell = host.toBuilder().clearRoutes().build();
        List<ByteString> routes = new ArrayList<>(host.getRoutesCount());
        for (Route route : host.getRoutesList()) {
            routes.add(bytes(route));
        }
        return splice(ContentSnapshot.serialize(shell), VirtualHost.ROUTES_FIELD_NUMBER, routes);
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
        current = new IdentityHashMap<>();
    }

    /** Routes whose bytes were reused and routes serialized, since this instance was made (for logs and tests). */
    long[] reusedAndSerialized() {
        return new long[] {reused, serialized};
    }

    /** {@code shell} (a message whose repeated field {@code field} is empty) with {@code elements} in that field. */
    private static ByteString splice(ByteString shell, int field, List<ByteString> elements) {
        int split = offsetOfFirstFieldAfter(shell, field);
        int tag = (field << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED; // WireFormat.makeTag is package-private
        long size = shell.size();
        for (ByteString e : elements) {
            size += CodedOutputStream.computeUInt32SizeNoTag(tag) + CodedOutputStream.computeUInt32SizeNoTag(e.size())
                    + e.size();
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a route configuration of " + size + " bytes is beyond protobuf's 2 GB");
        }
        byte[] out = new byte[(int) size];
        CodedOutputStream stream = CodedOutputStream.newInstance(out);
        try {
            stream.writeRawBytes(shell.substring(0, split));
            for (ByteString e : elements) {
                stream.writeUInt32NoTag(tag);
                stream.writeUInt32NoTag(e.size());
                stream.writeRawBytes(e);
            }
            stream.writeRawBytes(shell.substring(split));
        } catch (IOException e) {
            throw new UncheckedIOException("splicing a repeated field", e);
        }
        stream.checkNoSpaceLeft();
        return UnsafeByteOperations.unsafeWrap(out);
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
