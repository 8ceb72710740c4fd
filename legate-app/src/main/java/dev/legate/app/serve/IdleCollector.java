package dev.legate.app.serve;

import static java.util.Objects.requireNonNull;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the old generation while the gateway is idle, when it is nearly full. Each reconfiguration leaves the
 * configuration it replaced in the old generation (it lived long enough to be promoted): at 10,000 Mappings some
 * 15 MB an edit, so every few edits a full collection (0.2 - 0.5 s with the serial collector) becomes due, and
 * without this it falls inside the compile of the edit that fills the old generation, delaying that edit's push by as
 * much. Run after a snapshot was written in a quiet moment (see {@link SnapshotStore}), it collects then instead,
 * when nothing is being reconfigured; it collects only when the old generation is at least
 * {@link #THRESHOLD} full, that is about when the collection would have come anyway.
 */
final class IdleCollector implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(IdleCollector.class);

    /** How full the old generation must be (of its maximum) for an idle collection. */
    static final double THRESHOLD = 0.8;

    private final BooleanSupplier busy;
    private final Runnable collect;
    private final List<MemoryPoolMXBean> oldGenerations;

    /** {@code busy}: whether a reconfiguration runs or waits for its holdoff now (then nothing is collected). */
    IdleCollector(BooleanSupplier busy) {
        this(busy, System::gc);
    }

    /** With what collects the heap ({@link System#gc()} but in tests). */
    IdleCollector(BooleanSupplier busy, Runnable collect) {
        this.busy = requireNonNull(busy, "busy");
        this.collect = requireNonNull(collect, "collect");
        this.oldGenerations = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .filter(p -> isOldGeneration(p.getName()))
                .toList();
    }

    /** The old generation's pool under the collectors a JVM may run with (serial, parallel, G1). */
    static boolean isOldGeneration(String poolName) {
        return poolName.equals("Tenured Gen") || poolName.equals("PS Old Gen") || poolName.equals("G1 Old Gen");
    }

    /** Whether a pool at {@code usage} is full enough for an idle collection. */
    static boolean fullEnough(MemoryUsage usage) {
        long max = usage.getMax() > 0 ? usage.getMax() : usage.getCommitted();
        return max > 0 && usage.getUsed() >= THRESHOLD * max;
    }

    @Override
    public void run() {
        if (busy.getAsBoolean()) {
            return;
        }
        for (MemoryPoolMXBean pool : oldGenerations) {
            MemoryUsage usage = pool.getUsage();
            if (fullEnough(usage)) {
                long start = System.nanoTime();
                collect.run();
                LOG.debug("collected while idle: {} held {} of at most {} MB ({} ms)", pool.getName(),
                        usage.getUsed() >> 20, usage.getMax() >> 20, (System.nanoTime() - start) / 1_000_000);
                return;
            }
        }
    }
}
