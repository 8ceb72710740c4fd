package dev.legate.model;

import static java.util.Objects.requireNonNull;

/**
 * Identifies one source object. Printed as {@code Kind/name.namespace}, the key users see in diagnostics.
 */
public record ResourceKey(String kind, String name, String namespace) implements Comparable<ResourceKey> {

    public ResourceKey {
        requireNonNull(kind, "kind");
        requireNonNull(name, "name");
        requireNonNull(namespace, "namespace");
    }

    @Override
    public String toString() {
        return kind + "/" + name + "." + namespace;
    }

    /** By kind, then namespace, then name. (Written out: a compile sorts some ten thousand keys per edit.) */
    @Override
    public int compareTo(ResourceKey other) {
        if (this == other) {
            return 0;
        }
        int c = compare(kind, other.kind);
        if (c == 0) {
            c = compare(namespace, other.namespace);
        }
        return c != 0 ? c : compare(name, other.name);
    }

    private static int compare(String a, String b) {
        return a == b ? 0 : a.compareTo(b);
    }
}
