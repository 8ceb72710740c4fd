package dev.legate.compiler.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.legate.model.SourceLocation;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One parsed YAML/JSON document, not yet validated, with where it came from.
 *
 * <p>A long-running process keeps the documents of its last snapshot (so that an unchanged document is the very same
 * instance next time, and its decoding is reused), but once a document has been decoded its parsed tree is rarely
 * read again. A document made with {@link #rebuildable} can therefore {@linkplain #releaseTree() let its tree go}:
 * it keeps only what rebuilds an equal tree (its text, or the object it was converted from) and the few fields read
 * on every compile ({@link #apiVersion()}, {@link #kind()}, {@link #hasConfigAnnotation()}); {@link #tree()} then
 * rebuilds the tree on demand, without keeping it. At 10,000 Mappings the trees are about 30 MB of heap; their text
 * is about 4 MB. Equality is by content (location and tree), as before.
 */
public final class RawDocument {

    /** The annotation that holds Emissary's configuration on Services and Ingresses. */
    private static final String CONFIG_ANNOTATION = "getambassador.io/config";

    private final SourceLocation location;
    private final String apiVersion;
    private final String kind;
    private final boolean configAnnotation;
    /** Builds the tree again; null when the tree cannot be let go. */
    private final @Nullable Supplier<ObjectNode> rebuild;
    /** The tree while it is held; null once released. */
    private volatile @Nullable ObjectNode tree;

    /** A document that always holds its tree. */
    public RawDocument(ObjectNode tree, SourceLocation location) {
        this(tree, location, null);
    }

    private RawDocument(ObjectNode tree, SourceLocation location, @Nullable Supplier<ObjectNode> rebuild) {
        this.tree = requireNonNull(tree, "tree");
        this.location = requireNonNull(location, "location");
        this.rebuild = rebuild;
        this.apiVersion = tree.path("apiVersion").asText("");
        this.kind = tree.path("kind").asText("");
        this.configAnnotation = tree.path("metadata").path("annotations").has(CONFIG_ANNOTATION);
    }

    /**
     * A document whose tree can be {@linkplain #releaseTree() released} and built again by {@code rebuild}, which must
     * return a tree equal to {@code tree} every time (it is called with no lock held, possibly concurrently).
     */
    public static RawDocument rebuildable(ObjectNode tree, SourceLocation location, Supplier<ObjectNode> rebuild) {
        return new RawDocument(tree, location, requireNonNull(rebuild, "rebuild"));
    }

    /**
     * The parsed document. Never modify it: documents are shared between reads and compiles. After
     * {@link #releaseTree()} each call builds a fresh tree (and does not keep it).
     */
    public ObjectNode tree() {
        ObjectNode t = tree;
        if (t != null) {
            return t;
        }
        return requireNonNull(rebuild, "rebuild").get();
    }

    public SourceLocation location() {
        return location;
    }

    /** The document's {@code apiVersion} as text ("" when missing), read without the tree. */
    public String apiVersion() {
        return apiVersion;
    }

    /** The document's {@code kind} as text ("" when missing), read without the tree. */
    public String kind() {
        return kind;
    }

    /** Whether {@code metadata.annotations} has a {@code getambassador.io/config} entry, read without the tree. */
    public boolean hasConfigAnnotation() {
        return configAnnotation;
    }

    /** Whether the tree can be released (and built again). */
    public boolean isRebuildable() {
        return rebuild != null;
    }

    /** Whether the tree is held now (false once released). */
    public boolean holdsTree() {
        return tree != null;
    }

    /**
     * Lets the tree go when it can be built again; otherwise does nothing. Call it once the document has been
     * decoded: later {@link #tree()} calls pay for building it again.
     */
    public void releaseTree() {
        if (rebuild != null) {
            tree = null;
        }
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o == this || o instanceof RawDocument other && location.equals(other.location)
                && tree().equals(other.tree());
    }

    @Override
    public int hashCode() {
        return Objects.hash(tree(), location);
    }

    @Override
    public String toString() {
        return "RawDocument[tree=" + tree() + ", location=" + location + "]";
    }
}
