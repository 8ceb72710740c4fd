package dev.legate.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.Compiler;
import dev.legate.compiler.envoy.EnvoyConfig;
import dev.legate.diag.DiagOptions;
import dev.legate.diag.Diagnostics;
import dev.legate.diag.OverviewQuery;
import dev.legate.diag.Reconfiguration;
import dev.legate.xds.XdsServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every reconfiguration attempt reaches the diagnostics' history with its outcome, in order. */
final class DiagnosticsFeedTest {

    /** Publishes versions by content; refuses when told to. */
    private static final class Publisher implements ConfigPublisher {
        volatile boolean refuse;
        private String last = "";

        @Override
        public Outcome publish(EnvoyConfig config) {
            if (refuse) {
                return new Outcome.Refused("refused for the test");
            }
            String version = Integer.toHexString(config.hashCode());
            boolean changed = !version.equals(last);
            last = version;
            return new Outcome.Published(version, changed);
        }
    }

    @Test
    void publishedUnchangedAndFailedAttemptsAreRecorded(@TempDir Path dir) throws Exception {
        for (Path f : Files.list(Path.of("../examples/quickstart")).toList()) {
            Files.copy(f, dir.resolve(f.getFileName()));
        }
        Publisher publisher = new Publisher();
        Reconfigurer reconfigurer = new Reconfigurer(dir, new Compiler(CompileOptions.DEFAULTS), publisher, null,
                Clock.systemUTC());
        try (XdsServer xds = XdsServer.start(new InetSocketAddress("127.0.0.1", 0))) {
            DiagnosticsFeed feed = new DiagnosticsFeed(reconfigurer, xds);
            try (Diagnostics diagnostics = new Diagnostics(new DiagOptions("default", Optional.empty(),
                    OptionalInt.empty()), feed, Clock.systemUTC())) {
                feed.reportTo(diagnostics);
                feed.readiness(() -> reconfigurer.lastGood().isPresent());

                feed.run();
                feed.run();
                publisher.refuse = true;
                feed.run();

                assertThat(diagnostics.history()).extracting(Reconfiguration::number).containsExactly(3L, 2L, 1L);
                assertThat(diagnostics.history()).extracting(Reconfiguration::outcome).containsExactly(
                        Reconfiguration.Outcome.FAILED, Reconfiguration.Outcome.UNCHANGED,
                        Reconfiguration.Outcome.PUBLISHED);
                Reconfiguration failed = diagnostics.history().get(0);
                assertThat(failed.reason()).contains("refused for the test");
                assertThat(failed.version()).isEqualTo(reconfigurer.lastGood().orElseThrow().version());
                assertThat(diagnostics.history().get(2).resources()).isEqualTo(6);

                var overview = diagnostics.overview(OverviewQuery.FIRST_PAGES);
                assertThat(overview.lastFailure()).isEqualTo(failed);
                assertThat(overview.system().state()).isEqualTo("ready");
                assertThat(overview.routes().total()).isPositive();
            }
        }
    }
}
