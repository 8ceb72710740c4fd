package dev.legate.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Each {@code golden/NAME.in.yaml} compiles to {@code NAME.envoy.json} and {@code NAME.diagnostics.json}. Run with
 * {@code -Dgolden.update=true} to rewrite the expected files, then review the diff.
 */
final class GoldenTest {

    @TestFactory
    Stream<DynamicTest> goldens() throws IOException {
        List<Path> inputs;
        try (Stream<Path> files = Files.list(Fixtures.GOLDEN)) {
            inputs = files.filter(p -> p.getFileName().toString().endsWith(".in.yaml")).sorted().toList();
        }
        assertThat(inputs).isNotEmpty();
        return inputs.stream().map(input -> DynamicTest.dynamicTest(input.getFileName().toString(), () -> {
            String name = input.getFileName().toString().replace(".in.yaml", "");
            CompileResult result = Fixtures.compilerFor(input).compile(Fixtures.snapshot(input));
            check(Fixtures.GOLDEN.resolve(name + ".envoy.json"), Fixtures.envoyJson(result.envoy()));
            check(Fixtures.GOLDEN.resolve(name + ".diagnostics.json"),
                    Fixtures.diagnosticsJson(result.diagnostics()));
            String eds = Fixtures.edsJson(result.envoy());
            if (eds != null || Files.exists(Fixtures.GOLDEN.resolve(name + ".eds.json"))) {
                check(Fixtures.GOLDEN.resolve(name + ".eds.json"), eds == null ? "" : eds);
            }
        }));
    }

    private static void check(Path expectedFile, String actual) throws IOException {
        if (Fixtures.UPDATE) {
            Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
            return;
        }
        assertThat(expectedFile).as("golden file (run with -Dgolden.update=true to create it)").exists();
        assertThat(actual).as(expectedFile.toString()).isEqualTo(Fixtures.read(expectedFile));
    }
}
