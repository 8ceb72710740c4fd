package dev.legate.compiler;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.config.DecodeSettings;
import dev.legate.compiler.config.Decoded;
import dev.legate.compiler.config.DerivedDocuments;
import dev.legate.compiler.config.ResourceDecoder;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.envoy.EnvoyTranslator;
import dev.legate.compiler.ir.IrBuilder;
import dev.legate.compiler.ir.IrResult;
import dev.legate.envoy.constraints.EnvoyConstraints;
import dev.legate.model.Resource;
import dev.legate.model.ResourceKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The compiler: a pure function from one {@link ResourceSnapshot} to Envoy configuration. Bad input becomes
 * diagnostics on the resources concerned; everything else still compiles. Thread-safe; reuse one instance (it caches
 * Envoy's constraint validators).
 */
public final class Compiler {

    private final CompileOptions options;
    private final ResourceDecoder decoder;
    private final EnvoyTranslator translator;
    private final DerivedDocuments.Settings derivedSettings;
    private final EnvoyConstraints constraints;

    public Compiler(CompileOptions options) {
        this(options, new EnvoyConstraints());
    }

    public Compiler(CompileOptions options, EnvoyConstraints constraints) {
        this.options = requireNonNull(options, "options");
        this.decoder = new ResourceDecoder(new DecodeSettings(options.ambassadorId(),
                options.ambassadorNamespace()));
        this.translator = new EnvoyTranslator(constraints);
        this.constraints = constraints;
        this.derivedSettings = new DerivedDocuments.Settings(options.ambassadorId(), options.ambassadorNamespace(),
                options.knative() == CompileOptions.Knative.SUPPORTED);
    }

    public CompileOptions options() {
        return options;
    }

    public CompileResult compile(ResourceSnapshot snapshot) {
        requireNonNull(snapshot, "snapshot");
        List<Diagnostic> diagnostics = new ArrayList<>(snapshot.loadDiagnostics());
        Map<ResourceKey, Resource<?>> accepted = new TreeMap<>();
        // Documents are independent: decode them in parallel, then take the results in snapshot order.
        List<dev.legate.compiler.config.RawDocument> documents = snapshot.documents();
        DerivedDocuments.Derived derived = DerivedDocuments.derive(documents, derivedSettings);
        if (!derived.documents().isEmpty()) {
            documents = new ArrayList<>(documents);
            documents.addAll(derived.documents());
        }
        diagnostics.addAll(derived.diagnostics());
        List<Decoded> decodedDocuments = documents.parallelStream().map(decoder::decode).toList();
        for (Decoded decoded : decodedDocuments) {
            diagnostics.addAll(decoded.diagnostics());
            if (decoded instanceof Decoded.Accepted a) {
                Resource<?> previous = accepted.putIfAbsent(a.resource().key(), a.resource());
                if (previous != null) {
                    diagnostics.add(Diagnostic.error(a.resource().key(), "duplicate: defined again at "
                            + a.resource().location() + "; keeping the definition from " + previous.location()));
                }
            }
        }
        List<Resource<?>> resources = List.copyOf(accepted.values());
        IrBuilder.Inputs inputs = IrBuilder.Inputs.of(resources, options.ambassadorNamespace());
        IrResult ir = IrBuilder.build(inputs);
        diagnostics.addAll(ir.diagnostics());
        EnvoyTranslator.Translation translation = translator.translate(ir.ir(), inputs.secrets(),
                dev.legate.compiler.ir.EndpointIndex.of(resources));
        diagnostics.addAll(translation.diagnostics());
        List<Diagnostic> sorted = new ArrayList<>(new LinkedHashSet<>(diagnostics));
        sorted.sort(Diagnostic.ORDER);
        return new CompileResult(resources, ir.ir(), translation.config(), sorted);
    }

    /**
     * The endpoint-only fast path: when {@code next} differs from {@code previousSnapshot} only in documents that
     * feed endpoints (Endpoints, EndpointSlices, ConsulServiceEntries), the result of compiling {@code next}, made
     * without recompiling routes: the previous IR and Envoy resources with new endpoint assignments (see
     * {@link dev.legate.compiler.envoy.EndpointTranslator}). Equal to {@code compile(next)} in every field; empty
     * when anything else changed, and a full compile is needed.
     *
     * @param previous the result of {@code compile(previousSnapshot)}
     */
    public java.util.Optional<CompileResult> recompileEndpoints(ResourceSnapshot previousSnapshot,
            CompileResult previous, ResourceSnapshot next) {
        requireNonNull(previousSnapshot, "previousSnapshot");
        requireNonNull(previous, "previous");
        requireNonNull(next, "next");
        if (!previousSnapshot.loadDiagnostics().equals(next.loadDiagnostics())) {
            return java.util.Optional.empty();
        }
        List<dev.legate.compiler.config.RawDocument> oldEndpoints = new ArrayList<>();
        List<dev.legate.compiler.config.RawDocument> newEndpoints = new ArrayList<>();
        java.util.Iterator<dev.legate.compiler.config.RawDocument> oldOthers = others(previousSnapshot, oldEndpoints);
        java.util.Iterator<dev.legate.compiler.config.RawDocument> newOthers = others(next, newEndpoints);
        while (oldOthers.hasNext() && newOthers.hasNext()) {
            dev.legate.compiler.config.RawDocument a = oldOthers.next();
            dev.legate.compiler.config.RawDocument b = newOthers.next();
            // Unchanged files keep their parsed documents (ParsedFileCache): identity is the cheap, common case.
            if (a != b && !a.equals(b)) {
                return java.util.Optional.empty();
            }
        }
        if (oldOthers.hasNext() || newOthers.hasNext()) {
            return java.util.Optional.empty();
        }
        EndpointDecoding before = decodeEndpoints(oldEndpoints);
        EndpointDecoding after = decodeEndpoints(newEndpoints);
        Map<ResourceKey, Resource<?>> resources = new TreeMap<>();
        for (Resource<?> r : previous.resources()) {
            if (!dev.legate.compiler.ir.EndpointIndex.endpointResource(r)) {
                resources.put(r.key(), r);
            }
        }
        resources.putAll(after.accepted());
        List<Resource<?>> all = List.copyOf(resources.values());
        dev.legate.compiler.envoy.EndpointTranslator.Assignments assignments =
                new dev.legate.compiler.envoy.EndpointTranslator(constraints).translate(previous.ir().clusters(),
                        dev.legate.compiler.ir.EndpointIndex.of(all));
        java.util.Set<Diagnostic> stale = new java.util.HashSet<>(before.diagnostics());
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (Diagnostic d : previous.diagnostics()) {
            if (!stale.contains(d) && !d.message().startsWith(
                    dev.legate.compiler.envoy.EndpointTranslator.DIAGNOSTIC_PREFIX)) {
                diagnostics.add(d);
            }
        }
        diagnostics.addAll(after.diagnostics());
        diagnostics.addAll(assignments.diagnostics());
        List<Diagnostic> sorted = new ArrayList<>(new LinkedHashSet<>(diagnostics));
        sorted.sort(Diagnostic.ORDER);
        return java.util.Optional.of(new CompileResult(all, previous.ir(),
                previous.envoy().withEndpoints(assignments.assignments()), sorted));
    }

    private record EndpointDecoding(Map<ResourceKey, Resource<?>> accepted, List<Diagnostic> diagnostics) {
    }

    private static java.util.Iterator<dev.legate.compiler.config.RawDocument> others(ResourceSnapshot snapshot,
            List<dev.legate.compiler.config.RawDocument> endpointsOut) {
        List<dev.legate.compiler.config.RawDocument> others = new ArrayList<>();
        for (dev.legate.compiler.config.RawDocument d : snapshot.documents()) {
            if (dev.legate.compiler.config.UpstreamDocuments.endpointsOnly(d)) {
                endpointsOut.add(d);
            } else {
                others.add(d);
            }
        }
        return others.iterator();
    }

    /** Decodes endpoint documents exactly as {@link #compile} does (same order, same duplicate rule). */
    private EndpointDecoding decodeEndpoints(List<dev.legate.compiler.config.RawDocument> documents) {
        Map<ResourceKey, Resource<?>> accepted = new TreeMap<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (dev.legate.compiler.config.RawDocument document : documents) {
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
