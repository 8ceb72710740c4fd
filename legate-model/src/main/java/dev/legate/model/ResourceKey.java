package dev.legate.model;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;

/**
 * Identifies one source object. Printed as {@code Kind/name.namespace}, the key users see in diagnostics.
 */
public record ResourceKey(String kind, String name, String namespace) implements Comparable<ResourceKey> {

    private static final Comparator<ResourceKey> ORDER = Comparator.comparing(ResourceKey::kind)
            .thenComparing(ResourceKey::namespace)
            .thenComparing(ResourceKey::name);

    public ResourceKey {
        requireNonNull(kind, "kind");
        requireNonNull(name, "name");
        requireNonNull(namespace, "namespace");
    }

    @Override
    public String toString() {
        return kind + "/" + name + "." + namespace;
    }

    @Override
    public int compareTo(ResourceKey other) {
        return ORDER.compare(this, other);
    }
}
