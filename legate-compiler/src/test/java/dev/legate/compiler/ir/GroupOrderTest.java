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

    /**
     * The previous build's order as the hint: its groups that are still here keep their relative input order (a build
     * removes and adds groups; the rest come in the same order), so only the new ones are placed.
     */
    @Test
    void thePreviousBuildsOrderGivesTheStableOrderByWeightAfterGroupsComeAndGo() {
        Random random = new Random(5);
        for (int round = 0; round < 300; round++) {
            List<IrMappingGroup> before = new ArrayList<>();
            int n = random.nextInt(60);
            for (int i = 0; i < n; i++) {
                before.add(group("g" + i, random.nextInt(3), "/" + "p".repeat(random.nextInt(3))));
            }
            List<IrMappingGroup> previousOrder = MappingCompiler.byWeight(before, List.of());
            List<IrMappingGroup> now = new ArrayList<>(before);
            int removed = random.nextInt(Math.max(1, n / 4) + 1);
            for (int r = 0; r < removed && !now.isEmpty(); r++) {
                now.remove(random.nextInt(now.size()));
            }
            int added = random.nextInt(5);
            for (int a = 0; a < added; a++) {
                now.add(random.nextInt(now.size() + 1), group("new" + a, random.nextInt(3),
                        "/" + "p".repeat(random.nextInt(3))));
            }
            List<IrMappingGroup> expected = new ArrayList<>(now);
            expected.sort(Comparator.comparing(IrMappingGroup::weight)); // stable
            assertThat(MappingCompiler.byWeight(now, previousOrder, MappingCompiler.Hint.PREVIOUS_BUILD))
                    .as("round %d", round).containsExactlyElementsOf(expected);
        }
    }

    private static IrMappingGroup group(String id, int precedence, String prefix) {
        return new IrMappingGroup(id, new IrRouteWeight(precedence, prefix.length(), 0, 0, prefix, "GET", List.of()),
                null, false, Map.of(), false, List.of(), Provenance.INTERNAL);
    }
}
