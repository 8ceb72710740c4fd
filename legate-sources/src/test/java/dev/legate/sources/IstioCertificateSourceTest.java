package dev.legate.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.legate.compiler.config.RawDocument;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class IstioCertificateSourceTest {

    private static String decoded(RawDocument secret, String key) {
        return new String(Base64.getDecoder().decode(secret.tree().path("data").path(key).asText()),
                StandardCharsets.UTF_8);
    }

    @Test
    void theMountedCertificateBecomesATlsSecretAndRotationsRecompile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("key.pem"), "key-1");
        Files.writeString(dir.resolve("cert-chain.pem"), "chain-1");
        Files.writeString(dir.resolve("root-cert.pem"), "root");
        AtomicInteger changes = new AtomicInteger();
        try (IstioCertificateSource source = new IstioCertificateSource(dir, "gw")) {
            source.start(changes::incrementAndGet);
            SourceRead first = source.read();
            assertThat(first.snapshot().documents()).singleElement().satisfies(d -> {
                assertThat(d.tree().path("kind").asText()).isEqualTo("Secret");
                assertThat(d.tree().path("type").asText()).isEqualTo("kubernetes.io/tls");
                assertThat(d.tree().path("metadata").path("name").asText()).isEqualTo("istio-certs");
                assertThat(d.tree().path("metadata").path("namespace").asText()).isEqualTo("gw");
                assertThat(decoded(d, "tls.key")).isEqualTo("key-1");
                assertThat(decoded(d, "tls.crt")).isEqualTo("chain-1");
            });
            assertThat(first.changes().kinds()).hasValueSatisfying(k -> assertThat(k).containsExactly("Secret"));
            assertThat(source.read().changes().none()).isTrue();

            // A rotation: both files rewritten; the watcher notices and the next read has the new pair.
            int before = changes.get();
            Files.writeString(dir.resolve("key.pem"), "key-2");
            Files.writeString(dir.resolve("cert-chain.pem"), "chain-2");
            await().atMost(Duration.ofSeconds(20)).until(() -> changes.get() > before);
            RawDocument rotated = source.read().snapshot().documents().getFirst();
            assertThat(decoded(rotated, "tls.key")).isEqualTo("key-2");
            assertThat(decoded(rotated, "tls.crt")).isEqualTo("chain-2");

            // Half a rotation (files written far apart): the previous pair is kept.
            Files.writeString(dir.resolve("key.pem"), "key-3");
            Files.setLastModifiedTime(dir.resolve("cert-chain.pem"), FileTime.from(Instant.now().minusSeconds(60)));
            assertThat(decoded(source.read().snapshot().documents().getFirst(), "tls.key")).isEqualTo("key-2");

            Files.delete(dir.resolve("key.pem"));
            assertThat(source.read().snapshot().documents()).isEmpty();
        }
    }
}
