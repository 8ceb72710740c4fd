package dev.legate.compiler;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.config.DecodeSettings;
import dev.legate.compiler.config.Decoded;
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

    public Compiler(CompileOptions options) {
        this(options, new EnvoyConstraints());
    }

    public Compiler(CompileOptions options, EnvoyConstraints constraints) {
        this.options = requireNonNull(options, "options");
        this.decoder = new ResourceDecoder(new DecodeSettings(options.ambassadorId(),
                options.ambassadorNamespace()));
        this.translator = new EnvoyTranslator(constraints);
    }

    public CompileOptions options() {
        return options;
    }

    public CompileResult compile(ResourceSnapshot snapshot) {
        requireNonNull(snapshot, "snapshot");
        List<Diagnostic> diagnostics = new ArrayList<>(snapshot.loadDiagnostics());
        Map<ResourceKey, Resource<?>> accepted = new TreeMap<>();
        List<String> rejectedAuthServices = new ArrayList<>();
        // Documents are independent: decode them in parallel, then take the results in snapshot order.
        List<Decoded> decodedDocuments = snapshot.documents().parallelStream().map(decoder::decode).toList();
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
                }
            }
        }
        List<Resource<?>> resources = List.copyOf(accepted.values());
        IrBuilder.Inputs inputs = IrBuilder.Inputs.of(resources, options.ambassadorNamespace());
        if (!rejectedAuthServices.isEmpty()) {
            inputs = inputs.withServices(inputs.services().withRejectedAuthServices(rejectedAuthServices));
        }
        IrResult ir = IrBuilder.build(inputs);
        diagnostics.addAll(ir.diagnostics());
        EnvoyTranslator.Translation translation = translator.translate(ir.ir(), inputs.secrets());
        diagnostics.addAll(translation.diagnostics());
        List<Diagnostic> sorted = new ArrayList<>(new LinkedHashSet<>(diagnostics));
        sorted.sort(Diagnostic.ORDER);
        return new CompileResult(resources, ir.ir(), translation.config(), sorted);
    }
}
