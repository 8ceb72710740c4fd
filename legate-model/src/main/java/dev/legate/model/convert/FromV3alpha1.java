package dev.legate.model.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/**
 * Converts one {@code getambassador.io/v3alpha1} resource document back to {@code getambassador.io/v2} or
 * {@code getambassador.io/v1}: the inverse of {@link ToV3alpha1}, so that v2 &rarr; v3alpha1 &rarr; v2 gives the
 * original document back (for every v2 spelling Emissary's v3alpha1 bookkeeping fields can record).
 *
 * <p>Never throws: problems become {@link Conversion#errors() errors}.
 */
public final class FromV3alpha1 {

    private FromV3alpha1() {}

    /**
     * Converts without touching {@code ambassador_id} items (what a v2&rarr;v3alpha1&rarr;v2 round trip needs).
     *
     * @param targetApiVersion {@code getambassador.io/v2}, {@code getambassador.io/v1}, or
     *     {@code getambassador.io/v3alpha1} (a copy unchanged)
     */
    public static Conversion convert(@Nullable ObjectNode v3doc, @Nullable String targetApiVersion) {
        return convert(v3doc, targetApiVersion, false);
    }

    /**
     * Converts, optionally marking {@code ambassador_id} the way Emissary's conversion webhook does: each item is
     * prefixed with {@code --apiVersion-v3alpha1-only--} (an absent list becomes that prefix plus
     * {@code default}), so that Ambassador releases that read only v2 ignore resources written as v3alpha1.
     * {@link ToV3alpha1} removes the prefix again.
     */
    public static Conversion convert(@Nullable ObjectNode v3doc, @Nullable String targetApiVersion,
            boolean mangleAmbassadorId) {
        if (Kinds.V3ALPHA1.equals(targetApiVersion)) {
            // A v3alpha1 document comes back unchanged; a v1/v2 one is ToV3alpha1's job.
            return ToV3alpha1.convert(v3doc);
        }
        Problems problems = new Problems();
        if (v3doc == null) {
            problems.error("(document)", "expected an object, got null");
            return Documents.result(Trees.NODES.objectNode(), problems);
        }
        ObjectNode doc;
        try {
            doc = Trees.copyObject(v3doc, problems);
        } catch (RuntimeException | StackOverflowError e) {
            problems.error("(document)", "could not be copied: " + e);
            return Documents.result(Trees.NODES.objectNode(), problems);
        }
        try {
            convertInPlace(doc, targetApiVersion, mangleAmbassadorId, problems);
        } catch (RuntimeException | StackOverflowError e) {
            problems.error("(document)", "internal conversion failure: " + e);
        }
        return Documents.result(doc, problems);
    }

    private static void convertInPlace(ObjectNode doc, @Nullable String target, boolean mangle, Problems problems) {
        if (target == null || !(target.equals(Kinds.V2) || target.equals(Kinds.V1))) {
            problems.error("(target apiVersion)", (target == null ? "null" : "\"" + target + "\"") + " is not one of "
                    + Kinds.V1 + ", " + Kinds.V2 + ", " + Kinds.V3ALPHA1);
            return;
        }
        JsonNode apiVersion = doc.get("apiVersion");
        if (apiVersion == null) {
            problems.error("apiVersion", "missing");
            return;
        }
        if (!apiVersion.isTextual()) {
            problems.error("apiVersion", "expected a string, got " + Trees.describe(apiVersion));
            return;
        }
        String version = apiVersion.textValue();
        if (version.equals(target)) {
            return;
        }
        String kind;
        if (version.equals(Kinds.V2) || version.equals(Kinds.V1)) {
            // v1 and v2 share their spec types: only the apiVersion changes.
            kind = Documents.kind(doc, problems);
            if (kind != null && checkKind(kind, target, problems)) {
                Documents.setApiVersion(doc, target);
            }
            return;
        }
        if (!version.equals(Kinds.V3ALPHA1)) {
            problems.error("apiVersion", "\"" + version + "\" is not one of " + Kinds.V1 + ", " + Kinds.V2 + ", "
                    + Kinds.V3ALPHA1);
            return;
        }
        kind = Documents.kind(doc, problems);
        if (kind == null || !checkKind(kind, target, problems)) {
            return;
        }
        Documents.checkMetadata(doc, problems);
        Documents.setApiVersion(doc, target);
        ObjectNode spec = Documents.spec(doc, problems);
        if (spec == null && mangle && Trees.absent(doc.get("spec")) && !kind.equals(Kinds.HOST)) {
            // Emissary's v2 specs are values, so even an empty one carries the marked default ambassador_id.
            spec = doc.putObject("spec");
        }
        if (spec == null) {
            return;
        }
        SpecDown.convert(kind, spec, mangle, "spec", problems);
    }

    private static boolean checkKind(String kind, String target, Problems problems) {
        if (kind.equals(Kinds.LISTENER)) {
            problems.error("kind", "Listener exists only in " + Kinds.V3ALPHA1 + "; it has no " + target + " form");
            return false;
        }
        if (!Kinds.CONVERTIBLE.contains(kind)) {
            problems.error("kind", "\"" + kind + "\" is not a getambassador.io kind this converter knows");
            return false;
        }
        if (kind.equals(Kinds.HOST) && target.equals(Kinds.V1)) {
            problems.error("kind", "Host does not exist in " + Kinds.V1);
            return false;
        }
        return true;
    }
}
