package dev.legate.compiler.ir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class SortedMergeTest {

    @Test
    void mergingNewElementsIntoASortedListIsSortingTheirUnion() {
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            List<Integer> all = new ArrayList<>();
            random.ints(random.nextInt(60), 0, 1_000).distinct().forEach(all::add);
            List<Integer> kept = new ArrayList<>();
            List<Integer> fresh = new ArrayList<>();
            for (Integer i : all) {
                (random.nextInt(4) == 0 ? fresh : kept).add(i);
            }
            kept.sort(Comparator.naturalOrder());
            List<Integer> expected = new ArrayList<>(all);
            expected.sort(Comparator.naturalOrder());
            assertThat(SortedMerge.merge(kept, fresh, Comparator.naturalOrder())).isEqualTo(expected);
        }
    }

    @Test
    void nothingNewGivesTheKeptListItself() {
        List<String> kept = List.of("a", "b");
        assertThat(SortedMerge.merge(kept, List.of(), Comparator.naturalOrder())).isSameAs(kept);
    }
}
