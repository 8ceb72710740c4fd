package dev.legate.sources;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces bursts of changes into one action. After a change the action runs once things have been quiet for the
 * holdoff, but never later than the maximum delay after the first change of the burst, so a steady trickle of
 * changes cannot starve it. The action runs on one thread, never concurrently with itself; changes that arrive while
 * it runs start a new burst.
 */
public final class Debouncer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Debouncer.class);

    private final Duration holdoff;
    private final Duration maxDelay;
    private final Runnable action;
    private final ScheduledExecutorService executor;

    /** Guarded by this: the pending run, and when the current burst started (nanoTime), or 0 when none. */
    private @Nullable ScheduledFuture<?> pending;
    private long burstStart;
    private long changes;

    public Debouncer(Duration holdoff, Duration maxDelay, Runnable action) {
        this.holdoff = requireNonNull(holdoff, "holdoff");
        this.maxDelay = requireNonNull(maxDelay, "maxDelay");
        if (holdoff.isNegative() || maxDelay.compareTo(holdoff) < 0) {
            throw new IllegalArgumentException("holdoff: " + holdoff + ", maxDelay: " + maxDelay
                    + " (expected: 0 <= holdoff <= maxDelay)");
        }
        this.action = requireNonNull(action, "action");
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "legate-reconfigure");
            t.setDaemon(true);
            return t;
        });
    }

    /** Records a change; the action will run after the holdoff (or the maximum delay). */
    public synchronized void changed() {
        long now = System.nanoTime();
        changes++;
        if (burstStart == 0) {
            burstStart = now;
        }
        long latest = burstStart + maxDelay.toNanos();
        long due = Math.min(now + holdoff.toNanos(), latest);
        if (pending != null) {
            pending.cancel(false);
        }
        pending = executor.schedule(this::fire, Math.max(0, due - now), TimeUnit.NANOSECONDS);
    }

    /** Whether no run is waiting for its holdoff (a run in progress does not count). */
    public synchronized boolean nothingPending() {
        return pending == null;
    }

    /** Runs the action as soon as possible, without waiting for a holdoff (used at start-up). */
    public synchronized void now() {
        if (pending != null) {
            pending.cancel(false);
        }
        burstStart = System.nanoTime();
        pending = executor.schedule(this::fire, 0, TimeUnit.NANOSECONDS);
    }

    private void fire() {
        long coalesced;
        synchronized (this) {
            coalesced = changes;
            changes = 0;
            burstStart = 0;
            pending = null;
        }
        LOG.debug("running after {} coalesced changes", coalesced);
        try {
            action.run();
        } catch (RuntimeException e) {
            // The action reports its own failures; this keeps the thread alive for the next change.
            LOG.error("reconfiguration failed unexpectedly", e);
        } catch (Error e) {
            // Out of memory and the like: the executor would swallow it without a word. Say so, and let it
            // propagate (serve runs with -XX:+ExitOnOutOfMemoryError, so the process ends and is restarted).
            LOG.error("reconfiguration failed fatally: {}", e.toString(), e);
            throw e;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("a reconfiguration was still running at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
