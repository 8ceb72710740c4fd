package dev.legate.compiler.output;

import static java.util.Objects.requireNonNull;

import dev.legate.model.Resource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Writes successive snapshot.yaml files ({@link Reports#snapshotYaml}), each copying from the last one the documents
 * of the resources it has in common with it: the compiler hands over the same instance for a resource whose document
 * did not change, and an instance always renders to the same text. Instead of keeping the rendered text of every
 * resource in memory (some 10 MB at 10,000 Mappings), only where each is in the last file. The same as a fresh
 * rendering, byte for byte; as {@link EnvoyJsonFiles}, the last file is trusted only while it is unchanged where
 * {@link #committed} said. Not thread-safe: one writer.
 */
public final class SnapshotYamlFiles {

    /** Bytes {@code [start, end)} of a file. */
    private record Span(long start, long end) {
    }

    /** How the last file was made: resources copied from the one before, and rendered. */
    public record Stats(long copied, long rendered) {
    }

    private final SplicedFile<IdentityHashMap<Resource<?>, Span>> files = new SplicedFile<>();
    private Stats stats = new Stats(0, 0);

    /** Writes {@code resources} to {@code file}; call {@link #committed} once it is where it stays. */
    public void write(List<Resource<?>> resources, Path file) throws IOException {
        requireNonNull(resources, "resources");
        files.write(file, (earlier, earlierFile, out) -> {
            IdentityHashMap<Resource<?>, Span> now = new IdentityHashMap<>(resources.size() * 2);
            long copied = 0;
            for (Resource<?> r : resources) {
                Span before = earlier == null || earlierFile == null ? null : earlier.get(r);
                long at = out.position();
                if (before != null && earlierFile != null) {
                    // Documents follow one another with nothing between: neighbours join into one copy.
                    out.copyLater(earlierFile, before.start(), before.end() - before.start());
                    now.put(r, new Span(at, at + before.end() - before.start()));
                    copied++;
                } else {
                    byte[] yaml = Reports.resourceYaml(r).getBytes(StandardCharsets.UTF_8);
                    out.write(yaml, 0, yaml.length);
                    now.put(r, new Span(at, at + yaml.length));
                }
            }
            stats = new Stats(copied, resources.size() - copied);
            return now;
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
