package dev.legate.compiler.output;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.envoy.EnvoyConfig;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes successive envoy.json files ({@link EnvoyJson#writeBootstrap}), each copying from the last one the routes it
 * has in common with it. At 10,000 Mappings the routes are nearly all of a 50 MB file and rendering them most of its
 * cost, while an edit changes a handful: the compiler keeps the instance of every route whose input did not change,
 * and the runs of such routes that followed one another in the last file are copied from it by the kernel, byte for
 * byte, instead of being rendered again. The file is the same as a fresh rendering, byte for byte.
 *
 * <p>The last file is trusted only while it is where {@link #committed} said, with the size, modification time and
 * identity (inode) it had then; otherwise, and after any failure, the next file is rendered in full. Memory: about
 * 20 bytes per route, and the route instances of the last file written (mostly those of the configuration served).
 *
 * <p>Not thread-safe: one writer.
 */
public final class EnvoyJsonFiles {

    /** How the last file was made: routes copied from the one before, and routes rendered. */
    public record Stats(long copiedRoutes, long renderedRoutes) {
    }

    private final SplicedFile<RouteSpans> files = new SplicedFile<>();
    private Stats stats = new Stats(0, 0);

    /**
     * Writes {@code config}'s bootstrap to {@code file} (created or replaced), copying what it can from the file last
     * {@link #committed}. Call {@link #committed} once the file is where it stays.
     */
    public void write(EnvoyConfig config, Path file) throws IOException {
        requireNonNull(config, "config");
        files.write(file, (earlier, earlierFile, out) -> {
            RouteSpans.Recording recording = new RouteSpans.Recording(earlier, earlierFile, out);
            Map<String, RouteConfiguration> routes = new HashMap<>();
            config.routeConfigurations().forEach(rc -> routes.put(rc.getName(), rc));
            new ProtoJsonWriter(EnvoyTypes.REGISTRY, routes, recording).write(EnvoyJson.bootstrap(config), out);
            stats = new Stats(recording.copiedRoutes(), recording.renderedRoutes());
            return recording.spans();
        });
    }

    /** The file last written is now at {@code file}, whole, and will not change: the next write copies from it. */
    public void committed(Path file) throws IOException {
        files.committed(file);
    }

    /** How the last file was made. */
    public Stats lastStats() {
        return stats;
    }
}
