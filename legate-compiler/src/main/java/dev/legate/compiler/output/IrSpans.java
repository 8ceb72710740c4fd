package dev.legate.compiler.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonStreamContext;
import dev.legate.compiler.ir.IrListener;
import dev.legate.compiler.ir.IrMappingGroup;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where the bulky parts of a written ir.json are, by instance: each mapping group, and each virtual host's bound
 * routes. The IR is immutable and the compiler keeps the instances of what an edit did not reach, so an instance
 * always renders to the same bytes, which the next file copies from this one (neighbours in one piece) instead of
 * rendering them. About 30 bytes per bound route and per group.
 */
final class IrSpans {

    /** Bytes {@code [start, end)} of the file. */
    record Span(long start, long end) {
    }

    /** One virtual host's bound routes: route {@code k} is bytes {@code [starts[k], ends[k])}. */
    record Host(Object[] routes, long[] starts, long[] ends) {
    }

    private final IdentityHashMap<IrMappingGroup, Span> groups;
    private final Map<String, Host> hosts;

    private IrSpans(IdentityHashMap<IrMappingGroup, Span> groups, Map<String, Host> hosts) {
        this.groups = groups;
        this.hosts = hosts;
    }

    /** Renders one element of an array; its bytes are what it writes to the generator. */
    @FunctionalInterface
    interface Render<T> {
        void write(T value, JsonGenerator g) throws IOException;
    }

    /** One write, recording where things go; the serializers of {@link Reports} call it (a writer attribute). */
    static final class Recording {
        private final @Nullable IrSpans earlier;
        private final @Nullable FileChannel earlierFile;
        private final SplicingOutput out;
        private final IdentityHashMap<IrMappingGroup, Span> groups = new IdentityHashMap<>();
        private final Map<String, Host> hosts = new HashMap<>();
        private final Map<String, Integer> occurrences = new HashMap<>();
        private long copied;
        private long rendered;
        /** The virtual host being written, if any. */
        private @Nullable String hostKey;
        private @Nullable RunFinder finder;
        private @Nullable Host earlierHost;
        private Object @Nullable [] hostRoutes;
        private long @Nullable [] hostStarts;
        private long @Nullable [] hostEnds;
        private int hostNext;
        /** Where the last element went (see {@link #element}). */
        private long start;
        private long end;

        Recording(@Nullable IrSpans earlier, @Nullable FileChannel earlierFile, SplicingOutput out) {
            this.earlier = earlierFile == null ? null : earlier;
            this.earlierFile = earlierFile;
            this.out = out;
        }

        IrSpans spans() {
            return new IrSpans(groups, hosts);
        }

        long copied() {
            return copied;
        }

        long rendered() {
            return rendered;
        }

        void group(IrMappingGroup group, JsonGenerator g, Render<IrMappingGroup> render) throws IOException {
            Span before = earlier == null ? null : earlier.groups.get(group);
            if (before == null) {
                element(-1, -1, group, g, render);
            } else {
                element(before.start(), before.end(), group, g, render);
            }
            groups.put(group, new Span(start, end));
        }

        /** A virtual host starts: its {@code size} bound routes come next, through {@link #boundRoute}. */
        void enterHost(IrListener.IrVirtualHost host) {
            int n = occurrences.merge(host.name(), 1, Integer::sum);
            hostKey = n == 1 ? host.name() : host.name() + "\n" + n;
            Host before = earlier == null ? null : earlier.hosts.get(hostKey);
            earlierHost = before;
            finder = before == null ? null : new RunFinder(before.routes());
            int size = host.routes().size();
            hostRoutes = new Object[size];
            hostStarts = new long[size];
            hostEnds = new long[size];
            hostNext = 0;
        }

        void exitHost() {
            if (hostKey != null && hostRoutes != null && hostStarts != null && hostEnds != null) {
                hosts.put(hostKey, new Host(hostRoutes, hostStarts, hostEnds));
            }
            hostKey = null;
            finder = null;
            hostRoutes = null;
            hostStarts = null;
            hostEnds = null;
            earlierHost = null;
        }

        /** Whether bound routes are being written in a virtual host (else they are simply rendered). */
        boolean inHost() {
            return hostRoutes != null && hostNext < hostRoutes.length;
        }

        void boundRoute(IrListener.IrBoundRoute route, JsonGenerator g, Render<IrListener.IrBoundRoute> render)
                throws IOException {
            Object[] routes = java.util.Objects.requireNonNull(hostRoutes);
            int i = hostNext++;
            routes[i] = route;
            int k = finder == null ? -1 : finder.find(route);
            Host before = earlierHost;
            if (k >= 0 && before != null) {
                element(before.starts()[k], before.ends()[k], route, g, render);
            } else {
                element(-1, -1, route, g, render);
            }
            java.util.Objects.requireNonNull(hostStarts)[i] = start;
            java.util.Objects.requireNonNull(hostEnds)[i] = end;
        }

        /**
         * One element of an array: copied from the earlier file when it is there, bytes {@code [from, to)} (joined to
         * the copy just before when it followed it there too), else ({@code from} -1) rendered. Leaves where it is in
         * this file in {@link #start} and {@link #end}.
         */
        private <T> void element(long from, long to, T value, JsonGenerator g, Render<T> render) throws IOException {
            FileChannel source = earlierFile;
            if (from < 0 || source == null) {
                JsonStreamContext context = g.getOutputContext();
                start = position(g) + (context.inArray() && context.getEntryCount() > 0 ? 1 : 0);
                render.write(value, g);
                end = position(g);
                rendered++;
                return;
            }
            copied++;
            // The neighbour of the element copied last, nothing written since: one byte (the comma) between them.
            if (g.getOutputBuffered() == 0 && out.extendsPending(source, from - 1)) {
                long at = out.position();
                long pendingEnd = out.pendingEnd();
                out.copyLater(source, pendingEnd, to - pendingEnd);
                start = at + 1;
                end = at + to - pendingEnd;
                return;
            }
            g.writeRawValue(""); // the separator, if any
            g.flush();
            long at = out.position();
            out.copyLater(source, from, to - from);
            start = at;
            end = at + to - from;
        }

        private long position(JsonGenerator g) {
            return out.position() + g.getOutputBuffered();
        }
    }
}
