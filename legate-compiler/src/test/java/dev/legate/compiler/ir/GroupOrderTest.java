package dev.legate.compiler.ir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The order of mapping groups does not depend on the previous build's order the sort is given as a hint. */
final class GroupOrderTest {

    @Test
    void theHintNeverChangesTheStableOrderByWeight() {
        Random random = new Random(3);
        for (int round = 0; round < 200; round++) {
            List<IrMappingGroup> groups = new ArrayList<>();
            int n = random.nextInt(60);
            for (int i = 0; i < n; i++) {
                // Few distinct weights: many ties, whose order only the input position decides.
                groups.add(group("g" + i, random.nextInt(3), "/" + "p".repeat(random.nextInt(3))));
            }
            if (n > 2) {
                groups.add(groups.get(random.nextInt(n))); // an instance twice
            }
            List<IrMappingGroup> expected = new ArrayList<>(groups);
            expected.sort(Comparator.comparing(IrMappingGroup::weight)); // stable

            List<IrMappingGroup> hint = new ArrayList<>(groups.subList(0, random.nextInt(groups.size() + 1)));
            Collections.shuffle(hint, random);
            hint.add(group("gone", 1, "/gone")); // a group of the previous build that is no more
            assertThat(MappingCompiler.byWeight(groups, hint)).containsExactlyElementsOf(expected);
            assertThat(MappingCompiler.byWeight(groups, List.of())).containsExactlyElementsOf(expected);
            assertThat(MappingCompiler.byWeight(groups, expected.reversed())).containsExactlyElementsOf(expected);
        }
    }

    private static IrMappingGroup group(String id, int precedence, String prefix) {
        return new IrMappingGroup(id, new IrRouteWeight(precedence, prefix.length(), 0, 0, prefix, "GET", List.of()),
                null, false, Map.of(), false, List.of(), Provenance.INTERNAL);
    }
}
