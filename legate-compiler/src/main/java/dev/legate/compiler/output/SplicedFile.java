package dev.legate.compiler.output;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Successive versions of one kind of file, each written with what the last one holds where ({@code S}, made while
 * writing it), so that it can copy parts from it. The last file is trusted only while it is where {@link #committed}
 * said, with the size, modification time and identity (inode) it had then; otherwise, and after a failed write, the
 * next one is written without it. Not thread-safe.
 *
 * @param <S> where things are in a file
 */
final class SplicedFile<S> {

    /** Writes one file to {@code out}, copying from {@code earlier} (both null: nothing to copy from). */
    @FunctionalInterface
    interface Body<S> {
        S write(@Nullable S earlier, @Nullable FileChannel earlierFile, SplicingOutput out) throws IOException;
    }

    private record Written<S>(Path file, long size, FileTime modified, @Nullable Object fileKey, S spans) {
    }

    private @Nullable Written<S> last;
    private @Nullable S pending;

    void write(Path file, Body<S> body) throws IOException {
        requireNonNull(file, "file");
        Written<S> earlier = last;
        last = null; // trusted again only once this write is committed
        pending = null;
        FileChannel earlierFile = earlier == null ? null : open(earlier);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            SplicingOutput out = new SplicingOutput(channel);
            S spans = body.write(earlierFile == null ? null : earlier.spans(), earlierFile, out);
            out.flush();
            pending = spans;
        } finally {
            if (earlierFile != null) {
                earlierFile.close();
            }
        }
    }

    void committed(Path file) throws IOException {
        requireNonNull(file, "file");
        S spans = pending;
        if (spans == null) {
            throw new IllegalStateException("nothing was written since the last commit");
        }
        pending = null;
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        last = new Written<>(file, a.size(), a.lastModifiedTime(), a.fileKey(), spans);
    }

    private static @Nullable FileChannel open(Written<?> earlier) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(earlier.file(), BasicFileAttributes.class);
            if (a.size() != earlier.size() || !a.lastModifiedTime().equals(earlier.modified())
                    || !Objects.equals(a.fileKey(), earlier.fileKey())) {
                return null;
            }
            return FileChannel.open(earlier.file(), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
