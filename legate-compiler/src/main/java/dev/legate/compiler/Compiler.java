package dev.legate.compiler;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.config.DecodeSettings;
import dev.legate.compiler.config.Decoded;
import dev.legate.compiler.config.DerivedDocuments;
import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceDecoder;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.envoy.EnvoyTranslator;
import dev.legate.compiler.ir.EndpointIndex;
import dev.legate.compiler.ir.IrBuilder;
import dev.legate.compiler.ir.IrMemo;
import dev.legate.compiler.ir.IrResult;
import dev.legate.envoy.constraints.EnvoyConstraints;
import dev.legate.model.Resource;
import dev.legate.model.ResourceKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The compiler: a pure function from one {@link ResourceSnapshot} to Envoy configuration. Bad input becomes
 * diagnostics on the resources concerned; everything else still compiles. Thread-safe; reuse one instance: it caches
 * Envoy's constraint validators, and what the last compile decoded and translated, so that a compile of a snapshot
 * that differs in a few documents mostly reuses the work of the last one (see {@code RouteMemo}). The output never depends on what was cached:
 * a compile gives the same result on a fresh instance.
 */
public final class Compiler {

    private final CompileOptions options;
    private final ResourceDecoder decoder;
    private final EnvoyTranslator translator;
    private final DerivedDocuments.Settings derivedSettings;
    private final EnvoyConstraints constraints;
    /**
     * The last compile's decoded documents, by document instance: sources hand over the very same {@link RawDocument}
     * for an unchanged document (the directory source re-parses only files whose bytes changed), and decoding depends
     * on nothing else, so an edit decodes one document instead of all of them.
     */
    private volatile Map<RawDocument, Decoded> decodedBefore = Map.of();
    /** The last compile's resources in key order: laid out this way first, the next sort has little to do. */
    private volatile List<Resource<?>> sortedBefore = List.of();
    /**
     * The last compile's endpoint index and the resources it was made from (those that feed endpoints, in order): the
     * same instances make the same index.
     */
    private volatile EndpointsMade endpointsMade = new EndpointsMade(List.of(), EndpointIndex.EMPTY);

    private record EndpointsMade(List<Resource<?>> inputs, EndpointIndex index) {
    }

    /** New documents beyond which a compile decodes in parallel. */
    private static final int PARALLEL_DECODE_MIN = 64;

    /** What the last compile's IR build made, for the next (see {@link IrMemo}). */
    private volatile IrMemo irMemo = IrMemo.EMPTY;

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
        Map<ResourceKey, Resource<?>> accepted = HashMap.newHashMap(snapshot.documents().size());
        List<Resource<?>> unique = new ArrayList<>();
        List<String> rejectedAuthServices = new ArrayList<>();
        // Documents are independent: decode them in parallel, then take the results in snapshot order.
        List<RawDocument> documents = snapshot.documents();
        DerivedDocuments.Derived derived = DerivedDocuments.derive(documents, derivedSettings);
        if (!derived.documents().isEmpty()) {
            documents = new ArrayList<>(documents);
            documents.addAll(derived.documents());
        }
        diagnostics.addAll(derived.diagnostics());
        Map<RawDocument, Decoded> before = decodedBefore;
        List<Decoded> decodedDocuments = new ArrayList<>(documents.size());
        List<Integer> missing = new ArrayList<>();
        for (RawDocument d : documents) {
            Decoded known = before.get(d);
            if (known == null) {
                missing.add(decodedDocuments.size());
            }
            decodedDocuments.add(known);
        }
        // Many new documents (a first compile): decoded in parallel; a few (an edit): here.
        List<RawDocument> all = documents;
        List<Decoded> made = missing.size() > PARALLEL_DECODE_MIN
                ? missing.parallelStream().map(i -> decoder.decode(all.get(i))).toList()
                : missing.stream().map(i -> decoder.decode(all.get(i))).toList();
        for (int k = 0; k < missing.size(); k++) {
            decodedDocuments.set(missing.get(k), made.get(k));
        }
        Map<RawDocument, Decoded> decodedNow = new IdentityHashMap<>(decodedDocuments.size() * 2);
        for (int i = 0; i < decodedDocuments.size(); i++) {
            decodedNow.put(documents.get(i), decodedDocuments.get(i));
        }
        decodedBefore = decodedNow;
        for (Decoded decoded : decodedDocuments) {
            diagnostics.addAll(decoded.diagnostics());
            if (decoded instanceof Decoded.Rejected r && r.source().startsWith("AuthService/")) {
                rejectedAuthServices.add(r.source());
            }
            if (decoded instanceof Decoded.Accepted a) {
                Resource<?> previous = accepted.putIfAbsent(a.resource().key(), a.resource());
                if (previous != null) {
                    diagnostics.add(Diagnostic.error(a.resource().key(), "duplicate: defined again at "
                            + a.resource().location() + "; keeping the definition from " + previous.location()));
                } else {
                    unique.add(a.resource());
                }
            }
        }
        List<Resource<?>> resources = List.copyOf(byKey(unique, sortedBefore));
        sortedBefore = resources;
        IrBuilder.Inputs inputs = IrBuilder.Inputs.of(resources, options.ambassadorNamespace());
        if (!rejectedAuthServices.isEmpty()) {
            inputs = inputs.withServices(inputs.services().withRejectedAuthServices(rejectedAuthServices));
        }
        IrMemo.Generation memo = irMemo.next();
        IrResult ir = IrBuilder.build(inputs, memo);
        irMemo = memo.done();
        diagnostics.addAll(ir.diagnostics());
        EnvoyTranslator.Translation translation = translator.translate(ir.ir(), inputs.secrets(),
                endpoints(resources));
        diagnostics.addAll(translation.diagnostics());
        List<Diagnostic> sorted = new ArrayList<>(new LinkedHashSet<>(diagnostics));
        sorted.sort(Diagnostic.ORDER);
        return new CompileResult(resources, ir.ir(), translation.config(), sorted);
    }

    /** The endpoints of {@code resources}: last compile's index when made from the very same resources. */
    private EndpointIndex endpoints(List<Resource<?>> resources) {
        List<Resource<?>> inputs = new ArrayList<>();
        for (Resource<?> r : resources) {
            if (EndpointIndex.feeds(r)) {
                inputs.add(r);
            }
        }
        EndpointsMade before = endpointsMade;
        boolean same = before.inputs().size() == inputs.size();
        for (int i = 0; same && i < inputs.size(); i++) {
            same = before.inputs().get(i) == inputs.get(i);
        }
        if (same) {
            return before.index();
        }
        EndpointIndex index = EndpointIndex.of(inputs);
        endpointsMade = new EndpointsMade(List.copyOf(inputs), index);
        return index;
    }

    /**
     * {@code resources} (whose keys are distinct) sorted by key. {@code sortedBefore} (the previous compile's result,
     * sorted by key, whose unchanged resources are the very same instances) gives the order of the resources it still
     * holds: a sorted list's sublist is sorted. Only the others (new or changed documents, a few after an edit) are
     * sorted and placed, each by binary search, instead of ten thousand keys compared again.
     */
    static List<Resource<?>> byKey(List<Resource<?>> resources, List<Resource<?>> sortedBefore) {
        Set<Resource<?>> present = java.util.Collections.newSetFromMap(new IdentityHashMap<>(resources.size()));
        present.addAll(resources);
        List<Resource<?>> kept = new ArrayList<>(resources.size());
        for (Resource<?> r : sortedBefore) {
            if (present.remove(r)) {
                kept.add(r);
            }
        }
        List<Resource<?>> fresh = new ArrayList<>();
        for (Resource<?> r : resources) {
            if (present.remove(r)) {
                fresh.add(r);
            }
        }
        return dev.legate.compiler.ir.SortedMerge.merge(kept, fresh, (a, b) -> a.key().compareTo(b.key()));
    }

    /**
     * The endpoint-only fast path: when {@code next} differs from {@code previousSnapshot} only in documents that
     * feed endpoints (Endpoints, EndpointSlices, ConsulServiceEntries), the result of compiling {@code next}, made
     * without recompiling routes (see {@link EndpointRecompile}). Equal to {@code compile(next)} in every field;
     * empty when anything else changed, and a full compile is needed.
     *
     * @param previous the result of {@code compile(previousSnapshot)}
     */
    public java.util.Optional<CompileResult> recompileEndpoints(ResourceSnapshot previousSnapshot,
            CompileResult previous, ResourceSnapshot next) {
        return EndpointRecompile.recompile(decoder, constraints, previousSnapshot, previous, next);
    }
}
