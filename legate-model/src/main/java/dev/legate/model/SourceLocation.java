package dev.legate.model;

import static java.util.Objects.requireNonNull;

/** Where a resource was read from: a file and the line its document starts on, or a Kubernetes object. */
public record SourceLocation(String origin, int line) {

    public static final SourceLocation INTERNAL = new SourceLocation("-internal-", 0);

    public SourceLocation {
        requireNonNull(origin, "origin");
    }

    @Override
    public String toString() {
        return line > 0 ? origin + ":" + line : origin;
    }
}
