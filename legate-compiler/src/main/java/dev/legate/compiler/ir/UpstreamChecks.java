package dev.legate.compiler.ir;

import com.fasterxml.jackson.databind.JsonNode;
import dev.legate.compiler.Diagnostic;
import dev.legate.model.ResourceKey;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The resolver rules Mappings and TCPMappings share (Emissary's IRBaseMapping.setup and valid_mapping). */
final class UpstreamChecks {

    private UpstreamChecks() {
    }

    /** The resolver a (TCP)Mapping uses: its own, else the Module's, else {@code kubernetes-service}. */
    static Resolvers.@Nullable IrResolver resolver(Resolvers resolvers, @Nullable String own,
            @Nullable String moduleDefault, ResourceKey key, List<Diagnostic> diagnostics) {
        String name = own != null && !own.isEmpty() ? own
                : moduleDefault != null && !moduleDefault.isEmpty() ? moduleDefault : Resolvers.DEFAULT;
        Resolvers.IrResolver resolver = resolvers.get(name);
        if (resolver == null) {
            diagnostics.add(Diagnostic.error(key, (own != null && !own.isEmpty() ? "spec.resolver" : "Module "
                    + "ambassador resolver") + ": resolver " + name + " is unknown; not routed"));
        }
        return resolver;
    }

    /** Emissary's valid_mapping: what each resolver refuses. */
    static boolean mappingFitsResolver(Resolvers.IrResolver resolver, boolean hasLoadBalancer,
            @Nullable String service, ResourceKey key, List<Diagnostic> diagnostics) {
        switch (resolver.kind()) {
            case KUBERNETES_SERVICE -> {
                if (hasLoadBalancer) {
                    diagnostics.add(Diagnostic.error(key, "spec.load_balancer: not allowed with the "
                            + "KubernetesServiceResolver " + resolver.name() + " (load balancing needs endpoints: "
                            + "use resolver: endpoint); not routed"));
                    return false;
                }
                return true;
            }
            case CONSUL -> {
                String s = service == null ? "" : service.replaceFirst("^[a-zA-Z]+://", "");
                if (s.contains(".")) {
                    diagnostics.add(Diagnostic.error(key, "spec.service: the ConsulResolver " + resolver.name()
                            + " does not allow dots in service names ('" + service + "'); not routed"));
                    return false;
                }
                if (s.contains(":")) {
                    diagnostics.add(Diagnostic.notice(key, "spec.service: the ConsulResolver " + resolver.name()
                            + " takes ports from Consul; the port in '" + service + "' is ignored"));
                }
                return true;
            }
            default -> {
                return true;
            }
        }
    }

    static @Nullable IrEndpointSource endpointSource(Resolvers.IrResolver resolver, String hostname, int port,
            String namespace, IrSettings settings, @Nullable JsonNode healthChecks, ResourceKey key,
            List<Diagnostic> diagnostics) {
        List<IrEndpointSource.IrHealthCheck> checks = Resolvers.healthChecks(healthChecks, key, diagnostics);
        IrEndpointSource source = Resolvers.endpointSource(resolver, hostname, port, namespace, settings, checks);
        if (source == null && !checks.isEmpty()) {
            diagnostics.add(Diagnostic.warning(key, "spec.health_checks: apply only to clusters whose endpoints come "
                    + "from a KubernetesEndpointResolver or ConsulResolver (as in Emissary); ignored"));
        }
        return source;
    }

    /** TCPMapping {@code idle_timeout_ms} (a string in Emissary's CRD, a number in its documentation). */
    static @Nullable Long idleTimeout(JsonNode value, ResourceKey key, List<Diagnostic> diagnostics) {
        String text = value.isIntegralNumber() ? value.asText() : value.isTextual() ? value.asText().strip() : "";
        try {
            long ms = Long.parseLong(text);
            return ms > 0 ? ms : null;
        } catch (NumberFormatException e) {
            diagnostics.add(Diagnostic.error(key, "spec.idle_timeout_ms: '" + value.asText() + "' is not a whole "
                    + "number of milliseconds; ignored"));
            return null;
        }
    }
}
