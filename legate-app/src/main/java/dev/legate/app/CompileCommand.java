package dev.legate.app;

import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.CompileResult;
import dev.legate.compiler.Compiler;
import dev.legate.compiler.Diagnostic;
import dev.legate.compiler.config.ConfigDirectory;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.output.EnvoyJson;
import dev.legate.compiler.output.Reports;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code legate compile CONFIG_DIR --output OUT_DIR}: compile a directory of YAML into Envoy configuration. */
@Command(name = "compile",
        mixinStandardHelpOptions = true,
        header = "Compile a directory of Emissary resources into Envoy configuration.",
        description = {
            "Reads every .yaml, .yml and .json file under CONFIG_DIR (recursively,",
            "multi-document) and writes to OUT_DIR:",
            "  envoy.json        a static Envoy v3 bootstrap: envoy -c envoy.json",
            "  ir.json           Legate's intermediate representation",
            "  diagnostics.json  problems found, keyed Kind/name.namespace",
            "  snapshot.yaml     the accepted input in getambassador.io/v3alpha1,",
            "                    Secrets redacted",
            "",
            "Bad resources are reported and left out; the rest still compiles.",
            "Exit status: 0 when CONFIG_DIR was read (even with errors in some",
            "resources), 1 when it could not be read or OUT_DIR could not be",
            "written, 2 for a usage error.",
            ""})
final class CompileCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONFIG_DIR", description = "Directory of Emissary resources to compile.")
    private Path configDir;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT_DIR",
            description = "Directory to write the output files to (created if missing).")
    private Path outputDir;

    @Option(names = "--ambassador-id", paramLabel = "ID",
            description = "This instance's id; resources whose ambassador_id does not include it are ignored. "
                    + "Default: $AMBASSADOR_ID, else 'default'.")
    private String ambassadorId;

    @Option(names = "--namespace", paramLabel = "NAMESPACE",
            description = "Namespace of objects that name none, and Legate's own. Default: $AMBASSADOR_NAMESPACE, "
                    + "else 'default'.")
    private String namespace;

    @Option(names = {"-q", "--quiet"}, description = "Print only errors.")
    private boolean quiet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CompileOptions env = CompileOptions.fromEnvironment(System.getenv());
        CompileOptions options = new CompileOptions(ambassadorId != null ? ambassadorId : env.ambassadorId(),
                namespace != null ? namespace : env.ambassadorNamespace(), env.knative());
        long start = System.nanoTime();
        ResourceSnapshot snapshot;
        try {
            snapshot = ConfigDirectory.read(configDir);
        } catch (ConfigDirectory.UnreadableDirectoryException e) {
            err.println("legate compile: cannot read " + configDir + ": " + e.getMessage());
            return 1;
        }
        long read = System.nanoTime();
        CompileResult result;
        try {
            result = new Compiler(options).compile(snapshot);
        } catch (RuntimeException e) {
            // A bug in Legate, not in the input: say so plainly, with what is needed to report it.
            err.println("legate compile: internal error while compiling " + configDir + ": " + e);
            for (StackTraceElement frame : e.getStackTrace()) {
                if (frame.getClassName().startsWith("dev.legate")) {
                    err.println("    at " + frame);
                }
            }
            err.println("Please report this with the input that caused it.");
            return 1;
        }
        long compiled = System.nanoTime();
        try {
            Files.createDirectories(outputDir);
            writeAll(List.of(
                    new Output(outputDir.resolve("envoy.json"), Content.bytes(stream -> EnvoyJson.writeBootstrap(
                            result.envoy(), stream))),
                    new Output(outputDir.resolve("ir.json"), Content.bytes(stream -> Reports.writeIrJson(result.ir(),
                            stream))),
                    new Output(outputDir.resolve("snapshot.yaml"),
                            w -> w.write(Reports.snapshotYaml(result.resources()))),
                    new Output(outputDir.resolve("diagnostics.json"),
                            w -> w.write(Reports.diagnosticsJson(result.diagnostics())))));
        } catch (IOException e) {
            err.println("legate compile: cannot write to " + outputDir + ": " + e.getMessage());
            return 1;
        }
        long written = System.nanoTime();
        report(result, snapshot, out, err);
        if (!quiet) {
            out.printf("read %d documents in %d ms, compiled in %d ms, wrote %s in %d ms%n",
                    snapshot.documents().size(), ms(read - start), ms(compiled - read), outputDir, ms(written - compiled));
        }
        return 0;
    }

    private void report(CompileResult result, ResourceSnapshot snapshot, PrintWriter out, PrintWriter err) {
        List<Diagnostic> errors = result.diagnostics().stream()
                .filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
        long warnings = result.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.WARNING).count();
        int shown = 0;
        for (Diagnostic d : errors) {
            if (shown++ == 20) {
                err.println("... and " + (errors.size() - 20) + " more errors in diagnostics.json");
                break;
            }
            err.println("error: " + d.source() + ": " + d.message());
        }
        if (!quiet) {
            int routes = result.envoy().routeConfigurations().stream()
                    .mapToInt(rc -> rc.getVirtualHostsList().stream().mapToInt(v -> v.getRoutesCount()).sum()).sum();
            out.printf("%d resources accepted; %d listeners, %d clusters, %d routes; %d errors, %d warnings%n",
                    result.resources().size(), result.envoy().listeners().size(), result.envoy().clusters().size(),
                    routes, errors.size(), warnings);
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /** Something that writes a file's content, as text or as bytes. */
    @FunctionalInterface
    private interface Content {
        void writeTo(Writer writer) throws IOException;

        /** Content written as bytes; {@link #writeTo(java.io.OutputStream)} is used for it. */
        default void writeTo(java.io.OutputStream out) throws IOException {
            try (Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                writeTo(w);
            }
        }

        static Content bytes(ByteContent content) {
            return new Content() {
                @Override
                public void writeTo(Writer writer) {
                    throw new UnsupportedOperationException("byte content");
                }

                @Override
                public void writeTo(java.io.OutputStream out) throws IOException {
                    content.writeTo(out);
                }
            };
        }
    }

    /** Content produced as bytes. */
    @FunctionalInterface
    private interface ByteContent {
        void writeTo(java.io.OutputStream out) throws IOException;
    }

    /** One output file and how to produce it. */
    private record Output(Path target, Content content) {
    }

    /** Writes the files concurrently (they are independent); the first failure is reported. */
    private static void writeAll(List<Output> outputs) throws IOException {
        try (var executor = java.util.concurrent.Executors.newFixedThreadPool(Math.min(outputs.size(),
                Runtime.getRuntime().availableProcessors()))) {
            List<java.util.concurrent.Future<?>> pending = new java.util.ArrayList<>();
            for (Output output : outputs) {
                pending.add(executor.submit(() -> {
                    writeAtomically(output.target(), output.content());
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : pending) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    if (e.getCause() instanceof java.io.UncheckedIOException io) {
                        throw io.getCause();
                    }
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while writing " + outputs, e);
                }
            }
        }
    }

    /** Writes to a temporary file beside the target, then renames it into place: readers never see half a file. */
    private static void writeAtomically(Path target, Content content) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            content.writeTo(out);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
