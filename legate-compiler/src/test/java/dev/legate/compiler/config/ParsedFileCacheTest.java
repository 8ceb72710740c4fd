package dev.legate.compiler.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.Compiler;
import dev.legate.compiler.output.EnvoyJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ParsedFileCacheTest {

    @Test
    void onlyChangedFilesAreParsedAgainAndTheResultIsTheSame(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\n"
                + "metadata: {name: a}\nspec: {hostname: \"*\", prefix: /a/, service: a}\n");
        Files.writeString(dir.resolve("b.yaml"), "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\n"
                + "metadata: {name: b}\nspec: {hostname: \"*\", prefix: /b/, service: b}\n");
        ParsedFileCache cache = new ParsedFileCache();
        ResourceSnapshot first = ConfigDirectory.read(dir, cache);
        assertThat(cache.hitsAndMisses()).containsExactly(0, 2);

        Files.writeString(dir.resolve("b.yaml"), Files.readString(dir.resolve("b.yaml")).replace("/b/", "/b2/"));
        ResourceSnapshot second = ConfigDirectory.read(dir, cache);
        assertThat(cache.hitsAndMisses()).containsExactly(1, 3);
        assertThat(second.documents().get(0)).isSameAs(first.documents().get(0));
        assertThat(second.documents().get(1).tree().path("spec").path("prefix").asText()).isEqualTo("/b2/");

        // Cached or not, the compile is the same.
        Compiler compiler = new Compiler(CompileOptions.DEFAULTS);
        String cached = EnvoyJson.toJson(EnvoyJson.bootstrap(compiler.compile(second).envoy()));
        String fresh = EnvoyJson.toJson(EnvoyJson.bootstrap(compiler.compile(ConfigDirectory.read(dir)).envoy()));
        assertThat(cached).isEqualTo(fresh);

        Files.delete(dir.resolve("a.yaml"));
        assertThat(ConfigDirectory.read(dir, cache).documents()).hasSize(1);
    }

    /**
     * A changed file keeps the documents whose text and place are unchanged (the same instances, so that the compiler
     * reuses their decoding and all it compiled from them); a malformed document is parsed (and reported) again.
     */
    @Test
    void aChangedFileKeepsItsUnchangedDocuments(@TempDir Path dir) throws Exception {
        String a = "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: a}\n"
                + "spec: {hostname: \"*\", prefix: /a/, service: a}\n";
        String b = a.replace("name: a", "name: b").replace("/a/", "/b/");
        String c = a.replace("name: a", "name: c").replace("/a/", "/c/");
        String broken = "kind: [unclosed\n";
        Path file = dir.resolve("all.yaml");
        Files.writeString(file, a + "---\n" + b + "---\n" + broken + "---\n" + c);
        ParsedFileCache cache = new ParsedFileCache();
        ResourceSnapshot first = ConfigDirectory.read(dir, cache);
        assertThat(first.documents()).hasSize(3);
        assertThat(first.loadDiagnostics()).hasSize(1);

        Files.writeString(file, a + "---\n" + b.replace("/b/", "/b2/") + "---\n" + broken + "---\n" + c);
        ResourceSnapshot second = ConfigDirectory.read(dir, cache);
        assertThat(second.documents().get(0)).isSameAs(first.documents().get(0));
        assertThat(second.documents().get(1)).isNotSameAs(first.documents().get(1));
        assertThat(second.documents().get(1).tree().path("spec").path("prefix").asText()).isEqualTo("/b2/");
        assertThat(second.documents().get(2)).isSameAs(first.documents().get(2));
        assertThat(second.loadDiagnostics()).isEqualTo(first.loadDiagnostics());
        assertThat(second).isEqualTo(ConfigDirectory.read(dir));

        // A line added before a document moves it: parsed again, at its new line.
        Files.writeString(file, a.replace("kind: Mapping\n", "kind: Mapping\n# moved\n") + "---\n" + b + "---\n"
                + broken + "---\n" + c);
        ResourceSnapshot third = ConfigDirectory.read(dir, cache);
        assertThat(third.documents().get(2)).isNotSameAs(first.documents().get(2)).isEqualTo(
                ConfigDirectory.read(dir).documents().get(2));
        assertThat(third).isEqualTo(ConfigDirectory.read(dir));

        Compiler compiler = new Compiler(CompileOptions.DEFAULTS);
        compiler.compile(first);
        compiler.compile(second);
        String warm = EnvoyJson.toJson(EnvoyJson.bootstrap(compiler.compile(third).envoy()));
        String fresh = EnvoyJson.toJson(EnvoyJson.bootstrap(new Compiler(CompileOptions.DEFAULTS)
                .compile(ConfigDirectory.read(dir)).envoy()));
        assertThat(warm).isEqualTo(fresh);
    }
}
