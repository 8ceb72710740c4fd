package dev.legate.compiler.output;

import io.envoyproxy.envoy.config.route.v3.Route;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where each virtual host's routes are in a written envoy.json, by instance, so that writing the next one copies the
 * runs of routes that are the same instances (the compiler keeps the instance of a route whose input did not change,
 * and an instance always renders to the same bytes) from that file instead of rendering them again. About 20 bytes per
 * route; the routes themselves are the configuration's.
 */
final class RouteSpans {

    /** One virtual host's routes: route {@code k} is bytes {@code [starts[k], ends[k])} of the file. */
    record Host(Route[] routes, long[] starts, long[] ends) {
    }

    /** By virtual host name and occurrence (see {@link Recording#key}). */
    final Map<String, Host> hosts;

    RouteSpans(Map<String, Host> hosts) {
        this.hosts = hosts;
    }

    /**
     * One write: what the earlier file holds (none: everything is rendered), and where this one puts each route.
     * The routes of a virtual host go through {@link #writeRoutes}.
     */
    static final class Recording {
        private final @Nullable RouteSpans earlier;
        private final @Nullable FileChannel earlierFile;
        private final SplicingOutput out;
        private final Map<String, Host> hosts = new HashMap<>();
        private final Map<String, Integer> occurrences = new HashMap<>();
        private long copiedRoutes;
        private long renderedRoutes;

        Recording(@Nullable RouteSpans earlier, @Nullable FileChannel earlierFile, SplicingOutput out) {
            this.earlier = earlierFile == null ? null : earlier;
            this.earlierFile = earlierFile;
            this.out = out;
        }

        RouteSpans spans() {
            return new RouteSpans(hosts);
        }

        long copiedRoutes() {
            return copiedRoutes;
        }

        long renderedRoutes() {
            return renderedRoutes;
        }

        /** Two virtual hosts may share a name (in two listeners' route tables): the nth of a name is its own. */
        private String key(String virtualHost) {
            int n = occurrences.merge(virtualHost, 1, Integer::sum);
            return n == 1 ? virtualHost : virtualHost + "\n" + n;
        }

        /** The renderer of one route that is not in the earlier file. */
        @FunctionalInterface
        interface RouteRenderer {
            void write(Route route) throws IOException;
        }

        /**
         * Writes the elements of a virtual host's routes array (the array is open; {@code g} writes the separators):
         * runs of routes that follow one another in the earlier file are copied from it in one piece, the others
         * rendered.
         */
        void writeRoutes(String virtualHost, List<Route> list, com.fasterxml.jackson.core.JsonGenerator g,
                RouteRenderer render) throws IOException {
            String key = key(virtualHost);
            Host before = earlier == null ? null : earlier.hosts.get(key);
            int n = list.size();
            Route[] routes = list.toArray(new Route[0]);
            long[] starts = new long[n];
            long[] ends = new long[n];
            RunFinder finder = before == null ? null : new RunFinder(before.routes());
            int runFrom = 0;
            int runEarlier = -1;
            int runLength = 0;
            for (int i = 0; i < n; i++) {
                int k = finder == null ? -1 : finder.find(routes[i]);
                if (k >= 0 && runLength > 0 && k == runEarlier + runLength) {
                    runLength++;
                    continue;
                }
                if (runLength > 0) {
                    copy(before, runFrom, runEarlier, runLength, starts, ends, g);
                    runLength = 0;
                }
                if (k >= 0) {
                    runFrom = i;
                    runEarlier = k;
                    runLength = 1;
                    continue;
                }
                g.writeRawValue(""); // the separator, if any
                starts[i] = position(g);
                render.write(routes[i]);
                ends[i] = position(g);
                renderedRoutes++;
            }
            if (runLength > 0) {
                copy(before, runFrom, runEarlier, runLength, starts, ends, g);
            }
            hosts.put(key, new Host(routes, starts, ends));
        }

        private void copy(Host before, int to, int from, int length, long[] starts, long[] ends,
                com.fasterxml.jackson.core.JsonGenerator g) throws IOException {
            g.writeRawValue(""); // the separator, if any
            g.flush();
            long base = out.position();
            long first = before.starts()[from];
            long last = before.ends()[from + length - 1];
            out.copy(earlierFile, first, last - first);
            for (int j = 0; j < length; j++) {
                starts[to + j] = base + before.starts()[from + j] - first;
                ends[to + j] = base + before.ends()[from + j] - first;
            }
            copiedRoutes += length;
        }

        private long position(com.fasterxml.jackson.core.JsonGenerator g) {
            return out.position() + g.getOutputBuffered();
        }
    }
}
