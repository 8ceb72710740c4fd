package dev.legate.sources;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.config.DirectoryReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A directory of YAML and JSON files, watched recursively. Once watching, a read reads only the paths the watch
 * service named since the previous read (see {@link DirectoryReader} for when it reads everything instead: the first
 * read, lost events, symbolic links, directories; and at least once a minute); a full read re-parses only the files
 * whose bytes changed. It cannot tell which kinds changed, so every read says {@link ChangedKinds#unknown()}.
 */
public final class DirectorySource implements SnapshotSource {

    private final Path directory;
    /** Used only on the reading thread. */
    private final DirectoryReader reader;
    private @Nullable DirectoryWatcher watcher;
    /** Guards {@link #changedSinceRead} and {@link #eventsLost}. */
    private final Object changes = new Object();
    private Set<Path> changedSinceRead = new HashSet<>();
    /** Until the watcher runs and a full read was made, every read is a full one. */
    private boolean eventsLost = true;
    /**
     * A full read at least this often (when something changed), in case the watch service missed a change without
     * saying so (a file changed through a hard link elsewhere, say).
     */
    private final long fullReadIntervalNanos;
    /** When the last full read was made (nanoTime). Used only on the reading thread. */
    private long lastFullRead;

    /** How often a read reads everything at least, by default (see {@link #DirectorySource(Path, Duration)}). */
    public static final Duration FULL_READ_INTERVAL = Duration.ofMinutes(1);

    public DirectorySource(Path directory) {
        this(directory, FULL_READ_INTERVAL);
    }

    /** A source whose reads read everything at least every {@code fullReadInterval}. */
    public DirectorySource(Path directory, Duration fullReadInterval) {
        this.directory = requireNonNull(directory, "directory");
        this.reader = new DirectoryReader(directory);
        this.fullReadIntervalNanos = requireNonNull(fullReadInterval, "fullReadInterval").toNanos();
    }

    public Path directory() {
        return directory;
    }

    @Override
    public synchronized void start(Runnable onChange) throws IOException {
        requireNonNull(onChange, "onChange");
        if (watcher != null) {
            throw new IllegalStateException("already started");
        }
        watcher = DirectoryWatcher.watch(directory, batch -> {
            synchronized (changes) {
                if (batch.completeness() == DirectoryWatcher.Completeness.EVENTS_LOST) {
                    eventsLost = true;
                } else {
                    changedSinceRead.addAll(batch.paths());
                }
            }
            onChange.run();
        });
    }

    @Override
    public SourceRead read() throws IOException {
        Set<Path> changed;
        boolean everything;
        synchronized (changes) {
            changed = changedSinceRead;
            changedSinceRead = new HashSet<>();
            everything = eventsLost || !watching();
            eventsLost = false;
        }
        long now = System.nanoTime();
        if (now - lastFullRead >= fullReadIntervalNanos) {
            everything = true;
        }
        try {
            SourceRead read = new SourceRead(everything ? reader.read() : reader.read(changed),
                    ChangedKinds.unknown());
            if (reader.lastScope() == DirectoryReader.Scope.FULL) {
                lastFullRead = now;
            }
            return read;
        } catch (IOException | RuntimeException e) {
            // What was read before may be stale now: the next read reads everything.
            synchronized (changes) {
                eventsLost = true;
            }
            throw e;
        }
    }

    private synchronized boolean watching() {
        return watcher != null;
    }

    /** Whether the last read read everything or only the changed paths (for logs and tests). */
    public DirectoryReader.Scope lastReadScope() {
        return reader.lastScope();
    }

    @Override
    public String describe() {
        return "directory " + directory.toAbsolutePath();
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.close();
        }
    }
}
