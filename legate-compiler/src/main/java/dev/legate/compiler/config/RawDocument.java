package dev.legate.compiler.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.legate.model.SourceLocation;

/** One parsed YAML/JSON document, not yet validated, with where it came from. */
public record RawDocument(ObjectNode tree, SourceLocation location) {

    public RawDocument {
        requireNonNull(tree, "tree");
        requireNonNull(location, "location");
    }
}
