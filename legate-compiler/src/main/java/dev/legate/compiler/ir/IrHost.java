package dev.legate.compiler.ir;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A Host as Emissary understands it: a hostname glob, an optional TLS context, what to do with insecure requests
 * and which Mappings it takes.
 *
 * @param insecureAction Route, Redirect or Reject
 * @param mappingSelector matchLabels; empty when the Host selects Mappings by hostname only
 */
public record IrHost(String name, String namespace, String hostname, String sni, @Nullable IrTlsContext tls,
        String insecureAction, Map<String, String> labels, Map<String, String> mappingSelector,
        Provenance provenance) {

    public IrHost {
        labels = Map.copyOf(labels);
        mappingSelector = Map.copyOf(mappingSelector);
    }
}
