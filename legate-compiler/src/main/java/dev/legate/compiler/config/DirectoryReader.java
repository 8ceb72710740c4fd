package dev.legate.compiler.config;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads one directory again and again, as {@link ConfigDirectory#read(Path, ParsedFileCache)} does, and when told
 * which paths changed since the last read ({@link #read(Collection)}), reads only those: at 10,000 Mappings a full
 * read lists, reads and hashes some 130 files to find the one that changed. The snapshot is the same either way.
 *
 * <p>A partial read is safe only where a path names one file: so the reader falls back to a full read when it has
 * not read everything yet, when the tree holds a symbolic link (a file reachable by two paths, or a Kubernetes
 * ConfigMap's {@code ..data} swap, which changes every file at once), when a changed path is hidden, is a directory
 * or a link, or was the parent of files read last time (a directory removed or renamed), and when the caller does not
 * know what changed (the watch service lost events). Not thread-safe: one reading thread.
 */
public final class DirectoryReader {

    /** How the last read went. */
    public enum Scope {
        /** Every file listed and read (files whose bytes did not change are not parsed again). */
        FULL,
        /** Only the changed paths read. */
        CHANGED_PATHS
    }

    /** Beyond this many changed paths a full read costs about the same, and is simpler. */
    static final int MAX_CHANGED_PATHS = 256;

    private final Path directory;
    private final ParsedFileCache cache = new ParsedFileCache();
    /** Every config file of the last read, in path order, and what it parsed to. Empty before the first read. */
    private final TreeMap<Path, YamlDocuments.Parsed> files = new TreeMap<>();
    /** Whether the last full read found no symbolic link below the directory (and there was one). */
    private boolean partialReadsSafe;
    private Scope lastScope = Scope.FULL;

    public DirectoryReader(Path directory) {
        this.directory = requireNonNull(directory, "directory");
    }

    public Path directory() {
        return directory;
    }

    /** How the last read went (for logs and tests). */
    public Scope lastScope() {
        return lastScope;
    }

    /** Parses re-used and parses made (see {@link ParsedFileCache#hitsAndMisses()}). */
    public long[] hitsAndMisses() {
        return cache.hitsAndMisses();
    }

    /** Lists and reads the whole directory. */
    public ResourceSnapshot read() throws ConfigDirectory.UnreadableDirectoryException {
        return readAll();
    }

    /**
     * Reads what changed: {@code changed} holds every path created, modified or deleted since the last read, as the
     * watch service names them: this reader's directory resolved with what is below it (a path that does not start
     * with the directory makes a full read). Falls back to a full read where that is not safe (see the class
     * description), and for more than {@value #MAX_CHANGED_PATHS} paths.
     */
    public ResourceSnapshot read(Collection<Path> changed) throws ConfigDirectory.UnreadableDirectoryException {
        requireNonNull(changed, "changed");
        if (!partialReadsSafe || !Files.isDirectory(directory)) {
            return readAll();
        }
        Set<Path> toRead = new HashSet<>();
        Set<Path> removed = new HashSet<>();
        if (changed.size() > MAX_CHANGED_PATHS) {
            return readAll();
        }
        for (Path file : changed) {
            Change change = classify(file);
            switch (change) {
                case READ -> toRead.add(file);
                case REMOVED -> removed.add(file);
                case IGNORED -> { }
                case RESCAN -> {
                    return readAll();
                }
            }
        }
        for (Path file : removed) {
            files.remove(file);
        }
        for (Path file : toRead) {
            files.put(file, ConfigDirectory.parseFile(directory, file, cache));
        }
        if (!removed.isEmpty()) {
            cache.retainOnly(origins());
        }
        lastScope = Scope.CHANGED_PATHS;
        return snapshot();
    }

    private enum Change {
        READ, REMOVED, IGNORED, RESCAN
    }

    private Change classify(Path file) {
        if (!file.startsWith(directory) || file.equals(directory) || ConfigDirectory.hidden(directory, file)) {
            return Change.RESCAN;
        }
        if (Files.isSymbolicLink(file) || Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            return Change.RESCAN;
        }
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return ConfigDirectory.isConfigFile(file) ? Change.READ : Change.IGNORED;
        }
        // Gone (or not a file any more): a file read last time, or a directory that held some, or nothing we read.
        if (files.containsKey(file)) {
            return Change.REMOVED;
        }
        Path after = files.ceilingKey(file);
        return after != null && after.startsWith(file) ? Change.RESCAN : Change.IGNORED;
    }

    private ResourceSnapshot readAll() throws ConfigDirectory.UnreadableDirectoryException {
        lastScope = Scope.FULL;
        files.clear();
        partialReadsSafe = false;
        ConfigDirectory.Listing listing = ConfigDirectory.list(directory);
        List<Path> listed = listing.files();
        List<YamlDocuments.Parsed> parsed = ConfigDirectory.parseAll(directory, listed, cache);
        for (int i = 0; i < listed.size(); i++) {
            files.put(listed.get(i), parsed.get(i));
        }
        cache.retainOnly(origins());
        partialReadsSafe = !listing.links() && !hasHiddenLinks();
        return snapshot();
    }

    /** A hidden entry that is a link (a ConfigMap's {@code ..data}) may be what visible links point through. */
    private boolean hasHiddenLinks() {
        try (Stream<Path> list = Files.list(directory)) {
            return list.anyMatch(p -> p.getFileName().toString().startsWith(".") && Files.isSymbolicLink(p));
        } catch (IOException e) {
            return true;
        }
    }

    private Set<String> origins() {
        Set<String> origins = new HashSet<>();
        for (Path file : files.keySet()) {
            origins.add(directory.relativize(file).toString());
        }
        return origins;
    }

    private ResourceSnapshot snapshot() {
        List<RawDocument> documents = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (Map.Entry<Path, YamlDocuments.Parsed> e : files.entrySet()) {
            documents.addAll(e.getValue().documents());
            diagnostics.addAll(e.getValue().diagnostics());
        }
        return new ResourceSnapshot(documents, diagnostics);
    }
}
