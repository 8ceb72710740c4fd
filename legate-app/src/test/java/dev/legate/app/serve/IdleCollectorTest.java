package dev.legate.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.Compiler;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class IdleCollectorTest {

    @Test
    void collectsOnlyAnOldGenerationNearlyFull() {
        assertThat(IdleCollector.fullEnough(new MemoryUsage(0, 150 << 20, 240 << 20, 240 << 20))).isFalse();
        assertThat(IdleCollector.fullEnough(new MemoryUsage(0, 200 << 20, 240 << 20, 240 << 20))).isTrue();
        // No maximum: what is committed.
        assertThat(IdleCollector.fullEnough(new MemoryUsage(0, 90 << 20, 100 << 20, -1))).isTrue();
        assertThat(IdleCollector.fullEnough(new MemoryUsage(0, 0, 0, -1))).isFalse();
    }

    @Test
    void knowsTheOldGenerationOfThisJvm() {
        assertThat(ManagementFactory.getMemoryPoolMXBeans()).anySatisfy(p ->
                assertThat(IdleCollector.isOldGeneration(p.getName())).isTrue());
    }

    @Test
    void neverCollectsWhileAReconfigurationRuns() {
        int[] collected = {0};
        new IdleCollector(() -> true, () -> collected[0]++).run();
        assertThat(collected[0]).isZero();
    }

    /** The store runs its quiet-moment action after a background write, on the writer's thread. */
    @Test
    void theStoreRunsItsQuietActionAfterAWrite(@TempDir Path dir) throws Exception {
        dev.legate.compiler.CompileResult result = new Compiler(CompileOptions.DEFAULTS).compile(
                dev.legate.compiler.config.ConfigDirectory.read(Path.of("../examples/quickstart")));
        CountDownLatch ran = new CountDownLatch(1);
        String[] thread = new String[1];
        try (SnapshotStore store = new SnapshotStore(dir, 2, Duration.ofMillis(10))) {
            store.whenQuietAfterWrite(() -> {
                thread[0] = Thread.currentThread().getName();
                ran.countDown();
            });
            store.writeLater(result, "v1");
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(thread[0]).isEqualTo("legate-snapshot-writer");
            assertThat(store.existing()).hasSize(1);
            assertThat(Files.exists(store.existing().get(0).resolve("envoy.json"))).isTrue();
        }
    }
}
