package dev.legate.bench;

import com.sun.management.ThreadMXBean;
import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.CompileResult;
import dev.legate.compiler.Compiler;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.output.EnvoyJson;
import dev.legate.compiler.output.Reports;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What rendering one configuration's snapshot files costs after an edit, per file, in CPU time and bytes allocated on
 * the rendering thread: rendered afresh (to a counting sink, not to disk), and written to disk by the writers that
 * copy from the previous file what they can, as {@code legate serve}'s snapshot writer does (found by name: an older
 * revision has none), checked against a fresh rendering.
 *
 * <pre>
 * java -cp ... dev.legate.bench.SnapshotWriteLoop [--mappings N] [--edits N] [--warmup N]
 * </pre>
 */
public final class SnapshotWriteLoop {

    private SnapshotWriteLoop() {
    }

    /** Counts the bytes written to it. */
    private static final class Counting extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    @FunctionalInterface
    private interface Render {
        void to(OutputStream out) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int mappings = 10_000;
        int edits = 10;
        int warmup = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mappings" -> mappings = Integer.parseInt(args[++i]);
                case "--edits" -> edits = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        MappingEdits loop = MappingEdits.generated(mappings);
        ResourceSnapshot base = loop.base();
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        Compiler compiler = new Compiler(CompileOptions.DEFAULTS);
        Reports.RenderedResources rendered = new Reports.RenderedResources();
        String[] names = {"envoy.json", "ir.json", "snapshot.yaml", "diagnostics.json", "envoy.json spliced", "ir.json spliced",
            "snapshot.yaml spliced"};
        java.nio.file.Path scratch = java.nio.file.Files.createTempDirectory("snapshot-write-loop");
        // By name: bench/serve.sh --at REV builds this module against REV's compiler, which may not have them.
        Spliced envoyFiles = Spliced.of("dev.legate.compiler.output.EnvoyJsonFiles",
                dev.legate.compiler.envoy.EnvoyConfig.class);
        Spliced irFiles = Spliced.of("dev.legate.compiler.output.IrJsonFiles", dev.legate.compiler.ir.Ir.class);
        Spliced yamlFiles = Spliced.of("dev.legate.compiler.output.SnapshotYamlFiles", List.class);
        long mismatches = 0;
        long[][] cpu = new long[names.length][edits];
        long[][] alloc = new long[names.length][edits];
        long[] size = new long[names.length];
        for (int edit = 0; edit < warmup + edits; edit++) {
            final int e = edit;
            CompileResult result = compiler.compile(loop.edit(e));
            Render[] renders = {
                out -> EnvoyJson.writeBootstrap(result.envoy(), out),
                out -> Reports.writeIrJson(result.ir(), out),
                out -> {
                    try (Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                        Reports.writeSnapshotYaml(result.resources(), rendered, w);
                    }
                },
                out -> Reports.writeDiagnosticsJson(result.diagnostics(), out),
                out -> {
                    java.nio.file.Path dir = scratch.resolve("w" + (e % 2));
                    java.nio.file.Files.createDirectories(dir);
                    envoyFiles.write(result.envoy(), dir.resolve("envoy.json"));
                },
                out -> {
                    java.nio.file.Path dir = scratch.resolve("w" + (e % 2));
                    irFiles.write(result.ir(), dir.resolve("ir.json"));
                },
                out -> {
                    java.nio.file.Path dir = scratch.resolve("w" + (e % 2));
                    yamlFiles.write(result.resources(), dir.resolve("snapshot.yaml"));
                },
            };
            for (int f = 0; f < names.length; f++) {
                if ((f == 4 && !envoyFiles.present()) || (f == 5 && !irFiles.present())
                        || (f == 6 && !yamlFiles.present())) {
                    continue;
                }
                Counting sink = new Counting();
                long c0 = threads.getCurrentThreadCpuTime();
                long a0 = threads.getCurrentThreadAllocatedBytes();
                renders[f].to(new java.io.BufferedOutputStream(sink, 1 << 16));
                long c1 = threads.getCurrentThreadCpuTime();
                long a1 = threads.getCurrentThreadAllocatedBytes();
                size[f] = sink.bytes;
                if (f == 4 && envoyFiles.present()) {
                    java.io.ByteArrayOutputStream fresh = new java.io.ByteArrayOutputStream();
                    EnvoyJson.writeBootstrap(result.envoy(), fresh);
                    byte[] written = java.nio.file.Files.readAllBytes(scratch.resolve("w" + (e % 2))
                            .resolve("envoy.json"));
                    size[f] = written.length;
                    if (!Arrays.equals(fresh.toByteArray(), written)) {
                        mismatches++;
                    }
                    System.out.println("edit " + e + ": " + envoyFiles.lastStats());
                }
                if (f == 5 && irFiles.present()) {
                    byte[] written = java.nio.file.Files.readAllBytes(scratch.resolve("w" + (e % 2))
                            .resolve("ir.json"));
                    size[f] = written.length;
                    if (!Arrays.equals(Reports.irJson(result.ir()).getBytes(StandardCharsets.UTF_8), written)) {
                        mismatches++;
                    }
                    System.out.println("edit " + e + ": " + irFiles.lastStats());
                }
                if (f == 6 && yamlFiles.present()) {
                    byte[] written = java.nio.file.Files.readAllBytes(scratch.resolve("w" + (e % 2))
                            .resolve("snapshot.yaml"));
                    size[f] = written.length;
                    if (!Arrays.equals(Reports.snapshotYaml(result.resources()).getBytes(StandardCharsets.UTF_8),
                            written)) {
                        mismatches++;
                    }
                    System.out.println("edit " + e + ": " + yamlFiles.lastStats());
                }
                if (e >= warmup) {
                    cpu[f][e - warmup] = c1 - c0;
                    alloc[f][e - warmup] = a1 - a0;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d Mappings, %d edits after %d warm-up (medians)%n", mappings, edits, warmup);
        for (int f = 0; f < names.length; f++) {
            System.out.printf(Locale.ROOT, "%-17s %6.1f MB  CPU %7.1f ms  allocated %7.1f MB%n", names[f],
                    size[f] / 1048576.0, median(cpu[f]) / 1e6, median(alloc[f]) / 1048576.0);
        }
        System.out.println("spliced files differing from a fresh rendering: " + mismatches);
        delete(scratch);
    }

    /** A writer of successive files (EnvoyJsonFiles, IrJsonFiles) found by name, or none. */
    private record Spliced(@org.jspecify.annotations.Nullable Object writer,
            java.lang.reflect.@org.jspecify.annotations.Nullable Method write,
            java.lang.reflect.@org.jspecify.annotations.Nullable Method committed,
            java.lang.reflect.@org.jspecify.annotations.Nullable Method stats) {

        static Spliced of(String className, Class<?> content) {
            try {
                Class<?> type = Class.forName(className);
                return new Spliced(type.getConstructor().newInstance(),
                        type.getMethod("write", content, java.nio.file.Path.class),
                        type.getMethod("committed", java.nio.file.Path.class), type.getMethod("lastStats"));
            } catch (ReflectiveOperationException e) {
                return new Spliced(null, null, null, null);
            }
        }

        boolean present() {
            return writer != null;
        }

        void write(Object value, java.nio.file.Path file) throws Exception {
            java.util.Objects.requireNonNull(write).invoke(writer, value, file);
            java.util.Objects.requireNonNull(committed).invoke(writer, file);
        }

        Object lastStats() throws Exception {
            return java.util.Objects.requireNonNull(stats).invoke(writer);
        }
    }

    private static void delete(java.nio.file.Path dir) throws java.io.IOException {
        try (var walk = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }

    private static long median(long[] values) {
        long[] s = values.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
