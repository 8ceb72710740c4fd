package dev.legate.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.output.EnvoyJson;
import dev.legate.compiler.output.Reports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The same input gives byte-identical output, whatever the order the documents arrive in. */
final class DeterminismTest {

    @Test
    void sameInputSameBytesInAnyDocumentOrder() throws IOException {
        List<Path> inputs;
        try (Stream<Path> files = Files.list(Fixtures.GOLDEN)) {
            inputs = files.filter(p -> p.getFileName().toString().endsWith(".in.yaml"))
                    .filter(p -> !p.getFileName().toString().startsWith("bad-input")) // it has a duplicate on purpose
                    .sorted().toList();
        }
        Random random = new Random(7);
        for (Path input : inputs) {
            ResourceSnapshot snapshot = Fixtures.snapshot(input);
            String first = render(Fixtures.COMPILER.compile(snapshot));
            String again = render(new Compiler(CompileOptions.DEFAULTS).compile(snapshot));
            assertThat(again).as(input + " compiled twice").isEqualTo(first);
            for (int i = 0; i < 3; i++) {
                List<RawDocument> shuffled = new ArrayList<>(snapshot.documents());
                Collections.shuffle(shuffled, random);
                String reordered = render(Fixtures.COMPILER.compile(new ResourceSnapshot(shuffled,
                        snapshot.loadDiagnostics())));
                assertThat(reordered).as(input + " with documents reordered").isEqualTo(first);
            }
        }
    }

    private static String render(CompileResult result) {
        return EnvoyJson.toJson(EnvoyJson.bootstrap(result.envoy())) + Reports.diagnosticsJson(result.diagnostics())
                + Reports.irJson(result.ir()) + Reports.snapshotYaml(result.resources());
    }
}
