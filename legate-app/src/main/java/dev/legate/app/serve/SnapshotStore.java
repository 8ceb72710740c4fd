package dev.legate.app.serve;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.CompileResult;
import dev.legate.compiler.output.EnvoyJsonFiles;
import dev.legate.compiler.output.IrJsonFiles;
import dev.legate.compiler.output.SnapshotYamlFiles;
import dev.legate.compiler.output.Reports;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Keeps the last N configurations on disk, one directory each ({@code 000042-<version>/} with snapshot.yaml, ir.json,
 * envoy.json, diagnostics.json), and a {@code latest} link to the newest. A directory is written under a temporary
 * name and renamed into place, so a reader never sees half of one.
 */
public final class SnapshotStore implements AutoCloseable {

    private static final Pattern ENTRY = Pattern.compile("\\d{6}-.*");

    private final Path root;
    private final int keep;
    private final Duration quiet;
    private long sequence;
    /**
     * Copies the documents of unchanged resources (the compiler keeps their instances) from the last snapshot.yaml
     * instead of rendering them again, or keeping their text in memory.
     */
    private final SnapshotYamlFiles snapshotYaml = new SnapshotYamlFiles();
    /**
     * Copies the routes an envoy.json shares with the last one written from that file instead of rendering them
     * again: at 10,000 Mappings they are nearly all of its 50 MB, and rendering them most of a write's CPU time and
     * allocation. The file is the same, byte for byte.
     */
    private final EnvoyJsonFiles envoyJson = new EnvoyJsonFiles();
    /** The same for ir.json: its mapping groups and bound routes (20 MB at 10,000 Mappings). */
    private final IrJsonFiles irJson = new IrJsonFiles();
    /** Writes happen here, in order, so that a slow disk never delays the next publish. */
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "legate-snapshot-writer");
        t.setDaemon(true);
        return t;
    });

    /** A store whose background writes wait for {@link #DEFAULT_QUIET} without reconfiguration. */
    public SnapshotStore(Path root, int keep) throws IOException {
        this(root, keep, DEFAULT_QUIET);
    }

    /**
     * A store of the last {@code keep} configurations under {@code root}. A background write starts once no newer
     * configuration has come for {@code quiet}, and at the latest {@link #MAX_DELAY} after the oldest waiting one:
     * rendering a large configuration to disk takes as long as compiling it, and on a small machine it would
     * otherwise compete with the next reconfiguration of a burst.
     */
    public SnapshotStore(Path root, int keep, Duration quiet) throws IOException {
        this.root = requireNonNull(root, "root");
        if (keep < 1) {
            throw new IllegalArgumentException("keep: " + keep + " (expected: >= 1)");
        }
        this.keep = keep;
        this.quiet = requireNonNull(quiet, "quiet");
        Files.createDirectories(root);
        this.sequence = existing().stream().mapToLong(p -> Long.parseLong(p.getFileName().toString()
                .substring(0, 6))).max().orElse(0);
    }

    /** How long background writes wait for the reconfigurations to pause, by default. */
    public static final Duration DEFAULT_QUIET = Duration.ofMillis(300);
    /** The longest a configuration waits to be written while reconfigurations keep coming. */
    public static final Duration MAX_DELAY = Duration.ofSeconds(5);

    public Path root() {
        return root;
    }

    /** A configuration waiting to be written, since when something has been waiting, and when it came. */
    private record Pending(CompileResult result, String version, long waitingSinceNanos, long offeredNanos) {
    }

    /** Runs on the writer's thread after a write made in a quiet moment, if nothing came meanwhile. */
    private volatile Runnable whenQuietAfterWrite = () -> { };

    /**
     * Runs {@code action} on the writer's thread after each write made once reconfigurations paused, when no newer
     * configuration came during the write (e.g. to collect garbage while the gateway is idle). It must not throw.
     */
    public void whenQuietAfterWrite(Runnable action) {
        this.whenQuietAfterWrite = requireNonNull(action, "action");
    }

    /** The newest configuration not yet written; an older one it replaced is simply skipped. */
    private final AtomicReference<@Nullable Pending> pending = new AtomicReference<>();

    /**
     * Writes one configuration in the background, once reconfigurations pause (see the constructor); failures are
     * logged. Only the newest waiting configuration is written, so a burst of reconfigurations cannot queue up memory.
     */
    public void writeLater(CompileResult result, String version) {
        long now = System.nanoTime();
        Pending before = pending.getAndUpdate(p -> new Pending(result, version,
                p == null ? now : p.waitingSinceNanos(), now));
        if (before == null) {
            schedule(quiet.toNanos());
        }
    }

    private void schedule(long delayNanos) {
        try {
            writer.schedule(this::writeWhenQuiet, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Closed: the configuration is still served, only its copy on disk is missing.
        }
    }

    private void writeWhenQuiet() {
        Pending next = pending.get();
        if (next == null) {
            return;
        }
        long now = System.nanoTime();
        long untilQuiet = next.offeredNanos() + quiet.toNanos() - now;
        long untilDeadline = next.waitingSinceNanos() + MAX_DELAY.toNanos() - now;
        if (untilQuiet > 0 && untilDeadline > 0) {
            schedule(Math.min(untilQuiet, untilDeadline));
            return;
        }
        writePending();
        if (untilQuiet <= 0 && pending.get() == null) {
            try {
                whenQuietAfterWrite.run();
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(SnapshotStore.class).warn("after writing a snapshot: {}", e.toString());
            }
        }
    }

    private void writePending() {
        Pending next = pending.getAndSet(null);
        if (next == null) {
            return;
        }
        try {
            write(next.result(), next.version());
        } catch (IOException | RuntimeException e) {
            LoggerFactory.getLogger(SnapshotStore.class).warn(
                    "cannot write the snapshot of version {} to {}: {}", next.version(), root, e.getMessage());
        }
    }

    /** Writes what is waiting now, without waiting for a pause, and waits for it (for tests and shutdown). */
    public void flush() throws InterruptedException {
        try {
            writer.submit(this::writePending).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the snapshot writer failed", e.getCause());
        }
    }

    @Override
    public void close() {
        // What waits for a pause is written now; then no more delayed attempts.
        try {
            writer.execute(this::writePending);
        } catch (RejectedExecutionException e) {
            // already closed
        }
        if (writer instanceof java.util.concurrent.ScheduledThreadPoolExecutor pool) {
            pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        }
        writer.shutdown();
        try {
            writer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes one configuration; returns its directory. */
    public synchronized Path write(CompileResult result, String version) throws IOException {
        sequence = (sequence + 1) % 1_000_000;
        String name = String.format("%06d-%s", sequence, version.replaceAll("[^0-9A-Za-z_.-]", "_"));
        Path tmp = root.resolve(".tmp-" + name);
        Path target = root.resolve(name);
        Files.createDirectories(tmp);
        try {
            // Each file is streamed: nothing the size of a whole file is built in memory (at 10,000 Mappings
            // envoy.json is some 40 MB and snapshot.yaml 10 MB).
            envoyJson.write(result.envoy(), tmp.resolve("envoy.json"));
            irJson.write(result.ir(), tmp.resolve("ir.json"));
            snapshotYaml.write(result.resources(), tmp.resolve("snapshot.yaml"));
            writeFile(tmp.resolve("diagnostics.json"), out -> Reports.writeDiagnosticsJson(result.diagnostics(),
                    out));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
        remember(target);
        link(target);
        rotate();
        return target;
    }

    /** The next write copies from these files; if one cannot be looked at now, it renders that one in full. */
    private void remember(Path target) {
        try {
            envoyJson.committed(target.resolve("envoy.json"));
            irJson.committed(target.resolve("ir.json"));
            snapshotYaml.committed(target.resolve("snapshot.yaml"));
        } catch (IOException e) {
            LoggerFactory.getLogger(SnapshotStore.class).debug("the next snapshot is rendered in full: {}",
                    e.toString());
        }
    }

    private void link(Path target) throws IOException {
        Path tmpLink = root.resolve(".latest.tmp");
        Files.deleteIfExists(tmpLink);
        Files.createSymbolicLink(tmpLink, target.getFileName());
        try {
            Files.move(tmpLink, root.resolve("latest"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmpLink, root.resolve("latest"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void rotate() throws IOException {
        List<Path> entries = existing();
        for (int i = 0; i < entries.size() - keep; i++) {
            deleteTree(entries.get(i));
        }
    }

    /** Snapshot directories, oldest first. */
    List<Path> existing() throws IOException {
        try (Stream<Path> list = Files.list(root)) {
            return list.filter(p -> ENTRY.matcher(p.getFileName().toString()).matches())
                    .filter(Files::isDirectory)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @FunctionalInterface
    private interface ByteContent {
        void writeTo(OutputStream out) throws IOException;
    }

    private static void writeFile(Path file, ByteContent content) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            content.writeTo(out);
        }
    }
}
