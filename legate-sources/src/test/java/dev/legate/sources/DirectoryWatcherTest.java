package dev.legate.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class DirectoryWatcherTest {

    @Test
    void seesWritesNewDirectoriesAndRemovals(@TempDir Path root) throws Exception {
        Semaphore changes = new Semaphore(0);
        try (DirectoryWatcher w = DirectoryWatcher.start(root, changes::release)) {
            Files.writeString(root.resolve("a.yaml"), "kind: Mapping\n");
            assertThat(changes.tryAcquire(10, TimeUnit.SECONDS)).as("file created").isTrue();
            changes.drainPermits();

            Path sub = Files.createDirectories(root.resolve("team/a"));
            assertThat(changes.tryAcquire(10, TimeUnit.SECONDS)).as("directory created").isTrue();
            Thread.sleep(200);
            changes.drainPermits();
            Files.writeString(sub.resolve("b.yaml"), "kind: Host\n");
            assertThat(changes.tryAcquire(10, TimeUnit.SECONDS)).as("file in a new directory").isTrue();
            changes.drainPermits();

            Files.delete(root.resolve("a.yaml"));
            assertThat(changes.tryAcquire(10, TimeUnit.SECONDS)).as("file removed").isTrue();
        }
    }

    @Test
    void seesAConfigMapStyleSymlinkSwap(@TempDir Path root) throws Exception {
        Path v1 = Files.createDirectories(root.resolve("..v1"));
        Files.writeString(v1.resolve("m.yaml"), "a: 1\n");
        Files.createSymbolicLink(root.resolve("..data"), v1.getFileName());
        Semaphore changes = new Semaphore(0);
        try (DirectoryWatcher w = DirectoryWatcher.start(root, changes::release)) {
            Path v2 = Files.createDirectories(root.resolve("..v2"));
            Files.writeString(v2.resolve("m.yaml"), "a: 2\n");
            Files.createSymbolicLink(root.resolve("..data_tmp"), v2.getFileName());
            Files.move(root.resolve("..data_tmp"), root.resolve("..data"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            assertThat(changes.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
