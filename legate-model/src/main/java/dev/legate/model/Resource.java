package dev.legate.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One decoded source object: its identity, metadata, typed spec and where it came from.
 *
 * @param ambassadorIds the {@code ambassador_id} list the object declared (empty means {@code ["default"]})
 */
public record Resource<S extends Spec>(ResourceKey key, String apiVersion, ObjectMeta metadata, S spec,
        List<String> ambassadorIds, SourceLocation location) {

    public Resource {
        requireNonNull(key, "key");
        requireNonNull(apiVersion, "apiVersion");
        requireNonNull(metadata, "metadata");
        requireNonNull(spec, "spec");
        ambassadorIds = List.copyOf(ambassadorIds);
        requireNonNull(location, "location");
    }

    public String name() {
        return metadata.name();
    }

    public String namespace() {
        return metadata.namespace();
    }
}
