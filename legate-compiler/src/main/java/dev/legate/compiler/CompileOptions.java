package dev.legate.compiler;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * Instance settings a compile depends on, taken from the environment Emissary users already set.
 *
 * @param ambassadorId {@code AMBASSADOR_ID}, default {@code default}
 * @param ambassadorNamespace {@code AMBASSADOR_NAMESPACE}, default {@code default}: where Legate itself runs, and
 *     the namespace of objects that name none
 * @param knative {@code AMBASSADOR_KNATIVE_SUPPORT}: whether Knative Ingresses become Mappings
 */
public record CompileOptions(String ambassadorId, String ambassadorNamespace, Knative knative) {

    public static final CompileOptions DEFAULTS = new CompileOptions("default", "default");

    /** {@code AMBASSADOR_KNATIVE_SUPPORT=true}: Knative Ingresses (networking.internal.knative.dev) are compiled. */
    public enum Knative {
        IGNORED, SUPPORTED
    }

    /** Knative Ingresses ignored, as by default in Emissary. */
    public CompileOptions(String ambassadorId, String ambassadorNamespace) {
        this(ambassadorId, ambassadorNamespace, Knative.IGNORED);
    }

    public CompileOptions {
        requireNonNull(ambassadorId, "ambassadorId");
        requireNonNull(ambassadorNamespace, "ambassadorNamespace");
        requireNonNull(knative, "knative");
        if (ambassadorId.isBlank()) {
            throw new IllegalArgumentException("ambassadorId: must not be blank");
        }
        if (ambassadorNamespace.isBlank()) {
            throw new IllegalArgumentException("ambassadorNamespace: must not be blank");
        }
    }

    /**
     * Reads AMBASSADOR_ID and AMBASSADOR_NAMESPACE from {@code env}, defaulting both to {@code default}, and
     * AMBASSADOR_KNATIVE_SUPPORT ({@code true}, in any case, turns Knative support on).
     */
    public static CompileOptions fromEnvironment(Map<String, String> env) {
        String knative = env.get("AMBASSADOR_KNATIVE_SUPPORT");
        return new CompileOptions(nonBlank(env.get("AMBASSADOR_ID")), nonBlank(env.get("AMBASSADOR_NAMESPACE")),
                knative != null && knative.strip().equalsIgnoreCase("true") ? Knative.SUPPORTED : Knative.IGNORED);
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? "default" : value.strip();
    }
}
