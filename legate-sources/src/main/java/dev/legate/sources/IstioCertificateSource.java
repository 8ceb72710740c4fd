package dev.legate.sources;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.legate.compiler.Diagnostic;
import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.model.SourceLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Istio's mounted workload certificate (AMBASSADOR_ISTIO_SECRET_DIR), as Emissary reads it: {@code key.pem} and
 * {@code cert-chain.pem} in that directory become a {@code kubernetes.io/tls} Secret named {@code istio-certs} in
 * Legate's namespace ({@code tls.key} and {@code tls.crt}), which TLSContexts and Mappings name like any other
 * Secret. The directory is watched; a rotation recompiles.
 *
 * <p>Istio writes the two files one after the other, so a read between the writes would pair a new key with an old
 * certificate. As in Emissary, the pair is taken only when both files were modified within 5 seconds of each other;
 * otherwise the previous pair is kept until the second file arrives. When either file is gone, the Secret is gone.
 */
public final class IstioCertificateSource implements SnapshotSource {

    private static final Logger LOG = LoggerFactory.getLogger(IstioCertificateSource.class);

    public static final String SECRET_NAME = "istio-certs";
    static final String KEY_FILE = "key.pem";
    static final String CHAIN_FILE = "cert-chain.pem";
    private static final Duration MAX_SKEW = Duration.ofSeconds(5);

    private record Pair(byte[] key, byte[] chain) {
    }

    private final Path directory;
    private final String namespace;
    private final AtomicBoolean changed = new AtomicBoolean(true);
    private @Nullable DirectoryWatcher watcher;
    /** Used on the reading thread only. */
    private @Nullable Pair current;

    public IstioCertificateSource(Path directory, String namespace) {
        this.directory = requireNonNull(directory, "directory");
        this.namespace = requireNonNull(namespace, "namespace");
    }

    /** From AMBASSADOR_ISTIO_SECRET_DIR and AMBASSADOR_NAMESPACE, when the former is set. */
    public static Optional<IstioCertificateSource> fromEnvironment(java.util.Map<String, String> env) {
        String dir = env.getOrDefault("AMBASSADOR_ISTIO_SECRET_DIR", "");
        String ns = env.getOrDefault("AMBASSADOR_NAMESPACE", "");
        return dir.isBlank() ? Optional.empty()
                : Optional.of(new IstioCertificateSource(Path.of(dir.strip()), ns.isBlank() ? "default" : ns.strip()));
    }

    @Override
    public synchronized void start(Runnable onChange) throws IOException {
        requireNonNull(onChange, "onChange");
        if (!Files.isDirectory(directory)) {
            // Istio mounts it; until then there is nothing to watch. Say so rather than fail start-up.
            LOG.warn("AMBASSADOR_ISTIO_SECRET_DIR {} is not a directory; no Istio certificate", directory);
            return;
        }
        watcher = DirectoryWatcher.start(directory, () -> {
            changed.set(true);
            onChange.run();
        });
    }

    @Override
    public SourceRead read() {
        boolean wasChanged = changed.getAndSet(false);
        List<Diagnostic> diagnostics = List.of();
        try {
            FileTime keyTime = Files.getLastModifiedTime(directory.resolve(KEY_FILE));
            FileTime chainTime = Files.getLastModifiedTime(directory.resolve(CHAIN_FILE));
            long skew = Math.abs(keyTime.toMillis() - chainTime.toMillis());
            if (skew <= MAX_SKEW.toMillis() || current == null) {
                Pair read = new Pair(Files.readAllBytes(directory.resolve(KEY_FILE)),
                        Files.readAllBytes(directory.resolve(CHAIN_FILE)));
                if (skew > MAX_SKEW.toMillis()) {
                    LOG.warn("{}: {} and {} were written {} s apart; using them anyway (there is no earlier pair)",
                            directory, KEY_FILE, CHAIN_FILE, skew / 1000);
                }
                current = read;
            } else {
                LOG.info("{}: {} and {} were written {} s apart (a rotation in progress?); keeping the previous pair",
                        directory, KEY_FILE, CHAIN_FILE, skew / 1000);
            }
        } catch (NoSuchFileException e) {
            current = null;
        } catch (IOException e) {
            diagnostics = List.of(Diagnostic.error("Secret/" + SECRET_NAME + "." + namespace, "cannot read Istio's "
                    + "certificate in " + directory + ": " + e.getMessage() + "; keeping the previous one"));
        }
        Pair pair = current;
        List<RawDocument> documents = pair == null ? List.of() : List.of(secret(pair));
        return new SourceRead(new ResourceSnapshot(documents, diagnostics),
                ChangedKinds.of(wasChanged ? Set.of("Secret") : Set.of()));
    }

    private RawDocument secret(Pair pair) {
        ObjectNode tree = JsonMapper.builder().build().createObjectNode();
        tree.put("apiVersion", "v1");
        tree.put("kind", "Secret");
        ObjectNode metadata = tree.putObject("metadata");
        metadata.put("name", SECRET_NAME);
        metadata.put("namespace", namespace);
        tree.put("type", "kubernetes.io/tls");
        ObjectNode data = tree.putObject("data");
        data.put("tls.crt", Base64.getEncoder().encodeToString(pair.chain()));
        data.put("tls.key", Base64.getEncoder().encodeToString(pair.key()));
        return new RawDocument(tree, new SourceLocation("istio:" + directory, 0));
    }

    @Override
    public String describe() {
        return "Istio certificates in " + directory;
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.close();
        }
    }
}
