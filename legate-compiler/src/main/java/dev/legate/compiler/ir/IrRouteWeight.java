package dev.legate.compiler.ir;

import java.util.Comparator;
import java.util.List;

/**
 * Emissary's route weight: routes are emitted in descending order of (precedence, prefix length, total header
 * length, total query-parameter length, prefix, method, header keys, query keys).
 */
public record IrRouteWeight(int precedence, int prefixLength, int headersLength, int queryLength, String prefix,
        String method, List<String> keys) implements Comparable<IrRouteWeight> {

    private static final Comparator<IrRouteWeight> ORDER = Comparator.comparingInt(IrRouteWeight::precedence)
            .thenComparingInt(IrRouteWeight::prefixLength)
            .thenComparingInt(IrRouteWeight::headersLength)
            .thenComparingInt(IrRouteWeight::queryLength)
            .thenComparing(IrRouteWeight::prefix)
            .thenComparing(IrRouteWeight::method)
            .thenComparing(IrRouteWeight::keys, IrRouteWeight::compareLists);

    public IrRouteWeight {
        keys = List.copyOf(keys);
    }

    /** Python list comparison: element by element, then the shorter list first. */
    private static int compareLists(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    @Override
    public int compareTo(IrRouteWeight other) {
        return ORDER.compare(this, other);
    }
}
