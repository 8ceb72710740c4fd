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
}
