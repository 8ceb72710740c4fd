package dev.legate.compiler.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Places a few new elements into a long sorted list, as a warm compile does with what an edit changed: the elements
 * kept from the previous compile are still in order, so only the new ones are sorted and each put in by binary search,
 * instead of sorting everything again.
 */
public final class SortedMerge {

    private SortedMerge() {
    }

    /**
     * {@code kept} and {@code fresh} together, sorted by {@code order}. {@code kept} must be sorted by it already (it
     * is not checked); {@code fresh} may come in any order and is sorted here. No two elements may compare equal
     * (ties must be broken by the order), so that where each goes is well defined.
     */
    public static <T> List<T> merge(List<T> kept, List<T> fresh, Comparator<? super T> order) {
        if (fresh.isEmpty()) {
            return kept;
        }
        List<T> freshSorted = new ArrayList<>(fresh);
        freshSorted.sort(order);
        List<T> merged = new ArrayList<>(kept.size() + freshSorted.size());
        int from = 0;
        for (T f : freshSorted) {
            // No element is equal to f: binarySearch answers -(insertion point) - 1.
            int at = from + (-Collections.binarySearch(kept.subList(from, kept.size()), f, order) - 1);
            merged.addAll(kept.subList(from, at));
            merged.add(f);
            from = at;
        }
        merged.addAll(kept.subList(from, kept.size()));
        return merged;
    }
}
