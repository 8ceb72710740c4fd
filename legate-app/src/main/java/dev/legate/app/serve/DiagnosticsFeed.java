package dev.legate.app.serve;

import static java.util.Objects.requireNonNull;

import dev.legate.diag.Diagnostics;
import dev.legate.diag.GatewayState;
import dev.legate.diag.Reconfiguration;
import dev.legate.diag.ServedConfiguration;
import dev.legate.xds.ClientStatus;
import dev.legate.xds.XdsServer;
import dev.legate.xds.XdsStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Connects the reconfiguration loop to the diagnostics: what the gateway serves ({@link GatewayState}), and a record
 * of every reconfiguration attempt ({@link #run()} wraps the reconfigurer, on the debouncer's thread).
 */
final class DiagnosticsFeed implements GatewayState, Runnable {

    private static final XdsStats NO_STREAMS = new XdsStats(0, 0, 0);

    private final Reconfigurer reconfigurer;
    /** The ADS server, once it has started (the first compile starts before it). */
    private final CompletableFuture<XdsServer> xds;
    private volatile BooleanSupplier ready = () -> false;
    /** Guards {@link #diagnostics} and {@link #pending}, so that attempts reach the history once and in order. */
    private final Object lock = new Object();
    private @Nullable Diagnostics diagnostics;
    /** Attempts made before the diagnostics existed (the first compile starts before they are made). */
    private final List<Reconfiguration> pending = new ArrayList<>();
    /** The version served before the last attempt. Used only on the reconfiguration thread. */
    private @Nullable String servedVersion;

    DiagnosticsFeed(Reconfigurer reconfigurer, XdsServer xds) {
        this(reconfigurer, CompletableFuture.completedFuture(requireNonNull(xds, "xds")));
    }

    /** With an ADS server still starting: until it has, there are no clients and no streams. */
    DiagnosticsFeed(Reconfigurer reconfigurer, CompletableFuture<XdsServer> xds) {
        this.reconfigurer = requireNonNull(reconfigurer, "reconfigurer");
        this.xds = requireNonNull(xds, "xds");
    }

    /** From now on attempts go to {@code diagnostics}; those made before go there first. */
    void reportTo(Diagnostics diagnostics) {
        requireNonNull(diagnostics, "diagnostics");
        synchronized (lock) {
            this.diagnostics = diagnostics;
            pending.forEach(diagnostics::record);
            pending.clear();
        }
    }

    /** The probes' readiness, known once Envoy's supervision is set up. */
    void readiness(BooleanSupplier ready) {
        this.ready = requireNonNull(ready, "ready");
    }

    @Override
    public void run() {
        reconfigurer.run();
        Optional<Reconfigurer.Good> good = reconfigurer.lastGood();
        Optional<Reconfigurer.Failure> failure = reconfigurer.lastFailure();
        long goodNumber = good.map(Reconfigurer.Good::number).orElse(0L);
        long failedNumber = failure.map(Reconfigurer.Failure::number).orElse(0L);
        Reconfiguration attempt;
        if (failedNumber > goodNumber) {
            Reconfigurer.Failure f = failure.get();
            attempt = new Reconfiguration(f.number(), f.at(), Reconfiguration.Outcome.FAILED,
                    good.map(Reconfigurer.Good::version).orElse(null), f.reason(), ServedConfiguration.Timings.NONE,
                    0, 0);
        } else if (good.isPresent()) {
            Reconfigurer.Good g = good.get();
            attempt = new Reconfiguration(g.number(), g.at(), g.version().equals(servedVersion)
                    ? Reconfiguration.Outcome.UNCHANGED : Reconfiguration.Outcome.PUBLISHED, g.version(), null,
                    timings(g), g.result().resources().size(), g.result().errorCount());
            servedVersion = g.version();
        } else {
            return;
        }
        synchronized (lock) {
            if (diagnostics != null) {
                diagnostics.record(attempt);
            } else {
                pending.add(attempt);
            }
        }
    }

    @Override
    public Optional<ServedConfiguration> served() {
        return reconfigurer.lastGood().map(g -> new ServedConfiguration(g.number(), g.version(), g.at(), g.result(),
                timings(g)));
    }

    @Override
    public List<ClientStatus> clients() {
        return server().map(XdsServer::clients).orElse(List.of());
    }

    @Override
    public XdsStats xdsStats() {
        return server().map(XdsServer::stats).orElse(NO_STREAMS);
    }

    private Optional<XdsServer> server() {
        return xds.isDone() && !xds.isCompletedExceptionally() ? Optional.of(xds.join()) : Optional.empty();
    }

    @Override
    public boolean ready() {
        return ready.getAsBoolean();
    }

    private static ServedConfiguration.Timings timings(Reconfigurer.Good g) {
        return new ServedConfiguration.Timings(g.timings().readMs(), g.timings().compileMs(),
                g.timings().publishMs());
    }
}
