package dev.legate.model.convert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * The result of converting one resource document.
 *
 * @param converted the converted document (a fresh tree, never the input). When {@code errors} is not empty it is
 *     a best-effort result, useful for diagnostics only.
 * @param notes things a user should know that do not make the document unusable (a field that has no counterpart
 *     and was dropped, a value that was normalized), each a sentence that starts with the field's path, for example
 *     {@code "spec.tls: v2 boolean true became ..."}
 * @param errors problems that make the document unusable (wrong types, a missing required field, an unknown
 *     apiVersion or kind), each a sentence that starts with the field's path, for example
 *     {@code "spec.headers.x-foo: expected a string or true, got a list"}
 */
public record Conversion(ObjectNode converted, List<String> notes, List<String> errors) {

    public Conversion {
        Objects.requireNonNull(converted, "converted");
        notes = List.copyOf(notes);
        errors = List.copyOf(errors);
    }

    /** True when the conversion found no errors. */
    public boolean ok() {
        return errors.isEmpty();
    }
}
