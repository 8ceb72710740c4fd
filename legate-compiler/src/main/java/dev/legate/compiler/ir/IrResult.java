package dev.legate.compiler.ir;

import dev.legate.compiler.Diagnostic;
import java.util.List;

/** The IR and what was found while building it. */
public record IrResult(Ir ir, List<Diagnostic> diagnostics) {

    public IrResult {
        diagnostics = List.copyOf(diagnostics);
    }
}
