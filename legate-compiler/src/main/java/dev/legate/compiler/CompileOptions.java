package dev.legate.compiler;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * Instance settings a compile depends on, taken from the environment Emissary users already set.
 *
 * @param ambassadorId {@code AMBASSADOR_ID}, default {@code default}
 * @param ambassadorNamespace {@code AMBASSADOR_NAMESPACE}, default {@code default}: where Legate itself runs, and
 *     the namespace of objects that name none
 */
public record CompileOptions(String ambassadorId, String ambassadorNamespace) {

    public static final CompileOptions DEFAULTS = new CompileOptions("default", "default");

    public CompileOptions {
        requireNonNull(ambassadorId, "ambassadorId");
        requireNonNull(ambassadorNamespace, "ambassadorNamespace");
        if (ambassadorId.isBlank()) {
            throw new IllegalArgumentException("ambassadorId: must not be blank");
        }
        if (ambassadorNamespace.isBlank()) {
            throw new IllegalArgumentException("ambassadorNamespace: must not be blank");
        }
    }

    /** Reads AMBASSADOR_ID and AMBASSADOR_NAMESPACE from {@code env}, defaulting both to {@code default}. */
    public static CompileOptions fromEnvironment(Map<String, String> env) {
        return new CompileOptions(nonBlank(env.get("AMBASSADOR_ID")), nonBlank(env.get("AMBASSADOR_NAMESPACE")));
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? "default" : value.strip();
    }
}
