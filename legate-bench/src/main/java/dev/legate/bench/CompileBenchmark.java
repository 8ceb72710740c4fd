package dev.legate.bench;

import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.CompileResult;
import dev.legate.compiler.Compiler;
import dev.legate.compiler.config.ResourceSnapshot;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-process compile time of a generated configuration ({@link ConfigGenerator}, one Service per 20 Mappings),
 * after warm-up. The YAML is generated and parsed once per trial; each invocation compiles the same snapshot with one
 * reused {@link Compiler}, as a long-running control plane would.
 *
 * <ul>
 *   <li>{@code compile}: {@code Compiler.compile(snapshot)}, the whole pipeline from parsed documents to Envoy
 *       protos (decode and validate, IR, Envoy translation, Envoy constraint checks);
 *   <li>{@code compileAndSerialize}: the same, plus envoy.json (the bootstrap, as {@code legate compile} writes it;
 *       see {@link EnvoyOutput}) written to a writer that only counts characters.
 * </ul>
 *
 * Sized for a 2-core machine: 6 warm-up and 5 measured iterations of 4 s, 1 fork, a 1 GB heap (the JVM's default
 * collector, G1). At 10,000 Mappings one compile takes about half a second and the JIT needs some 20 s of them
 * before the time per compile settles (3 warm-up iterations of 3 s were measured to leave it 10 to 70% high), hence
 * the longer warm-up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6, time = 4)
@Measurement(iterations = 5, time = 4)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--sun-misc-unsafe-memory-access=allow"})
public class CompileBenchmark {

    @Param({"1000", "10000"})
    public int mappings;

    private ResourceSnapshot snapshot;
    private Compiler compiler;

    @Setup(Level.Trial)
    public void setUp() {
        snapshot = ConfigGenerator.snapshot(ConfigGenerator.Settings.forMappings(mappings));
        compiler = new Compiler(CompileOptions.DEFAULTS);
        CompileResult first = compiler.compile(snapshot);
        long errors = first.errorCount();
        if (errors > 0) {
            throw new IllegalStateException("the generated configuration does not compile cleanly: " + errors
                    + " errors, e.g. " + first.diagnostics().stream()
                            .filter(d -> d.severity() == dev.legate.compiler.Diagnostic.Severity.ERROR)
                            .limit(3).toList());
        }
    }

    @Benchmark
    public CompileResult compile() {
        return compiler.compile(snapshot);
    }

    @Benchmark
    public long compileAndSerialize() {
        CompileResult result = compiler.compile(snapshot);
        EnvoyOutput.CountingWriter out = new EnvoyOutput.CountingWriter();
        EnvoyOutput.write(result.envoy(), out);
        return out.count;
    }
}
