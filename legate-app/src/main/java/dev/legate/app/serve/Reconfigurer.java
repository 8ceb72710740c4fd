package dev.legate.app.serve;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.CompileResult;
import dev.legate.compiler.Compiler;
import dev.legate.compiler.Diagnostic;
import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.sources.ChangedKinds;
import dev.legate.sources.DirectorySource;
import dev.legate.sources.SnapshotSource;
import dev.legate.sources.SourceRead;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconfiguration: read the source (a directory, a cluster), compile, publish, keep a snapshot on disk. A
 * configuration that cannot be read, compiled or published never replaces the last good one; the failure is logged
 * and kept for diagnostics. Runs on one thread (the debouncer's).
 */
public final class Reconfigurer implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Reconfigurer.class);

    /**
     * The last configuration that went out.
     *
     * @param path FULL, or ENDPOINTS when only endpoint documents changed and routes were not recompiled
     */
    public record Good(long number, String version, Instant at, CompileResult result, Timings timings,
            CompilePath path) {
    }

    /** How a configuration was compiled. */
    public enum CompilePath {
        /** Everything compiled. */
        FULL,
        /** Only Endpoints, EndpointSlices or ConsulServiceEntries changed: new endpoint assignments only. */
        ENDPOINTS
    }

    /** The last attempt that did not. */
    public record Failure(long number, Instant at, String reason) {
    }

    /** Where one reconfiguration's time went, in milliseconds. (Snapshots are written in the background.) */
    public record Timings(long readMs, long compileMs, long publishMs) {
        public long totalMs() {
            return readMs + compileMs + publishMs;
        }
    }

    private static final String GETAMBASSADOR = "getambassador.io/";

    private final SnapshotSource source;
    private final Compiler compiler;
    private final ConfigPublisher publisher;
    private final @Nullable SnapshotStore snapshots;
    private final Clock clock;
    private volatile ChangedKinds lastChanges = ChangedKinds.unknown();
    private final AtomicReference<@Nullable Good> lastGood = new AtomicReference<>();
    /**
     * Told of every configuration that went out (or was unchanged), on the reconfiguration thread. Guarded by itself,
     * so that a listener added while a configuration goes out is told of it exactly once.
     */
    private final List<Consumer<CompileResult>> listeners = new ArrayList<>();
    private final AtomicReference<@Nullable Failure> lastFailure = new AtomicReference<>();
    /** The snapshot the last good configuration was compiled from. Used only on the reconfiguration thread. */
    private @Nullable ResourceSnapshot lastGoodSnapshot;
    private long attempts;
    /** Whether {@link #run()} is running. */
    private volatile boolean running;

    public Reconfigurer(Path configDir, Compiler compiler, ConfigPublisher publisher,
            @Nullable SnapshotStore snapshots, Clock clock) {
        this(new DirectorySource(requireNonNull(configDir, "configDir")), compiler, publisher, snapshots, clock);
    }

    /** Reads {@code source} on every run; starting and closing the source is the caller's business. */
    public Reconfigurer(SnapshotSource source, Compiler compiler, ConfigPublisher publisher,
            @Nullable SnapshotStore snapshots, Clock clock) {
        this.source = requireNonNull(source, "source");
        this.compiler = requireNonNull(compiler, "compiler");
        this.publisher = requireNonNull(publisher, "publisher");
        this.snapshots = snapshots;
        this.clock = requireNonNull(clock, "clock");
    }

    public Optional<Good> lastGood() {
        return Optional.ofNullable(lastGood.get());
    }

    /** What the source said changed before the latest run. */
    public ChangedKinds lastChanges() {
        return lastChanges;
    }

    public SnapshotSource source() {
        return source;
    }

    public Optional<Failure> lastFailure() {
        return Optional.ofNullable(lastFailure.get());
    }

    /** Whether a reconfiguration is running now. */
    public boolean running() {
        return running;
    }

    @Override
    public void run() {
        running = true;
        try {
            reconfigure();
        } finally {
            running = false;
        }
    }

    private void reconfigure() {
        long number = ++attempts;
        long t0 = System.nanoTime();
        ResourceSnapshot snapshot;
        try {
            SourceRead read = source.read();
            snapshot = read.snapshot();
            lastChanges = read.changes();
            LOG.debug("reconfiguration {}: changed kinds {}{}", number, read.changes(),
                    read.changes().endpointsOnly() ? " (endpoints only)" : "");
        } catch (IOException e) {
            fail(number, "cannot read " + source.describe() + ": " + e.getMessage());
            return;
        }
        long t1 = System.nanoTime();
        CompileResult result;
        CompilePath path = CompilePath.FULL;
        try {
            Good previous = lastGood.get();
            Optional<CompileResult> endpointsOnly = previous == null || lastGoodSnapshot == null ? Optional.empty()
                    : compiler.recompileEndpoints(lastGoodSnapshot, previous.result(), snapshot);
            if (endpointsOnly.isPresent()) {
                result = endpointsOnly.get();
                path = CompilePath.ENDPOINTS;
            } else {
                result = compiler.compile(snapshot);
            }
        } catch (RuntimeException e) {
            LOG.error("reconfiguration {}: internal error while compiling", number, e);
            fail(number, "internal error while compiling: " + e);
            return;
        }
        releaseTrees(snapshot);
        long t2 = System.nanoTime();
        ConfigPublisher.Outcome outcome;
        try {
            outcome = publisher.publish(result.envoy());
        } catch (RuntimeException e) {
            LOG.error("reconfiguration {}: internal error while publishing", number, e);
            fail(number, "internal error while publishing: " + e);
            return;
        }
        long t3 = System.nanoTime();
        if (outcome instanceof ConfigPublisher.Outcome.Refused refused) {
            fail(number, "the configuration was not published: " + refused.reason());
            return;
        }
        ConfigPublisher.Outcome.Published published = (ConfigPublisher.Outcome.Published) outcome;
        if (snapshots != null && published.changed()) {
            snapshots.writeLater(result, published.version());
        }
        Timings timings = new Timings(ms(t1 - t0), ms(t2 - t1), ms(t3 - t2));
        Good good = new Good(number, published.version(), clock.instant(), result, timings, path);
        lastGood.set(good);
        tell(good);
        lastGoodSnapshot = snapshot;
        long errors = result.errorCount();
        long warnings = result.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.WARNING)
                .count();
        LOG.info("reconfiguration {}: {} version {} ({} resources, {} errors, {} warnings; read {} ms, compile{} {} ms, "
                        + "publish {} ms)", number, published.changed() ? "published" : "unchanged,",
                published.version(), result.resources().size(), errors, warnings, timings.readMs(),
                path == CompilePath.ENDPOINTS ? " (endpoints only)" : "",
                timings.compileMs(), timings.publishMs());
        result.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).limit(20)
                .forEach(d -> LOG.warn("{}: {}", d.source(), d.message()));
    }

    /**
     * Lets the parsed trees of the snapshot's getambassador.io documents go once they are compiled (see
     * {@link RawDocument#releaseTree()}): the compiler keeps what it decoded from each, by document, and the next
     * read hands over the same instances for unchanged documents, so the trees are not read again; at 10,000
     * Mappings they are about 30 MB of heap. Other documents (Services, Ingresses, Endpoints, ...) keep theirs: they
     * are few, and read again on later compiles (annotations, named ports, endpoint-only changes).
     */
    static void releaseTrees(ResourceSnapshot snapshot) {
        for (RawDocument d : snapshot.documents()) {
            if (d.apiVersion().startsWith(GETAMBASSADOR)) {
                d.releaseTree();
            }
        }
    }

    /**
     * Tells {@code listener} of every configuration that goes out from now on, and of the current one at once if
     * there is one (so a listener added after the first reconfiguration misses nothing). A listener must not block:
     * it runs on the reconfiguration thread. Its failures are logged and do not stop reconfigurations.
     */
    public void addListener(Consumer<CompileResult> listener) {
        requireNonNull(listener, "listener");
        synchronized (listeners) {
            listeners.add(listener);
            Good current = lastGood.get();
            if (current != null) {
                notify(listener, current.result());
            }
        }
    }

    private void tell(Good good) {
        synchronized (listeners) {
            listeners.forEach(l -> notify(l, good.result()));
        }
    }

    private static void notify(Consumer<CompileResult> listener, CompileResult result) {
        try {
            listener.accept(result);
        } catch (RuntimeException e) {
            LOG.error("a listener of reconfigurations failed", e);
        }
    }

    private void fail(long number, String reason) {
        lastFailure.set(new Failure(number, clock.instant(), reason));
        LOG.error("reconfiguration {} failed, keeping the last good configuration{}: {}", number,
                lastGood.get() == null ? " (there is none yet)" : " (version " + lastGood.get().version() + ")",
                reason);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
