package dev.legate.status;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.CompileResult;
import dev.legate.compiler.Diagnostic;
import dev.legate.model.Resource;
import dev.legate.model.ResourceKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The outcome of every resource whose status Legate writes, from one compile: sorted by key, one per key.
 * Resources meant for another instance ({@code ambassador_id}) are not in a compile's result, so they are never
 * touched.
 */
public record StatusReport(List<ResourceOutcome> outcomes) {

    /** The kinds that get a status. */
    public static final Set<String> KINDS = Set.of("Mapping", "TCPMapping", "Host", "Listener", "Ingress");

    public static final StatusReport EMPTY = new StatusReport(List.of());

    public StatusReport {
        List<ResourceOutcome> sorted = new ArrayList<>(outcomes);
        sorted.sort(Comparator.comparing(ResourceOutcome::key));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).key().equals(sorted.get(i - 1).key())) {
                throw new IllegalArgumentException("outcomes: " + sorted.get(i).key() + " appears twice");
            }
        }
        outcomes = List.copyOf(sorted);
    }

    /**
     * The outcomes in {@code result}: every accepted resource of a {@link #KINDS kind} (rejected if an error names
     * it: part of it was left out), and every resource of those kinds that was rejected while decoding (it is named
     * only by its errors).
     */
    public static StatusReport from(CompileResult result) {
        requireNonNull(result, "result");
        Map<String, List<Diagnostic>> bySource = new TreeMap<>();
        for (Diagnostic d : result.diagnostics()) {
            bySource.computeIfAbsent(d.source(), s -> new ArrayList<>()).add(d);
        }
        Map<ResourceKey, ResourceOutcome> outcomes = new TreeMap<>();
        for (Resource<?> resource : result.resources()) {
            ResourceKey key = resource.key();
            if (KINDS.contains(key.kind())) {
                outcomes.put(key, outcome(key, bySource.getOrDefault(key.toString(), List.of())));
            }
        }
        for (Map.Entry<String, List<Diagnostic>> e : bySource.entrySet()) {
            Optional<ResourceKey> key = parseKey(e.getKey());
            if (key.isPresent() && KINDS.contains(key.get().kind()) && !outcomes.containsKey(key.get())
                    && e.getValue().stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR)) {
                outcomes.put(key.get(), outcome(key.get(), e.getValue()));
            }
        }
        return new StatusReport(List.copyOf(outcomes.values()));
    }

    private static ResourceOutcome outcome(ResourceKey key, List<Diagnostic> diagnostics) {
        List<String> errors = messages(diagnostics, Diagnostic.Severity.ERROR);
        return errors.isEmpty() ? ResourceOutcome.accepted(key, messages(diagnostics, Diagnostic.Severity.WARNING))
                : ResourceOutcome.rejected(key, errors);
    }

    private static List<String> messages(List<Diagnostic> diagnostics, Diagnostic.Severity severity) {
        return diagnostics.stream().filter(d -> d.severity() == severity).map(Diagnostic::message).toList();
    }

    /**
     * {@code Kind/name.namespace} back to a key. A namespace is a DNS label (no dots) and a kind has no slash, so
     * the split is unambiguous; anything else ({@code file:...} sources) is not a key.
     */
    static Optional<ResourceKey> parseKey(String source) {
        int slash = source.indexOf('/');
        int dot = source.lastIndexOf('.');
        if (slash <= 0 || dot <= slash + 1 || dot == source.length() - 1 || source.startsWith("file:")) {
            return Optional.empty();
        }
        return Optional.of(new ResourceKey(source.substring(0, slash), source.substring(slash + 1, dot),
                source.substring(dot + 1)));
    }
}
