package dev.legate.apiext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.legate.model.convert.Conversion;
import dev.legate.model.convert.FromV3alpha1;
import dev.legate.model.convert.ToV3alpha1;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Converts one stored {@code getambassador.io} object to the version the API server asks for, with the model's
 * lossless conversion ({@link ToV3alpha1}, {@link FromV3alpha1}).
 *
 * <p>A conversion that reports errors is still accepted when converting its result back gives the original object
 * exactly: then nothing was lost (the usual case is a resource missing a field its CRD marks required, which the
 * API server accepted under an older schema). Rejecting it would fail every list of that kind, not just the one
 * object (as Emissary's users saw with #5053). Anything else that lost data is a failure.
 */
final class ObjectConverter {

    static final String GROUP = "getambassador.io";
    static final String V1 = GROUP + "/v1";
    static final String V2 = GROUP + "/v2";
    static final String V3ALPHA1 = GROUP + "/v3alpha1";
    static final Set<String> VERSIONS = Set.of(V1, V2, V3ALPHA1);

    /** What happens to {@code ambassador_id} when converting from v3alpha1 down to v2 or v1. */
    enum AmbassadorIdMarking {
        /** Unchanged: v2 &rarr; v3alpha1 &rarr; v2 gives back exactly what was stored. */
        UNCHANGED,
        /**
         * As Emissary's webhook does: each id gets the prefix {@code --apiVersion-v3alpha1-only--} (an absent list
         * becomes {@code [--apiVersion-v3alpha1-only--default]}), so that Ambassador releases that read only v2
         * ignore resources written as v3alpha1. Converting up removes the prefix again.
         */
        EMISSARY_PREFIX
    }

    /** The outcome for one object. */
    sealed interface Result permits Converted, Failed {}

    /** @param object the converted object */
    record Converted(ObjectNode object) implements Result {}

    /** @param problems why it could not be converted, each starting with the field's path */
    record Failed(List<String> problems) implements Result {
        Failed {
            problems = List.copyOf(problems);
        }
    }

    private final AmbassadorIdMarking marking;

    ObjectConverter(AmbassadorIdMarking marking) {
        this.marking = Objects.requireNonNull(marking, "marking");
    }

    /**
     * Converts {@code object} (which is not modified) to {@code desiredApiVersion}, one of {@link #VERSIONS}.
     */
    Result convert(ObjectNode object, String desiredApiVersion) {
        Conversion conversion = convert(object, desiredApiVersion, marking);
        ObjectNode converted = conversion.converted();
        String shape = shapeProblem(object, converted, desiredApiVersion);
        if (!conversion.ok()) {
            if (shape != null || !losslessDespiteErrors(object, converted)) {
                return new Failed(conversion.errors());
            }
        } else if (shape != null) {
            return new Failed(List.of(shape));
        }
        return new Converted(converted);
    }

    /**
     * The API server rejects a response that changes anything but labels and annotations in metadata, or that has
     * the wrong apiVersion or kind; say so here, precisely, rather than leave it to a vaguer message.
     */
    private static @Nullable String shapeProblem(ObjectNode object, ObjectNode converted, String desired) {
        if (!desired.equals(text(converted.get("apiVersion")))) {
            return "apiVersion: the conversion produced " + converted.get("apiVersion") + ", not " + desired;
        }
        if (!Objects.equals(object.get("kind"), converted.get("kind"))
                || !Objects.equals(object.get("metadata"), converted.get("metadata"))) {
            return "(document): the conversion changed kind or metadata";
        }
        return null;
    }

    private static Conversion convert(ObjectNode object, String desired, AmbassadorIdMarking marking) {
        if (desired.equals(V3ALPHA1)) {
            return ToV3alpha1.convert(object);
        }
        return FromV3alpha1.convert(object, desired, marking == AmbassadorIdMarking.EMISSARY_PREFIX);
    }

    /** True when converting {@code converted} back to {@code original}'s version gives {@code original}. */
    private static boolean losslessDespiteErrors(ObjectNode original, ObjectNode converted) {
        String from = text(original.get("apiVersion"));
        if (from == null || !VERSIONS.contains(from) || !original.path("kind").isTextual()) {
            return false;
        }
        // Checked without marking: marking is a deliberate change, not a loss.
        Conversion back = convert(converted, from, AmbassadorIdMarking.UNCHANGED);
        return back.converted().equals(original);
    }

    private static @Nullable String text(@Nullable JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }
}
