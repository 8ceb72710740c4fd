package dev.legate.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.compiler.config.ConfigDirectory;
import dev.legate.compiler.config.DirectoryReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Once watching, a read reads the paths the watch service named, and gives what a full read gives. */
final class DirectorySourceTest {

    @Test
    void readsWhatTheWatcherSawChange(@TempDir Path root) throws Exception {
        mapping(root.resolve("a.yaml"), "a", "/a/");
        mapping(root.resolve("b.yaml"), "b", "/b/");
        Semaphore changes = new Semaphore(0);
        try (DirectorySource source = new DirectorySource(root)) {
            source.start(changes::release);
            assertThat(source.read().snapshot()).isEqualTo(ConfigDirectory.read(root));
            assertThat(source.lastReadScope()).isEqualTo(DirectoryReader.Scope.FULL);

            mapping(root.resolve("a.yaml"), "a", "/a-edited/");
            awaitChange(changes);
            assertThat(source.read().snapshot()).isEqualTo(ConfigDirectory.read(root));
            assertThat(source.lastReadScope()).isEqualTo(DirectoryReader.Scope.CHANGED_PATHS);

            Files.move(root.resolve("b.yaml"), root.resolve("c.yaml"));
            awaitChange(changes);
            assertThat(source.read().snapshot()).isEqualTo(ConfigDirectory.read(root));

            Path sub = Files.createDirectories(root.resolve("team"));
            awaitChange(changes);
            mapping(sub.resolve("d.yaml"), "d", "/d/");
            awaitChange(changes);
            assertThat(source.read().snapshot()).isEqualTo(ConfigDirectory.read(root));
            assertThat(source.read().snapshot().documents()).hasSize(3);
        }
    }

    @Test
    void readsEverythingAtLeastAsOftenAsAsked(@TempDir Path root) throws Exception {
        mapping(root.resolve("a.yaml"), "a", "/a/");
        Semaphore changes = new Semaphore(0);
        try (DirectorySource source = new DirectorySource(root, java.time.Duration.ZERO)) {
            source.start(changes::release);
            source.read();
            mapping(root.resolve("a.yaml"), "a", "/a-edited/");
            awaitChange(changes);
            assertThat(source.read().snapshot()).isEqualTo(ConfigDirectory.read(root));
            assertThat(source.lastReadScope()).isEqualTo(DirectoryReader.Scope.FULL);
        }
    }

    /** A directory removed and made again under the same name is watched again. */
    @Test
    void aDirectoryMadeAgainIsWatched(@TempDir Path root) throws Exception {
        Path team = Files.createDirectories(root.resolve("team"));
        mapping(team.resolve("a.yaml"), "a", "/a/");
        Semaphore changes = new Semaphore(0);
        try (DirectorySource source = new DirectorySource(root)) {
            source.start(changes::release);
            source.read();
            Files.delete(team.resolve("a.yaml"));
            Files.delete(team);
            Files.createDirectories(team);
            awaitChange(changes);
            source.read();
            mapping(team.resolve("b.yaml"), "b", "/b/");
            awaitChange(changes);
            assertThat(source.read().snapshot()).isEqualTo(ConfigDirectory.read(root));
            assertThat(source.read().snapshot().documents()).hasSize(1);
        }
    }

    /** Waits for the watcher to report, then for the events of the same write to settle. */
    private static void awaitChange(Semaphore changes) throws InterruptedException {
        assertThat(changes.tryAcquire(10, TimeUnit.SECONDS)).as("a change reported").isTrue();
        while (changes.tryAcquire(200, TimeUnit.MILLISECONDS)) {
            // more events of the same change
        }
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
