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
    interface Render {
        void write() throws IOException;
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
        private @Nullable Finder finder;
        private Object @Nullable [] hostRoutes;
        private long @Nullable [] hostStarts;
        private long @Nullable [] hostEnds;
        private int hostNext;

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

        void group(IrMappingGroup group, JsonGenerator g, Render render) throws IOException {
            Span before = earlier == null ? null : earlier.groups.get(group);
            groups.put(group, element(before, g, render));
        }

        /** A virtual host starts: its {@code size} bound routes come next, through {@link #boundRoute}. */
        void enterHost(IrListener.IrVirtualHost host) {
            int n = occurrences.merge(host.name(), 1, Integer::sum);
            hostKey = n == 1 ? host.name() : host.name() + "\n" + n;
            Host before = earlier == null ? null : earlier.hosts.get(hostKey);
            finder = before == null ? null : new Finder(before);
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
        }

        /** Whether bound routes are being written in a virtual host (else they are simply rendered). */
        boolean inHost() {
            return hostRoutes != null && hostNext < hostRoutes.length;
        }

        void boundRoute(IrListener.IrBoundRoute route, JsonGenerator g, Render render) throws IOException {
            Object[] routes = java.util.Objects.requireNonNull(hostRoutes);
            int i = hostNext++;
            Span before = null;
            if (finder != null) {
                int k = finder.find(route);
                if (k >= 0) {
                    before = new Span(finder.host.starts()[k], finder.host.ends()[k]);
                }
            }
            Span now = element(before, g, render);
            routes[i] = route;
            java.util.Objects.requireNonNull(hostStarts)[i] = now.start();
            java.util.Objects.requireNonNull(hostEnds)[i] = now.end();
        }

        /**
         * One element of an array: copied from the earlier file when it is there (joined to the copy just before when
         * it followed it there too), else rendered. Returns where it is in this file.
         */
        private Span element(@Nullable Span before, JsonGenerator g, Render render) throws IOException {
            if (before == null || earlierFile == null) {
                JsonStreamContext context = g.getOutputContext();
                long start = position(g) + (context.inArray() && context.getEntryCount() > 0 ? 1 : 0);
                render.write();
                rendered++;
                return new Span(start, position(g));
            }
            copied++;
            // The neighbour of the element copied last, nothing written since: one byte (the comma) between them.
            if (g.getOutputBuffered() == 0 && out.extendsPending(earlierFile, before.start() - 1)) {
                long at = out.position();
                long from = out.pendingEnd();
                out.copyLater(earlierFile, from, before.end() - from);
                return new Span(at + 1, at + before.end() - from);
            }
            g.writeRawValue(""); // the separator, if any
            g.flush();
            long at = out.position();
            out.copyLater(earlierFile, before.start(), before.end() - before.start());
            return new Span(at, at + before.end() - before.start());
        }

        private long position(JsonGenerator g) {
            return out.position() + g.getOutputBuffered();
        }
    }

    /** As RouteSpans' finder: just after the last one found, then by instance. */
    private static final class Finder {
        private static final int LOOKAHEAD = 4;
        final Host host;
        private int next;
        private @Nullable IdentityHashMap<Object, Integer> index;

        Finder(Host host) {
            this.host = host;
        }

        int find(Object route) {
            Object[] routes = host.routes();
            for (int k = next, end = Math.min(next + LOOKAHEAD, routes.length); k < end; k++) {
                if (routes[k] == route) {
                    next = k + 1;
                    return k;
                }
            }
            if (index == null) {
                index = new IdentityHashMap<>(routes.length * 2);
                for (int k = routes.length - 1; k >= 0; k--) {
                    index.put(routes[k], k);
                }
            }
            Integer k = index.get(route);
            if (k == null) {
                return -1;
            }
            next = k + 1;
            return k;
        }
    }
}
