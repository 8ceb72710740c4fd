package dev.legate.sources;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.Diagnostic;
import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceSnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Several sources read as one: the primary (a directory or a cluster), then any extra sources (Istio's mounted
 * certificates), then the derived sources that watch what the others name (the Consul catalog). Documents are
 * concatenated in that order; load diagnostics too; the changed kinds are the union.
 */
public final class LayeredSource implements SnapshotSource {

    private final SnapshotSource primary;
    private final List<SnapshotSource> extras;
    private final List<DerivedSource> derived;

    public LayeredSource(SnapshotSource primary, List<SnapshotSource> extras, List<DerivedSource> derived) {
        this.primary = requireNonNull(primary, "primary");
        this.extras = List.copyOf(extras);
        this.derived = List.copyOf(derived);
    }

    /** The primary source alone when there is nothing to layer on it. */
    public static SnapshotSource of(SnapshotSource primary, List<SnapshotSource> extras, List<DerivedSource> derived) {
        return extras.isEmpty() && derived.isEmpty() ? primary : new LayeredSource(primary, extras, derived);
    }

    public SnapshotSource primary() {
        return primary;
    }

    @Override
    public void start(Runnable onChange) throws IOException {
        // Derived sources first: the primary's first read reconciles their watches.
        for (DerivedSource d : derived) {
            d.start(onChange);
        }
        for (SnapshotSource extra : extras) {
            extra.start(onChange);
        }
        primary.start(onChange);
    }

    @Override
    public SourceRead read() throws IOException {
        SourceRead first = primary.read();
        List<RawDocument> documents = new ArrayList<>(first.snapshot().documents());
        List<Diagnostic> diagnostics = new ArrayList<>(first.snapshot().loadDiagnostics());
        ChangedKinds changes = first.changes();
        for (SnapshotSource extra : extras) {
            SourceRead r = extra.read();
            documents.addAll(r.snapshot().documents());
            diagnostics.addAll(r.snapshot().loadDiagnostics());
            changes = changes.and(r.changes());
        }
        ResourceSnapshot base = new ResourceSnapshot(documents, diagnostics);
        for (DerivedSource d : derived) {
            SourceRead r = d.read(base);
            documents.addAll(r.snapshot().documents());
            diagnostics.addAll(r.snapshot().loadDiagnostics());
            changes = changes.and(r.changes());
        }
        return new SourceRead(new ResourceSnapshot(documents, diagnostics), changes);
    }

    @Override
    public String describe() {
        return Stream.concat(Stream.of(primary.describe()), Stream.concat(extras.stream().map(SnapshotSource::describe),
                derived.stream().map(DerivedSource::describe))).collect(Collectors.joining(", "));
    }

    @Override
    public void close() {
        primary.close();
        extras.forEach(SnapshotSource::close);
        derived.forEach(DerivedSource::close);
    }
}
