package dev.legate.sources;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.config.ResourceSnapshot;

/** One read of a {@link SnapshotSource}: the whole snapshot, and which kinds changed since the previous read. */
public record SourceRead(ResourceSnapshot snapshot, ChangedKinds changes) {

    public SourceRead {
        requireNonNull(snapshot, "snapshot");
        requireNonNull(changes, "changes");
    }
}
