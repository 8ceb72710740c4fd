package dev.legate.sources;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a directory tree and calls back on any change under it: files written, renamed or removed, directories
 * added (which are then watched too), and the symlink swaps Kubernetes uses to update a mounted ConfigMap. It does
 * not filter by file name: a change that turns out to change nothing costs one compile and pushes nothing, since
 * versions are content hashes.
 */
public final class DirectoryWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatcher.class);

    /** One batch of changes: the paths named by the watch service, and whether some events were lost. */
    public record Changes(List<Path> paths, Completeness completeness) {
        public Changes {
            paths = List.copyOf(paths);
        }
    }

    /** Whether {@link Changes#paths()} names everything that changed. */
    public enum Completeness {
        /** Every path created, modified or removed is named (directories created are named too). */
        PATHS_KNOWN,
        /** The watch service lost events (overflow): anything may have changed. */
        EVENTS_LOST
    }

    private final Path root;
    private final java.util.function.Consumer<Changes> onChange;
    private final WatchService watcher;
    private final Thread thread;
    /** Keys by the directory's real path. Mutated only on the watcher thread (and in the constructor, before it starts). */
    private final java.util.Map<Path, WatchKey> watched = new java.util.HashMap<>();

    private DirectoryWatcher(Path root, java.util.function.Consumer<Changes> onChange) throws IOException {
        this.root = root;
        this.onChange = onChange;
        this.watcher = root.getFileSystem().newWatchService();
        registerTree(root);
        this.thread = new Thread(this::loop, "legate-directory-watcher");
        this.thread.setDaemon(true);
    }

    /** Starts watching {@code root}; {@code onChange} runs on the watcher thread, so it should be quick. */
    public static DirectoryWatcher start(Path root, Runnable onChange) throws IOException {
        requireNonNull(onChange, "onChange");
        return watch(root, changes -> onChange.run());
    }

    /**
     * Starts watching {@code root}; {@code onChange} is told what changed (paths under {@code root}, as
     * {@code root.resolve(...)} names them), on the watcher thread, so it should be quick.
     */
    public static DirectoryWatcher watch(Path root, java.util.function.Consumer<Changes> onChange)
            throws IOException {
        requireNonNull(root, "root");
        requireNonNull(onChange, "onChange");
        if (!Files.isDirectory(root)) {
            throw new IOException(root + " is not a directory");
        }
        DirectoryWatcher w = new DirectoryWatcher(root, onChange);
        w.thread.start();
        return w;
    }

    /**
     * Registers {@code dir}, then lists it and registers its subdirectories the same way. Registering before listing
     * matters: a subdirectory created in between raises an event instead of going unwatched.
     */
    private void registerTree(Path dir) throws IOException {
        // Registering a directory already watched (the same inode, by any path) gives its key back: it and its
        // subdirectories are watched already (and a link loop ends here). A directory removed and made again under
        // the same name is another inode, with a new key, even while the old one is not yet known to be invalid.
        WatchKey key = dir.register(watcher, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
        if (watched.put(dir.toRealPath(), key) == key) {
            return;
        }
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.filter(Files::isDirectory).toList();
        }
        for (Path child : children) {
            registerTree(child);
        }
    }

    private void loop() {
        while (true) {
            WatchKey key;
            try {
                key = watcher.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            if (key == null) {
                continue;
            }
            boolean changed = false;
            Completeness completeness = Completeness.PATHS_KNOWN;
            List<Path> paths = new java.util.ArrayList<>();
            Path dir = (Path) key.watchable();
            for (WatchEvent<?> event : key.pollEvents()) {
                changed = true;
                if (event.kind() == OVERFLOW) {
                    LOG.debug("watch events overflowed under {}", root);
                    completeness = Completeness.EVENTS_LOST;
                    continue;
                }
                Path child = dir.resolve((Path) event.context());
                paths.add(child);
                if (event.kind() == ENTRY_CREATE && Files.isDirectory(child)) {
                    try {
                        registerTree(child);
                    } catch (IOException e) {
                        LOG.warn("cannot watch new directory {}: {}", child, e.getMessage());
                    }
                }
            }
            if (!key.reset()) {
                watched.values().remove(key);
            }
            if (changed) {
                onChange.accept(new Changes(paths, completeness));
            }
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.debug("closing the watch service: {}", e.getMessage());
        }
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
