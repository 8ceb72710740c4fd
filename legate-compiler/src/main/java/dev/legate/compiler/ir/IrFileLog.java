package dev.legate.compiler.ir;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * The file access log's format (Module {@code envoy_log_type}, {@code envoy_log_format}); its path is
 * {@link IrSettings#envoyLogPath()}.
 *
 * @param jsonFields the JSON log's fields ({@code name: "%COMMAND%"}), or null for Emissary's default fields
 */
public record IrFileLog(Format format, @Nullable JsonNode jsonFields) {

    public static final IrFileLog TEXT = new IrFileLog(Format.TEXT, null);

    /** TEXT: one line per request; JSON: one JSON object per request (Emissary's json and typed_json). */
    public enum Format {
        TEXT, JSON
    }
}
