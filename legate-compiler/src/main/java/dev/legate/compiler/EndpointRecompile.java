package dev.legate.compiler;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.config.Decoded;
import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceDecoder;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.config.UpstreamDocuments;
import dev.legate.compiler.envoy.EndpointTranslator;
import dev.legate.compiler.ir.EndpointIndex;
import dev.legate.envoy.constraints.EnvoyConstraints;
import dev.legate.model.Resource;
import dev.legate.model.ResourceKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The endpoint-only fast path of {@link Compiler#recompileEndpoints}: endpoint documents (Endpoints, EndpointSlices,
 * ConsulServiceEntries) feed nothing but endpoint assignments, so when nothing else changed the previous IR and
 * Envoy resources stand, with new assignments from {@link EndpointTranslator} (a pure
 * function of the IR's clusters and the endpoints). The resources and diagnostics are brought up to date exactly as
 * a full compile would make them: the endpoint documents' decoding diagnostics and the assignments' diagnostics are
 * replaced, everything else is kept.
 */
final class EndpointRecompile {

    private EndpointRecompile() {
    }

    static Optional<CompileResult> recompile(ResourceDecoder decoder, EnvoyConstraints constraints,
            ResourceSnapshot previousSnapshot, CompileResult previous, ResourceSnapshot next) {
        requireNonNull(previousSnapshot, "previousSnapshot");
        requireNonNull(previous, "previous");
        requireNonNull(next, "next");
        if (!previousSnapshot.loadDiagnostics().equals(next.loadDiagnostics())) {
            return Optional.empty();
        }
        List<RawDocument> oldEndpoints = new ArrayList<>();
        List<RawDocument> newEndpoints = new ArrayList<>();
        Iterator<RawDocument> oldOthers = others(previousSnapshot, oldEndpoints);
        Iterator<RawDocument> newOthers = others(next, newEndpoints);
        while (oldOthers.hasNext() && newOthers.hasNext()) {
            RawDocument a = oldOthers.next();
            RawDocument b = newOthers.next();
            // Unchanged files keep their parsed documents (ParsedFileCache): identity is the cheap, common case.
            if (a != b && !a.equals(b)) {
                return Optional.empty();
            }
        }
        if (oldOthers.hasNext() || newOthers.hasNext()) {
            return Optional.empty();
        }
        EndpointDecoding before = decodeEndpoints(decoder, oldEndpoints);
        EndpointDecoding after = decodeEndpoints(decoder, newEndpoints);
        Map<ResourceKey, Resource<?>> resources = new TreeMap<>();
        for (Resource<?> r : previous.resources()) {
            if (!EndpointIndex.endpointResource(r)) {
                resources.put(r.key(), r);
            }
        }
        resources.putAll(after.accepted());
        List<Resource<?>> all = List.copyOf(resources.values());
        EndpointTranslator.Assignments assignments =
                new EndpointTranslator(constraints).translate(previous.ir().clusters(),
                        EndpointIndex.of(all));
        Set<Diagnostic> stale = new HashSet<>(before.diagnostics());
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (Diagnostic d : previous.diagnostics()) {
            if (!stale.contains(d) && !d.message().startsWith(
                    EndpointTranslator.DIAGNOSTIC_PREFIX)) {
                diagnostics.add(d);
            }
        }
        diagnostics.addAll(after.diagnostics());
        diagnostics.addAll(assignments.diagnostics());
        List<Diagnostic> sorted = new ArrayList<>(new LinkedHashSet<>(diagnostics));
        sorted.sort(Diagnostic.ORDER);
        return Optional.of(new CompileResult(all, previous.ir(),
                previous.envoy().withEndpoints(assignments.assignments()), sorted));
    }

    private record EndpointDecoding(Map<ResourceKey, Resource<?>> accepted, List<Diagnostic> diagnostics) {
    }

    private static Iterator<RawDocument> others(ResourceSnapshot snapshot,
            List<RawDocument> endpointsOut) {
        List<RawDocument> others = new ArrayList<>();
        for (RawDocument d : snapshot.documents()) {
            if (UpstreamDocuments.endpointsOnly(d)) {
                endpointsOut.add(d);
            } else {
                others.add(d);
            }
        }
        return others.iterator();
    }

    /** Decodes endpoint documents exactly as {@link #compile} does (same order, same duplicate rule). */
    private static EndpointDecoding decodeEndpoints(ResourceDecoder decoder,
            List<RawDocument> documents) {
        Map<ResourceKey, Resource<?>> accepted = new TreeMap<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (RawDocument document : documents) {
            Decoded decoded = decoder.decode(document);
            diagnostics.addAll(decoded.diagnostics());
            if (decoded instanceof Decoded.Accepted a) {
                Resource<?> previous = accepted.putIfAbsent(a.resource().key(), a.resource());
                if (previous != null) {
                    diagnostics.add(Diagnostic.error(a.resource().key(), "duplicate: defined again at "
                            + a.resource().location() + "; keeping the definition from " + previous.location()));
                }
            }
        }
        return new EndpointDecoding(accepted, diagnostics);
    }
}
