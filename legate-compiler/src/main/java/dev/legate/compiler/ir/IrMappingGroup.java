package dev.legate.compiler.ir;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Mappings that share one match (method, prefix, headers, query parameters, host selection, precedence): a canary
 * group. Its routes are emitted together, weighted mappings first, in the order of {@link #routes()}.
 *
 * @param groupId Emissary's group id (SHA-1 of the match), used in runtime keys
 * @param hostGlob the hostname glob the group asks for ({@code hostname}, {@code host} or {@code :authority});
 *     null when it relies on Host mappingSelectors
 * @param hostRegex true when the host is a regex ({@code host_regex}), which matches every Host
 * @param labels the union of the group's Mappings' labels, matched against Host mappingSelectors
 * @param internal true for the built-in diagnostics and probe routes, which every Host takes
 */
public record IrMappingGroup(String groupId, IrRouteWeight weight, @Nullable String hostGlob, boolean hostRegex,
        Map<String, String> labels, boolean internal, List<IrRoute> routes, Provenance provenance) {

    public IrMappingGroup {
        labels = sorted(labels);
        routes = List.copyOf(routes);
    }

    /** A sorted, unmodifiable copy: ir.json prints maps in iteration order, which must not vary between runs. */
    private static Map<String, String> sorted(Map<String, String> map) {
        return java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(map));
    }
}
