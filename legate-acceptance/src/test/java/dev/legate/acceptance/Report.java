package dev.legate.acceptance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The summary table and the failures, printed and written to a Markdown file. */
final class Report {

    /** How many failures are written out in full. */
    private static final int SHOWN = 60;

    private Report() {
    }

    static String markdown(List<Runner.Outcome> outcomes, List<String> notes) {
        StringBuilder s = new StringBuilder("# Acceptance tests\n\n")
                .append("| tier | scenarios | queries | requests | passed | failed | time |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (Runner.Outcome o : outcomes) {
            s.append(String.format("| %s | %,d | %,d | %,d | %,d | %,d | %.1f s |%n", o.tier(), o.scenarios(),
                    o.queries(), o.requests(), o.passed(), o.failures().size(), o.millis() / 1000.0));
        }
        if (!notes.isEmpty()) {
            s.append('\n');
            notes.forEach(n -> s.append("- ").append(n).append('\n'));
        }
        for (Runner.Outcome o : outcomes) {
            if (o.failures().isEmpty()) {
                continue;
            }
            s.append("\n## Failures, ").append(o.tier()).append(" (").append(o.failures().size()).append(")\n\n");
            o.failures().stream().limit(SHOWN).forEach(f -> s.append("- scenario `").append(f.scenario())
                    .append("` ").append(f.features()).append("\n  query: ").append(f.query())
                    .append("\n  expected: ").append(f.expected()).append("\n  actual: ")
                    .append(String.join("; ", f.problems())).append('\n'));
            if (o.failures().size() > SHOWN) {
                s.append("- ... and ").append(o.failures().size() - SHOWN).append(" more\n");
            }
        }
        return s.toString();
    }

    static void write(Path file, String markdown) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, markdown, StandardCharsets.UTF_8);
    }
}
