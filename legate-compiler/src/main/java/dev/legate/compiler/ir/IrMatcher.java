package dev.legate.compiler.ir;

import org.jspecify.annotations.Nullable;

/**
 * One header or query-parameter condition of a Mapping, as Emissary's KeyValueDecorator: a name, an optional value
 * (absent means "present"), and whether the value is a regex.
 */
public record IrMatcher(String name, @Nullable String value, boolean regex) {

    /** Emissary's weight contribution: name length + value length ("*" when absent) + 1 for a regex. */
    public int length() {
        return name.length() + (value == null || value.isEmpty() ? 1 : value.length()) + (regex ? 1 : 0);
    }

    /** Emissary's sort key for this matcher: {@code name-value}. */
    public String key() {
        return name + "-" + (value == null || value.isEmpty() ? "*" : value);
    }
}
