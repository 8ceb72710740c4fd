package dev.legate.compiler.config;

import dev.legate.compiler.Diagnostic;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads a directory of YAML and JSON files, recursively, into a {@link ResourceSnapshot}. Files are read in path
 * order so the snapshot does not depend on the file system. Hidden files and directories (names starting with '.',
 * such as the {@code ..data} links of a mounted ConfigMap) are skipped so that nothing is read twice.
 */
public final class ConfigDirectory {

    private ConfigDirectory() {
    }

    /** The directory itself is missing or unreadable: nothing can be compiled. */
    public static final class UnreadableDirectoryException extends IOException {
        private static final long serialVersionUID = 1L;

        UnreadableDirectoryException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static ResourceSnapshot read(Path directory) throws UnreadableDirectoryException {
        return read(directory, null);
    }

    /**
     * As {@link #read(Path)}, re-parsing only the files whose content changed since the last read through the same
     * {@code cache} (null: no cache).
     */
    public static ResourceSnapshot read(Path directory, @org.jspecify.annotations.Nullable ParsedFileCache cache)
            throws UnreadableDirectoryException {
        List<Path> files = list(directory).files();
        List<YamlDocuments.Parsed> parsed = parseAll(directory, files, cache);
        if (cache != null) {
            cache.retainOnly(files.stream().map(f -> directory.relativize(f).toString())
                    .collect(java.util.stream.Collectors.toSet()));
        }
        List<RawDocument> documents = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (YamlDocuments.Parsed p : parsed) {
            documents.addAll(p.documents());
            diagnostics.addAll(p.diagnostics());
        }
        return new ResourceSnapshot(documents, diagnostics);
    }

    /** The config files below a directory, in path order, and whether a symbolic link was met on the way. */
    record Listing(List<Path> files, boolean links) {
    }

    /** Lists {@code directory}'s config files, recursively, following links, skipping hidden paths. */
    static Listing list(Path directory) throws UnreadableDirectoryException {
        if (!Files.isDirectory(directory)) {
            throw new UnreadableDirectoryException(directory + " is not a directory",
                    new NotDirectoryException(directory.toString()));
        }
        boolean[] links = {false};
        try (Stream<Path> walk = Files.walk(directory, FileVisitOption.FOLLOW_LINKS)) {
            List<Path> files = walk.filter(p -> !hidden(directory, p))
                    .peek(p -> links[0] |= !p.equals(directory) && Files.isSymbolicLink(p))
                    .filter(Files::isRegularFile)
                    .filter(ConfigDirectory::isConfigFile)
                    .sorted()
                    .toList();
            return new Listing(files, links[0]);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UnreadableDirectoryException("cannot list " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Parses {@code files} in parallel, in their order: the result does not depend on timing. */
    static List<YamlDocuments.Parsed> parseAll(Path directory, List<Path> files,
            @org.jspecify.annotations.Nullable ParsedFileCache cache) {
        return files.parallelStream().map(file -> parseFile(directory, file, cache)).toList();
    }

    static YamlDocuments.Parsed parseFile(Path directory, Path file,
            @org.jspecify.annotations.Nullable ParsedFileCache cache) {
        String origin = directory.relativize(file).toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new YamlDocuments.Parsed(List.of(), List.of());
        } catch (IOException e) {
            return failed(origin, origin + ": cannot be read (" + e.getMessage() + "); skipped");
        }
        return cache == null ? parseBytes(origin, bytes, YamlDocuments.Known.NONE)
                : cache.parse(origin, bytes, known -> parseBytes(origin, bytes, known));
    }

    private static YamlDocuments.Parsed parseBytes(String origin, byte[] bytes, YamlDocuments.Known known) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return failed(origin, origin + ": not UTF-8 text; skipped");
        }
        return YamlDocuments.parse(origin, text, known);
    }

    private static YamlDocuments.Parsed failed(String origin, String message) {
        return new YamlDocuments.Parsed(List.of(), List.of(Diagnostic.error("file:" + origin, message)));
    }

    static boolean hidden(Path root, Path path) {
        for (Path part : root.relativize(path)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    static boolean isConfigFile(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }

}
