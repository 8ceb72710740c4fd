package dev.legate.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.CompileResult;
import dev.legate.compiler.Compiler;
import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.envoy.constraints.EnvoyConstraints;
import java.util.ArrayList;
import java.util.List;
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
 * after warm-up. The YAML is generated and parsed once per trial.
 *
 * <ul>
 *   <li>{@code compile}: a full compile, {@code Compiler.compile(snapshot)} on a compiler that has compiled nothing
 *       before (it shares only Envoy's constraint validators, which a fresh process builds once): the whole pipeline
 *       from parsed documents to Envoy protos (decode and validate, IR, Envoy translation, Envoy constraint checks);
 *   <li>{@code compileAfterEdit}: what {@code legate serve} does after one edit: one reused compiler alternates
 *       between two snapshots that differ in one Mapping's prefix, so each compile reuses the previous one's decoded
 *       documents, IR (normalized Mappings, mapping groups, clusters and listener bindings: see {@code IrMemo}) and
 *       translated routes (see {@code RouteMemo}) for everything but that Mapping;
 *   <li>{@code compileAndSerialize}: a full compile plus envoy.json (the bootstrap, as {@code legate compile} writes
 *       it; see {@link EnvoyOutput}) written to a writer that only counts characters.
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
    private ResourceSnapshot edited;
    private boolean flip;
    private EnvoyConstraints constraints;
    private Compiler compiler;

    @Setup(Level.Trial)
    public void setUp() {
        snapshot = ConfigGenerator.snapshot(ConfigGenerator.Settings.forMappings(mappings));
        edited = withOneMappingEdited(snapshot);
        constraints = new EnvoyConstraints();
        compiler = new Compiler(CompileOptions.DEFAULTS, constraints);
        CompileResult first = compiler.compile(snapshot);
        long errors = first.errorCount();
        if (errors > 0) {
            throw new IllegalStateException("the generated configuration does not compile cleanly: " + errors
                    + " errors, e.g. " + first.diagnostics().stream()
                            .filter(d -> d.severity() == dev.legate.compiler.Diagnostic.Severity.ERROR)
                            .limit(3).toList());
        }
    }

    /** {@code snapshot} with the prefix of its first Mapping changed (a new document; all others the same instances). */
    private static ResourceSnapshot withOneMappingEdited(ResourceSnapshot snapshot) {
        List<RawDocument> documents = new ArrayList<>(snapshot.documents());
        for (int i = 0; i < documents.size(); i++) {
            RawDocument d = documents.get(i);
            if ("Mapping".equals(d.tree().path("kind").asText()) && d.tree().path("spec").has("prefix")) {
                ObjectNode tree = d.tree().deepCopy();
                ((ObjectNode) tree.get("spec")).put("prefix", tree.get("spec").get("prefix").asText() + "edited/");
                documents.set(i, new RawDocument(tree, d.location()));
                return new ResourceSnapshot(documents, snapshot.loadDiagnostics());
            }
        }
        throw new IllegalStateException("the generated configuration has no Mapping with a prefix");
    }

    @Benchmark
    public CompileResult compile() {
        return new Compiler(CompileOptions.DEFAULTS, constraints).compile(snapshot);
    }

    @Benchmark
    public CompileResult compileAfterEdit() {
        flip = !flip;
        return compiler.compile(flip ? edited : snapshot);
    }

    @Benchmark
    public long compileAndSerialize() {
        CompileResult result = new Compiler(CompileOptions.DEFAULTS, constraints).compile(snapshot);
        EnvoyOutput.CountingWriter out = new EnvoyOutput.CountingWriter();
        EnvoyOutput.write(result.envoy(), out);
        return out.count;
    }
}
