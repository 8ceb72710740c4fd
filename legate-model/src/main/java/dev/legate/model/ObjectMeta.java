package dev.legate.model;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** The parts of Kubernetes metadata the compiler uses. Labels and annotations are sorted copies. */
public record ObjectMeta(String name, String namespace, SortedMap<String, String> labels,
        SortedMap<String, String> annotations) {

    public ObjectMeta {
        requireNonNull(name, "name");
        requireNonNull(namespace, "namespace");
        labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
        annotations = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
    }

    public static ObjectMeta of(String name, String namespace, Map<String, String> labels) {
        return new ObjectMeta(name, namespace, new TreeMap<>(labels), new TreeMap<>());
    }
}
