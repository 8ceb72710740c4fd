package dev.legate.compiler.config;

import dev.legate.compiler.Diagnostic;
import dev.legate.model.Resource;
import java.util.List;

/** What became of one source document. */
public sealed interface Decoded {

    /** Problems found, whatever the outcome (notices for accepted resources, errors for rejected ones). */
    List<Diagnostic> diagnostics();

    /** Valid, and meant for this instance. */
    record Accepted(Resource<?> resource, List<Diagnostic> diagnostics) implements Decoded {
        public Accepted {
            diagnostics = List.copyOf(diagnostics);
        }
    }

    /** Invalid: left out of the configuration. */
    record Rejected(String source, List<Diagnostic> diagnostics) implements Decoded {
        public Rejected {
            diagnostics = List.copyOf(diagnostics);
        }
    }

    /** Not for this instance ({@code ambassador_id}) or not something Legate reads (a ConfigMap, say). */
    record Ignored(String source, String reason) implements Decoded {
        @Override
        public List<Diagnostic> diagnostics() {
            return List.of();
        }
    }
}
