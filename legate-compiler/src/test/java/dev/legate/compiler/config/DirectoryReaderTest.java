package dev.legate.compiler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader told which paths changed gives exactly what a fresh full read gives, after edits, creations, removals,
 * renames, new and removed directories, hidden files, symbolic links and a ConfigMap-style link swap; and it reads
 * only the changed paths where that is safe.
 */
final class DirectoryReaderTest {

    private static final DirectoryReader.Scope FULL = DirectoryReader.Scope.FULL;
    private static final DirectoryReader.Scope CHANGED = DirectoryReader.Scope.CHANGED_PATHS;

    @Test
    void readingTheChangedPathsEqualsAFullRead(@TempDir Path tmp) throws IOException {
        Path root = Files.createDirectories(tmp.resolve("config"));
        mapping(root.resolve("a.yaml"), "a", "/a/");
        mapping(root.resolve("b.yaml"), "b", "/b/");
        Files.createDirectories(root.resolve("team"));
        mapping(root.resolve("team/c.yaml"), "c", "/c/");
        DirectoryReader reader = new DirectoryReader(root);
        check(reader, reader.read(), FULL);
        assertThat(reader.read(List.of()).documents()).hasSize(3);

        mapping(root.resolve("a.yaml"), "a", "/a-edited/");
        check(reader, reader.read(List.of(root.resolve("a.yaml"))), CHANGED);
        mapping(root.resolve("team/d.yaml"), "d", "/d/");
        check(reader, reader.read(List.of(root.resolve("team/d.yaml"))), CHANGED);
        Files.delete(root.resolve("b.yaml"));
        check(reader, reader.read(List.of(root.resolve("b.yaml"))), CHANGED);
        Files.move(root.resolve("team/d.yaml"), root.resolve("team/e.yaml"));
        check(reader, reader.read(List.of(root.resolve("team/d.yaml"), root.resolve("team/e.yaml"))), CHANGED);
        Files.writeString(root.resolve("notes.txt"), "not configuration");
        Files.writeString(root.resolve("broken.yaml"), "kind: [unclosed");
        check(reader, reader.read(List.of(root.resolve("notes.txt"), root.resolve("broken.yaml"))), CHANGED);
        // A path named twice, and one that was never there.
        mapping(root.resolve("a.yaml"), "a", "/a-again/");
        check(reader, reader.read(List.of(root.resolve("a.yaml"), root.resolve("a.yaml"),
                root.resolve("never.yaml"))), CHANGED);

        // Directories: created (with files already in it), removed with its files.
        Path sub = Files.createDirectories(root.resolve("new/deeper"));
        mapping(sub.resolve("f.yaml"), "f", "/f/");
        check(reader, reader.read(List.of(root.resolve("new"))), FULL);
        Files.delete(sub.resolve("f.yaml"));
        Files.delete(sub);
        check(reader, reader.read(List.of(root.resolve("new/deeper"))), FULL);
        check(reader, reader.read(List.of(root.resolve("team/e.yaml"))), CHANGED);

        // Hidden files are not read; a change to one reads everything (it may be a ConfigMap's data).
        mapping(root.resolve(".hidden.yaml"), "h", "/h/");
        check(reader, reader.read(List.of(root.resolve(".hidden.yaml"))), FULL);

        // A path outside the directory (or the directory itself) reads everything.
        check(reader, reader.read(List.of(tmp.resolve("elsewhere.yaml"))), FULL);
        check(reader, reader.read(List.of(root)), FULL);

        // More paths than are worth reading one by one.
        List<Path> many = java.util.stream.IntStream.range(0, DirectoryReader.MAX_CHANGED_PATHS + 1)
                .mapToObj(i -> root.resolve("x" + i + ".yaml")).toList();
        check(reader, reader.read(many), FULL);

        // With a link in the tree every read is a full one, until the link is gone.
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        mapping(outside.resolve("g.yaml"), "g", "/g/");
        Files.createSymbolicLink(root.resolve("g.yaml"), outside.resolve("g.yaml"));
        check(reader, reader.read(List.of(root.resolve("g.yaml"))), FULL);
        mapping(outside.resolve("g.yaml"), "g", "/g-edited/"); // seen through the link only
        check(reader, reader.read(List.of(root.resolve("a.yaml"))), FULL);
        Files.delete(root.resolve("g.yaml"));
        check(reader, reader.read(List.of(root.resolve("g.yaml"))), FULL);
        mapping(root.resolve("a.yaml"), "a", "/a-3/");
        check(reader, reader.read(List.of(root.resolve("a.yaml"))), CHANGED);
    }

    @Test
    void aConfigMapStyleLinkSwapIsReadInFull(@TempDir Path tmp) throws IOException {
        Path root = Files.createDirectories(tmp.resolve("config"));
        Path v1 = Files.createDirectories(root.resolve("..v1"));
        mapping(v1.resolve("m.yaml"), "m", "/v1/");
        Files.createSymbolicLink(root.resolve("..data"), v1.getFileName());
        Files.createSymbolicLink(root.resolve("m.yaml"), Path.of("..data/m.yaml"));
        DirectoryReader reader = new DirectoryReader(root);
        check(reader, reader.read(), FULL);
        Path v2 = Files.createDirectories(root.resolve("..v2"));
        mapping(v2.resolve("m.yaml"), "m", "/v2/");
        Files.createSymbolicLink(root.resolve("..data_tmp"), v2.getFileName());
        Files.move(root.resolve("..data_tmp"), root.resolve("..data"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        ResourceSnapshot swapped = reader.read(List.of(root.resolve("..data")));
        check(reader, swapped, FULL);
        assertThat(swapped.documents().get(0).tree().path("spec").path("prefix").asText()).isEqualTo("/v2/");
    }

    @Test
    void aMissingDirectoryFailsAsAFullReadDoes(@TempDir Path tmp) throws IOException {
        Path root = Files.createDirectories(tmp.resolve("config"));
        mapping(root.resolve("a.yaml"), "a", "/a/");
        DirectoryReader reader = new DirectoryReader(root);
        reader.read();
        Files.delete(root.resolve("a.yaml"));
        Files.delete(root);
        assertThatThrownBy(() -> reader.read(List.of(root.resolve("a.yaml"))))
                .isInstanceOf(ConfigDirectory.UnreadableDirectoryException.class);
        Files.createDirectories(root);
        mapping(root.resolve("b.yaml"), "b", "/b/");
        check(reader, reader.read(List.of(root.resolve("b.yaml"))), FULL);
    }

    private static void check(DirectoryReader reader, ResourceSnapshot read, DirectoryReader.Scope scope)
            throws IOException {
        assertThat(read).isEqualTo(ConfigDirectory.read(reader.directory()));
        assertThat(reader.lastScope()).isEqualTo(scope);
    }

    private static void mapping(Path file, String name, String prefix) throws IOException {
        Files.writeString(file, """
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: %s, namespace: default}
                spec: {prefix: "%s", service: "svc:80"}
                """.formatted(name, prefix));
    }
}
