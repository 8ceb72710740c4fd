package dev.legate.compiler.config;

import dev.legate.compiler.Diagnostic;
import java.util.List;

/**
 * Everything one compile reads: the source documents in a stable order, and the problems found while reading them
 * (a file that is not valid YAML, say). Immutable; sources build it, the compiler consumes it.
 */
public record ResourceSnapshot(List<RawDocument> documents, List<Diagnostic> loadDiagnostics) {

    public ResourceSnapshot {
        documents = List.copyOf(documents);
        loadDiagnostics = List.copyOf(loadDiagnostics);
    }

    public static ResourceSnapshot of(List<RawDocument> documents) {
        return new ResourceSnapshot(documents, List.of());
    }
}
