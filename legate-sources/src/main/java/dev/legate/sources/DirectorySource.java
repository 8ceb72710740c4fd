package dev.legate.sources;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.config.ConfigDirectory;
import dev.legate.compiler.config.ParsedFileCache;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A directory of YAML and JSON files, watched recursively. Each read re-reads the tree but re-parses only the files
 * whose bytes changed. It cannot tell which kinds changed, so every read says {@link ChangedKinds#unknown()}.
 */
public final class DirectorySource implements SnapshotSource {

    private final Path directory;
    /** Used only on the reading thread. */
    private final ParsedFileCache parsedFiles = new ParsedFileCache();
    private @Nullable DirectoryWatcher watcher;

    public DirectorySource(Path directory) {
        this.directory = requireNonNull(directory, "directory");
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
        watcher = DirectoryWatcher.start(directory, onChange);
    }

    @Override
    public SourceRead read() throws IOException {
        return new SourceRead(ConfigDirectory.read(directory, parsedFiles), ChangedKinds.unknown());
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
