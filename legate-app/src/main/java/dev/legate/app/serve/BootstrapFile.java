package dev.legate.app.serve;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Suppliers;
import com.google.protobuf.Struct;
import dev.legate.compiler.CompileResult;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.bootstrap.v3.LayeredRuntime;
import io.envoyproxy.envoy.config.bootstrap.v3.RuntimeLayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bootstrap-ads.json}, kept in step with the Module's {@code runtime_flags}: Envoy reads those only from its
 * bootstrap (a static runtime layer, as Emissary writes it), so the file is written at start (without flags, for an
 * Envoy started by hand at once), again after the first good configuration, and again whenever the flags change.
 *
 * <p>As in Emissary, a supervised Envoy is started only once the first good configuration's bootstrap is written,
 * and a running Envoy is not restarted when the flags change later (that would drop its connections): the log says
 * that the new flags apply from Envoy's next start.
 */
final class BootstrapFile implements Consumer<CompileResult> {

    private static final Logger LOG = LoggerFactory.getLogger(BootstrapFile.class);

    private final Path file;
    private final Supplier<Bootstrap> base;
    private final String initialJson;
    private final Runnable afterFirstGood;
    private final EnvoyStart envoyStart;
    private final Object lock = new Object();
    private @Nullable Struct written;
    private boolean firstGoodSeen;

    /** Who starts the Envoy that reads the file: Legate (supervised) or someone else. */
    enum EnvoyStart {
        SUPERVISED, EXTERNAL
    }

    /**
     * @param base the bootstrap without runtime flags (made when runtime flags are first written)
     * @param initialJson the JSON of {@code base}, written at start (see {@link AdsBootstrap#initialJson})
     * @param afterFirstGood run once, after the first good configuration's bootstrap is on disk (starts Envoy)
     */
    BootstrapFile(Path file, Supplier<Bootstrap> base, String initialJson, EnvoyStart envoyStart,
            Runnable afterFirstGood) {
        this.file = requireNonNull(file, "file");
        this.base = Suppliers.memoize(requireNonNull(base, "base")::get);
        this.initialJson = requireNonNull(initialJson, "initialJson");
        this.envoyStart = requireNonNull(envoyStart, "envoyStart");
        this.afterFirstGood = requireNonNull(afterFirstGood, "afterFirstGood");
    }

    /** The bootstrap with {@code runtime} as its static runtime layer (none when empty), as Envoy reads it. */
    static Bootstrap withRuntime(Bootstrap base, Struct runtime) {
        if (runtime.getFieldsCount() == 0) {
            return base;
        }
        return base.toBuilder().setLayeredRuntime(LayeredRuntime.newBuilder()
                .addLayers(RuntimeLayer.newBuilder().setName("static_layer").setStaticLayer(runtime))).build();
    }

    /** Writes the bootstrap without runtime flags (before the first configuration). */
    void writeInitial() throws IOException {
        synchronized (lock) {
            write(initialJson);
            written = Struct.getDefaultInstance();
        }
    }

    /** A good configuration went out: rewrites the file when its runtime flags differ from the file's. */
    @Override
    public void accept(CompileResult result) {
        Struct runtime = result.envoy().runtime();
        boolean first;
        synchronized (lock) {
            first = !firstGoodSeen;
            firstGoodSeen = true;
            if (!runtime.equals(written)) {
                try {
                    write(runtime);
                } catch (IOException e) {
                    // Tried again with the next configuration that goes out; Envoy meanwhile starts on the file as it is.
                    LOG.error("cannot write {}: {}", file.toAbsolutePath(), e.toString());
                }
                if (!runtime.equals(written)) {
                    LOG.warn("{} does not carry the Module's runtime_flags yet", file.toAbsolutePath());
                } else if (!first) {
                    LOG.warn("the Module's runtime_flags changed: {} is rewritten; Envoy reads runtime flags only "
                            + "when it starts, so they apply from {} next start", file.toAbsolutePath(),
                            envoyStart == EnvoyStart.SUPERVISED ? "the supervised Envoy's" : "each Envoy's");
                } else if (runtime.getFieldsCount() > 0) {
                    LOG.info("{} carries the Module's runtime_flags", file.toAbsolutePath());
                }
            }
        }
        if (first) {
            afterFirstGood.run();
        }
    }

    private void write(Struct runtime) throws IOException {
        write(AdsBootstrap.json(withRuntime(base.get(), runtime)));
        written = runtime;
    }

    private void write(String json) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, json + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
