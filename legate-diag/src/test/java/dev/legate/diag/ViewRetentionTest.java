package dev.legate.diag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.compiler.CompileResult;
import dev.legate.xds.XdsServer;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The tables are built in advance only while someone looks at the pages, and dropped otherwise. */
final class ViewRetentionTest {

    @Test
    void tablesAreBuiltAheadOnlyWhileSomeoneLooks() throws Exception {
        CompileResult result = DiagFixture.compile(DiagFixture.DIR);
        AtomicReference<ServedConfiguration> served = new AtomicReference<>(DiagFixture.served(result));
        try (XdsServer xds = XdsServer.start(new InetSocketAddress("127.0.0.1", 0));
                Diagnostics diagnostics = new Diagnostics(new DiagOptions("default", Optional.empty(),
                        OptionalInt.empty()), DiagFixture.state(() -> Optional.of(served.get()), xds),
                        Clock.systemUTC())) {
            diagnostics.record(published(1, result));
            // Nobody has looked: nothing is built.
            assertThat(diagnostics.heldView()).isEmpty();

            ConfigView first = diagnostics.currentView().orElseThrow();
            assertThat(diagnostics.heldView()).containsSame(first);

            // Someone looked a moment ago: the next configuration's tables are built in the background.
            served.set(new ServedConfiguration(2, "v2-test", Instant.parse("2026-01-01T00:02:00Z"), result,
                    new ServedConfiguration.Timings(1, 2, 3)));
            diagnostics.record(published(2, result));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (diagnostics.heldView().map(v -> v.served.number()).orElse(0L) != 2
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(diagnostics.heldView()).get().satisfies(v -> assertThat(v.served.number()).isEqualTo(2));
            assertThat(diagnostics.currentView().orElseThrow().served.number()).isEqualTo(2);
        }
    }

    private static Reconfiguration published(long number, CompileResult result) {
        return new Reconfiguration(number, Instant.parse("2026-01-01T00:00:00Z"), Reconfiguration.Outcome.PUBLISHED,
                "v" + number + "-test", null, new ServedConfiguration.Timings(3, 40, 5), result.resources().size(),
                result.errorCount());
    }
}
