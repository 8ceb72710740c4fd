package dev.legate.compiler.config;

import static java.util.Objects.requireNonNull;

/**
 * The instance-level settings that change how documents are read.
 *
 * @param ambassadorId this instance's id ({@code AMBASSADOR_ID}); resources whose {@code ambassador_id} does not
 *     include it are ignored
 * @param defaultNamespace the namespace of objects that name none ({@code AMBASSADOR_NAMESPACE}, else
 *     {@code default})
 */
public record DecodeSettings(String ambassadorId, String defaultNamespace) {

    public static final DecodeSettings DEFAULTS = new DecodeSettings("default", "default");

    public DecodeSettings {
        requireNonNull(ambassadorId, "ambassadorId");
        requireNonNull(defaultNamespace, "defaultNamespace");
    }
}
