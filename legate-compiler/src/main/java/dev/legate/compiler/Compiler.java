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
import dev.legate.model.HostSpec;
import dev.legate.model.ListenerSpec;
import dev.legate.model.MappingSpec;
import dev.legate.model.ModuleSpec;
import dev.legate.model.Resource;
import dev.legate.model.ResourceKey;
import dev.legate.model.SecretSpec;
import dev.legate.model.TLSContextSpec;
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
        // Documents are independent: decode them in parallel, then take the results in snapshot order.
        List<Decoded> decodedDocuments = snapshot.documents().parallelStream().map(decoder::decode).toList();
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
        IrResult ir = IrBuilder.build(inputs(resources));
        diagnostics.addAll(ir.diagnostics());
        EnvoyTranslator.Translation translation = translator.translate(ir.ir(), secrets(resources));
        diagnostics.addAll(translation.diagnostics());
        List<Diagnostic> sorted = new ArrayList<>(new LinkedHashSet<>(diagnostics));
        sorted.sort(Diagnostic.ORDER);
        return new CompileResult(resources, ir.ir(), translation.config(), sorted);
    }

    @SuppressWarnings("unchecked")
    private IrBuilder.Inputs inputs(List<Resource<?>> resources) {
        List<Resource<MappingSpec>> mappings = new ArrayList<>();
        List<Resource<HostSpec>> hosts = new ArrayList<>();
        List<Resource<ListenerSpec>> listeners = new ArrayList<>();
        List<Resource<TLSContextSpec>> contexts = new ArrayList<>();
        List<Resource<ModuleSpec>> modules = new ArrayList<>();
        for (Resource<?> r : resources) {
            switch (r.spec()) {
                case MappingSpec m -> mappings.add((Resource<MappingSpec>) r);
                case HostSpec h -> hosts.add((Resource<HostSpec>) r);
                case ListenerSpec l -> listeners.add((Resource<ListenerSpec>) r);
                case TLSContextSpec t -> contexts.add((Resource<TLSContextSpec>) r);
                case ModuleSpec m -> modules.add((Resource<ModuleSpec>) r);
                default -> {
                }
            }
        }
        return new IrBuilder.Inputs(mappings, hosts, listeners, contexts, modules, secrets(resources),
                options.ambassadorNamespace());
    }

    private static Map<String, SecretSpec> secrets(List<Resource<?>> resources) {
        Map<String, SecretSpec> secrets = new TreeMap<>();
        for (Resource<?> r : resources) {
            if (r.spec() instanceof SecretSpec s) {
                secrets.put(r.name() + "." + r.namespace(), s);
            }
        }
        return secrets;
    }
}
