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
        labels = sorted(labels);
        mappingSelector = sorted(mappingSelector);
    }

    /** A sorted, unmodifiable copy: ir.json prints maps in iteration order, which must not vary between runs. */
    private static Map<String, String> sorted(Map<String, String> map) {
        return java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(map));
    }
}
