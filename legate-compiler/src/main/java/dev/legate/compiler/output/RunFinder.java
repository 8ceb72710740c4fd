package dev.legate.compiler.output;

import java.util.IdentityHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Finds the elements of a list among the same list as it was when the earlier file was written, by instance, for
 * lists that an edit changes in a few places (a virtual host's routes): first just after the last one found (a route
 * removed or moved away leaves a gap of a few), and an element not there is taken for new (an edited route comes back
 * as a new instance; one that moved far is only rendered again, which is always right). Only after several misses in
 * a row, which means the lists went apart (a block removed), is an index of all the earlier elements built, once.
 */
final class RunFinder {

    /** How far past the last one found an element is looked for. */
    private static final int WINDOW = 16;
    /** Misses in a row after which the index is used. */
    private static final int MISSES_BEFORE_INDEX = 8;

    private final Object[] earlier;
    private int next;
    private int misses;
    private @Nullable IdentityHashMap<Object, Integer> index;

    RunFinder(Object[] earlier) {
        this.earlier = earlier;
    }

    /** Where {@code element} was in the earlier list, or -1. */
    int find(Object element) {
        for (int k = next, end = Math.min(next + WINDOW, earlier.length); k < end; k++) {
            if (earlier[k] == element) {
                return found(k);
            }
        }
        if (++misses < MISSES_BEFORE_INDEX) {
            return -1;
        }
        if (index == null) {
            index = new IdentityHashMap<>(earlier.length * 2);
            for (int k = earlier.length - 1; k >= 0; k--) {
                index.put(earlier[k], k);
            }
        }
        Integer k = index.get(element);
        return k == null ? -1 : found(k);
    }

    private int found(int k) {
        next = k + 1;
        misses = 0;
        return k;
    }
}
