package dev.legate.compiler.ir;

import java.util.List;

/**
 * Emissary's route weight: routes are emitted in descending order of (precedence, prefix length, total header
 * length, total query-parameter length, prefix, method, header keys, query keys).
 */
public record IrRouteWeight(int precedence, int prefixLength, int headersLength, int queryLength, String prefix,
        String method, List<String> keys) implements Comparable<IrRouteWeight> {

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
        // Written out rather than a Comparator chain: sorting ten thousand groups calls this a few hundred
        // thousand times.
        if (this == other) {
            return 0; // a group's weight against its first Mapping's, which it starts as
        }
        int c = Integer.compare(precedence, other.precedence);
        if (c == 0) {
            c = Integer.compare(prefixLength, other.prefixLength);
        }
        if (c == 0) {
            c = Integer.compare(headersLength, other.headersLength);
        }
        if (c == 0) {
            c = Integer.compare(queryLength, other.queryLength);
        }
        if (c == 0) {
            c = prefix.compareTo(other.prefix);
        }
        if (c == 0) {
            c = method.compareTo(other.method);
        }
        return c != 0 ? c : compareLists(keys, other.keys);
    }
}
