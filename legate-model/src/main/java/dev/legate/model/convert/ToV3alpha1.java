package dev.legate.model.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Converts one {@code getambassador.io} resource document (apiVersion, kind, metadata, spec) to
 * {@code getambassador.io/v3alpha1}.
 *
 * <p>The rules are Emissary-ingress's: {@code getambassador.io/v1} specs are v2 specs; v2 spellings that v3alpha1
 * cannot express are kept in v3alpha1's {@code v2ExplicitTLS}, {@code v2BoolHeaders},
 * {@code v2BoolQueryParameters}, {@code v2CommaSeparatedOrigins}, {@code v2Representation} and
 * {@code v2Shorthand} fields, so that {@link FromV3alpha1} can write the v2 document back unchanged. Fields this
 * converter does not know are passed through unchanged, and so are {@code metadata} and {@code status}.
 *
 * <p>Never throws: wrong types anywhere in the input become {@link Conversion#errors() errors}.
 */
public final class ToV3alpha1 {

    private ToV3alpha1() {}

    /** The input is not modified. For a document already in v3alpha1, returns a copy unchanged with no notes. */
    public static Conversion convert(@Nullable ObjectNode document) {
        Problems problems = new Problems();
        if (document == null) {
            problems.error("(document)", "expected an object, got null");
            return Documents.result(Trees.NODES.objectNode(), problems);
        }
        ObjectNode doc;
        try {
            doc = Trees.copyObject(document, problems);
        } catch (RuntimeException | StackOverflowError e) {
            problems.error("(document)", "could not be copied: " + e);
            return Documents.result(Trees.NODES.objectNode(), problems);
        }
        try {
            convertInPlace(doc, problems);
        } catch (RuntimeException | StackOverflowError e) {
            // Not expected; the rules above are written not to throw. Keep the promise anyway.
            problems.error("(document)", "internal conversion failure: " + e);
        }
        return Documents.result(doc, problems);
    }

    private static void convertInPlace(ObjectNode doc, Problems problems) {
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
        if (version.equals(Kinds.V3ALPHA1)) {
            return;
        }
        if (!version.equals(Kinds.V2) && !version.equals(Kinds.V1)) {
            problems.error("apiVersion", "\"" + version + "\" is not one of " + Kinds.V1 + ", " + Kinds.V2 + ", "
                    + Kinds.V3ALPHA1);
            return;
        }
        String kind = Documents.kind(doc, problems);
        if (kind == null) {
            return;
        }
        if (!Kinds.CONVERTIBLE.contains(kind)) {
            problems.error("kind", "\"" + kind + "\" is not a " + version + " kind; expected one of "
                    + String.join(", ", Kinds.CONVERTIBLE.stream().sorted().toList()));
            return;
        }
        if (version.equals(Kinds.V1) && kind.equals(Kinds.HOST)) {
            problems.note("apiVersion", Kinds.V1 + " never defined Host; converted as " + Kinds.V2);
        }
        Documents.checkMetadata(doc, problems);
        Documents.setApiVersion(doc, Kinds.V3ALPHA1);

        ObjectNode spec = Documents.spec(doc, problems);
        List<String> required = Kinds.REQUIRED.getOrDefault(kind, List.of());
        if (spec == null) {
            if (!doc.has("spec") || doc.get("spec").isNull()) {
                if (!required.isEmpty()) {
                    problems.error("spec", (doc.has("spec") ? "null" : "missing") + "; " + article(kind) + " needs "
                            + String.join(" and ", required.stream().map(f -> "spec." + f).toList()));
                }
            }
            return;
        }
        for (String field : required) {
            if (Trees.absent(spec.get(field))) {
                problems.error("spec." + field, "missing; " + article(kind) + " needs it");
            }
        }
        Shape.check(spec, V2Shapes.BY_KIND.get(kind), "spec", problems);
        SpecUp.convert(kind, spec, "spec", problems);
    }

    private static String article(String kind) {
        return ("AEIOU".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind;
    }
}
