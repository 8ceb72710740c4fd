package dev.legate.compiler;

import dev.legate.compiler.envoy.EnvoyConfig;
import dev.legate.compiler.ir.Ir;
import dev.legate.model.Resource;
import java.util.List;

/**
 * Everything one compile produced.
 *
 * @param resources the accepted resources, converted to v3alpha1, sorted by key
 * @param diagnostics every problem found, sorted by source
 */
public record CompileResult(List<Resource<?>> resources, Ir ir, EnvoyConfig envoy, List<Diagnostic> diagnostics) {

    public CompileResult {
        resources = List.copyOf(resources);
        diagnostics = List.copyOf(diagnostics);
    }

    public long errorCount() {
        return diagnostics.stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).count();
    }
}
