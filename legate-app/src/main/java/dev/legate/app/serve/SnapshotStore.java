package dev.legate.app.serve;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.CompileResult;
import dev.legate.compiler.output.EnvoyJson;
import dev.legate.compiler.output.Reports;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Keeps the last N configurations on disk, one directory each ({@code 000042-<version>/} with snapshot.yaml, ir.json,
 * envoy.json, diagnostics.json), and a {@code latest} link to the newest. A directory is written under a temporary
 * name and renamed into place, so a reader never sees half of one.
 */
public final class SnapshotStore implements AutoCloseable {

    private static final Pattern ENTRY = Pattern.compile("\\d{6}-.*");

    private final Path root;
    private final int keep;
    private long sequence;
    /** Writes happen here, in order, so that a slow disk never delays the next publish. */
    private final java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "legate-snapshot-writer");
                t.setDaemon(true);
                return t;
            });

    public SnapshotStore(Path root, int keep) throws IOException {
        this.root = requireNonNull(root, "root");
        if (keep < 1) {
            throw new IllegalArgumentException("keep: " + keep + " (expected: >= 1)");
        }
        this.keep = keep;
        Files.createDirectories(root);
        this.sequence = existing().stream().mapToLong(p -> Long.parseLong(p.getFileName().toString()
                .substring(0, 6))).max().orElse(0);
    }

    public Path root() {
        return root;
    }

    /** A configuration waiting to be written. */
    private record Pending(CompileResult result, String version) {
    }

    /** The newest configuration not yet written; an older one it replaced is simply skipped. */
    private final java.util.concurrent.atomic.AtomicReference<@org.jspecify.annotations.Nullable Pending> pending =
            new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * Writes one configuration in the background; failures are logged. When writes fall behind, only the newest
     * waiting configuration is written, so a burst of reconfigurations cannot queue up memory.
     */
    public void writeLater(CompileResult result, String version) {
        if (pending.getAndSet(new Pending(result, version)) == null) {
            writer.execute(this::writePending);
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
            org.slf4j.LoggerFactory.getLogger(SnapshotStore.class).warn(
                    "cannot write the snapshot of version {} to {}: {}", next.version(), root, e.getMessage());
        }
    }

    /** Waits for the background writes queued so far (for tests and shutdown). */
    public void flush() throws InterruptedException {
        try {
            writer.submit(() -> { }).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the snapshot writer failed", e.getCause());
        }
    }

    @Override
    public void close() {
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
            writeFile(tmp.resolve("envoy.json"), out -> EnvoyJson.writeBootstrap(result.envoy(), out));
            writeText(tmp.resolve("ir.json"), w -> Reports.writeIrJson(result.ir(), w));
            writeText(tmp.resolve("snapshot.yaml"), w -> w.write(Reports.snapshotYaml(result.resources())));
            writeText(tmp.resolve("diagnostics.json"), w -> w.write(Reports.diagnosticsJson(result.diagnostics())));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
        link(target);
        rotate();
        return target;
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

    @FunctionalInterface
    private interface TextContent {
        void writeTo(Writer out) throws IOException;
    }

    private static void writeFile(Path file, ByteContent content) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            content.writeTo(out);
        }
    }

    private static void writeText(Path file, TextContent content) throws IOException {
        writeFile(file, out -> {
            try (Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                content.writeTo(w);
            }
        });
    }
}
