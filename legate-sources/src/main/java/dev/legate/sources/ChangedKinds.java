package dev.legate.sources;

import static java.util.Objects.requireNonNull;

import dev.legate.sources.consul.ConsulCatalogWatcher;
import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The kinds whose objects changed between two reads of a source, so that a reconfiguration can tell an
 * endpoints-only change (which only needs new endpoint assignments) from one that needs a full compile. A source
 * that cannot tell (a directory of files) says {@link #unknown()}: treat it as if everything changed.
 *
 * @param kinds the kinds that changed, e.g. {@code Mapping}, {@code Endpoints} (an empty set: nothing changed), or
 *     empty when the source cannot tell
 */
public record ChangedKinds(Optional<SortedSet<String>> kinds) {

    /** Kinds that carry only endpoint addresses: a change to these alone need not recompile routes. */
    public static final Set<String> ENDPOINT_KINDS = Set.of("Endpoints", "EndpointSlice", ConsulCatalogWatcher.KIND);

    private static final ChangedKinds UNKNOWN = new ChangedKinds(Optional.empty());

    public ChangedKinds {
        kinds = requireNonNull(kinds, "kinds").map(k -> Collections.unmodifiableSortedSet(new TreeSet<>(k)));
    }

    public static ChangedKinds unknown() {
        return UNKNOWN;
    }

    public static ChangedKinds of(Collection<String> kinds) {
        return new ChangedKinds(Optional.of(new TreeSet<>(kinds)));
    }

    /** True when something changed and every change was to endpoint addresses only. */
    public boolean endpointsOnly() {
        return kinds.map(k -> !k.isEmpty() && ENDPOINT_KINDS.containsAll(k)).orElse(false);
    }

    /** True when the source knows that nothing changed. */
    public boolean none() {
        return kinds.map(Set::isEmpty).orElse(false);
    }

    /** The union of two change sets (unknown if either is). */
    public ChangedKinds and(ChangedKinds other) {
        if (kinds.isEmpty() || other.kinds.isEmpty()) {
            return UNKNOWN;
        }
        Set<String> all = new TreeSet<>(kinds.get());
        all.addAll(other.kinds.get());
        return of(all);
    }

    @Override
    public String toString() {
        return kinds.map(Object::toString).orElse("[unknown]");
    }
}
