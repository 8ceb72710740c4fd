package dev.legate.compiler.output;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.ir.Ir;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes successive ir.json files ({@link Reports#writeIrJson}), each copying from the last one the mapping groups and
 * bound routes it has in common with it (by instance: the IR is immutable, and the compiler keeps what an edit did not
 * reach), the same as a fresh rendering byte for byte. As {@link EnvoyJsonFiles}, the last file is trusted only while
 * it is unchanged where {@link #committed} said. Not thread-safe: one writer.
 */
public final class IrJsonFiles {

    /** How the last file was made: parts (groups and bound routes) copied from the one before, and rendered. */
    public record Stats(long copied, long rendered) {
    }

    private final SplicedFile<IrSpans> files = new SplicedFile<>();
    private Stats stats = new Stats(0, 0);

    /** Writes {@code ir} to {@code file} (created or replaced); call {@link #committed} once it is where it stays. */
    public void write(Ir ir, Path file) throws IOException {
        requireNonNull(ir, "ir");
        files.write(file, (earlier, earlierFile, out) -> {
            IrSpans.Recording recording = new IrSpans.Recording(earlier, earlierFile, out);
            Reports.writeIrJson(ir, out, recording);
            stats = new Stats(recording.copied(), recording.rendered());
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
