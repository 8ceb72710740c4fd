package dev.legate.compiler.ir;

import com.fasterxml.jackson.databind.JsonNode;
import dev.legate.compiler.Diagnostic;
import dev.legate.model.ResolverSpec;
import dev.legate.model.Resource;
import dev.legate.model.ResourceKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The resolvers of one configuration, by name, as Emissary's IRServiceResolverFactory builds them: the declared
 * KubernetesServiceResolvers, KubernetesEndpointResolvers and ConsulResolvers, plus the defaults
 * {@code kubernetes-service}, {@code kubernetes-endpoint} / {@code endpoint} and {@code consul-endpoint} /
 * {@code consul} (datacenter {@code dc1}) unless declared; declaring one name of an alias pair declares both.
 */
public final class Resolvers {

    public static final String DEFAULT = "kubernetes-service";

    /** One resolver. */
    public record IrResolver(String name, Kind kind, @Nullable String datacenter) {
    }

    public enum Kind {
        KUBERNETES_SERVICE, KUBERNETES_ENDPOINT, CONSUL
    }

    private final Map<String, IrResolver> byName = new TreeMap<>();

    public Resolvers(List<Resource<ResolverSpec>> declared) {
        for (Resource<ResolverSpec> r : declared) {
            Kind kind = switch (r.key().kind()) {
                case "KubernetesEndpointResolver" -> Kind.KUBERNETES_ENDPOINT;
                case "ConsulResolver" -> Kind.CONSUL;
                default -> Kind.KUBERNETES_SERVICE;
            };
            // Names are global in Emissary (resolvers are looked up by name alone): the first in key order wins.
            byName.putIfAbsent(r.name(), new IrResolver(r.name(), kind, r.spec().datacenter()));
        }
        byName.putIfAbsent(DEFAULT, new IrResolver(DEFAULT, Kind.KUBERNETES_SERVICE, null));
        alias("endpoint", "kubernetes-endpoint", new IrResolver("kubernetes-endpoint", Kind.KUBERNETES_ENDPOINT, null));
        alias("consul", "consul-endpoint", new IrResolver("consul-endpoint", Kind.CONSUL, "dc1"));
    }

    private void alias(String a, String b, IrResolver fallback) {
        IrResolver first = byName.get(a);
        IrResolver second = byName.get(b);
        if (first == null && second == null) {
            byName.put(a, new IrResolver(a, fallback.kind(), fallback.datacenter()));
            byName.put(b, new IrResolver(b, fallback.kind(), fallback.datacenter()));
        } else if (first == null) {
            byName.put(a, new IrResolver(a, second.kind(), second.datacenter()));
        } else if (second == null) {
            byName.put(b, new IrResolver(b, first.kind(), first.datacenter()));
        }
    }

    public @Nullable IrResolver get(String name) {
        return byName.get(name);
    }

    /** Emissary qualifies service names with the Mapping's namespace only for the Kubernetes resolvers. */
    static boolean qualifiesServiceNames(IrResolver resolver) {
        return resolver.kind() != Kind.CONSUL;
    }

    /**
     * Where a cluster's endpoints come from, or null for a DNS cluster (the KubernetesServiceResolver, or a service
     * that is an IP address).
     *
     * @param hostname the service's host, already qualified
     * @param mappingNamespace the namespace of the Mapping that made the cluster
     */
    static @Nullable IrEndpointSource endpointSource(IrResolver resolver, String hostname, int port,
            String mappingNamespace, IrSettings settings, List<IrEndpointSource.IrHealthCheck> healthChecks) {
        if (resolver.kind() == Kind.KUBERNETES_SERVICE
                || com.google.common.net.InetAddresses.isInetAddress(hostname)) {
            return null;
        }
        if (resolver.kind() == Kind.CONSUL) {
            String dc = resolver.datacenter() == null ? "dc1" : resolver.datacenter();
            return new IrEndpointSource(IrEndpointSource.Kind.CONSUL, "consul/" + dc + "/" + hostname, hostname, dc,
                    port, healthChecks);
        }
        // Emissary's parse_service: "svc.ns[.more]" names its namespace; a bare name is in the Mapping's namespace
        // (or Ambassador's, with use_ambassador_namespace_for_service_resolution).
        String service = hostname;
        String namespace = settings.ambassadorNamespace();
        if (hostname.contains(".")) {
            String[] parts = hostname.split("\\.", 3);
            service = parts[0];
            namespace = parts[1];
        } else if (!settings.useAmbassadorNamespaceForServiceResolution()) {
            namespace = mappingNamespace;
        }
        return new IrEndpointSource(IrEndpointSource.Kind.KUBERNETES, "k8s/" + namespace + "/" + service + "/" + port,
                service, namespace, port, healthChecks);
    }

    /**
     * Mapping {@code health_checks}, as Emissary's IRHealthChecks reads them: a health check that cannot be used is
     * reported and left out; the others stay.
     */
    static List<IrEndpointSource.IrHealthCheck> healthChecks(@Nullable JsonNode config, ResourceKey key,
            List<Diagnostic> diagnostics) {
        List<IrEndpointSource.IrHealthCheck> out = new ArrayList<>();
        if (config == null || config.isNull()) {
            return out;
        }
        if (!config.isArray()) {
            diagnostics.add(Diagnostic.error(key, "spec.health_checks: expected a list, got " + describe(config)));
            return out;
        }
        for (int i = 0; i < config.size(); i++) {
            String at = "spec.health_checks[" + i + "]";
            JsonNode hc = config.get(i);
            IrEndpointSource.IrHealthCheck parsed = healthCheck(hc, at, key, diagnostics);
            if (parsed != null) {
                out.add(parsed);
            }
        }
        return out;
    }

    private static IrEndpointSource.@Nullable IrHealthCheck healthCheck(JsonNode hc, String at, ResourceKey key,
            List<Diagnostic> diagnostics) {
        JsonNode check = hc.get("health_check");
        if (check == null || !check.isObject()) {
            diagnostics.add(Diagnostic.error(key, at + ".health_check: expected an object with http or grpc; this "
                    + "health check is ignored"));
            return null;
        }
        Long timeout = duration(hc.get("timeout"), 3000, at + ".timeout", key, diagnostics);
        Long interval = duration(hc.get("interval"), 5000, at + ".interval", key, diagnostics);
        Integer healthy = count(hc.get("healthy_threshold"), 1, at + ".healthy_threshold", key, diagnostics);
        Integer unhealthy = count(hc.get("unhealthy_threshold"), 2, at + ".unhealthy_threshold", key, diagnostics);
        if (timeout == null || interval == null || healthy == null || unhealthy == null) {
            return null;
        }
        JsonNode http = check.get("http");
        JsonNode grpc = check.get("grpc");
        if ((http == null) == (grpc == null)) {
            diagnostics.add(Diagnostic.error(key, at + ".health_check: set exactly one of http and grpc; this health "
                    + "check is ignored"));
            return null;
        }
        if (http != null) {
            if (!http.isObject() || !http.path("path").isTextual() || http.path("path").asText().isEmpty()) {
                diagnostics.add(Diagnostic.error(key, at + ".health_check.http.path: required; this health check "
                        + "is ignored"));
                return null;
            }
            List<IrRoute.IrHeaderValue> add = new ArrayList<>();
            JsonNode addNode = http.get("add_request_headers");
            if (addNode != null && addNode.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = addNode.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonNode v = e.getValue();
                    if (v.isObject()) {
                        add.add(new IrRoute.IrHeaderValue(e.getKey(), v.path("value").asText(""),
                                !v.has("append") || v.path("append").asBoolean(true)));
                    } else {
                        add.add(new IrRoute.IrHeaderValue(e.getKey(), v.asText(), true));
                    }
                }
            } else if (addNode != null && !addNode.isNull()) {
                diagnostics.add(Diagnostic.error(key, at + ".health_check.http.add_request_headers: must be an "
                        + "object of header: value; ignored"));
            }
            List<String> remove = new ArrayList<>();
            JsonNode removeNode = http.get("remove_request_headers");
            if (removeNode != null && removeNode.isArray()) {
                removeNode.forEach(n -> remove.add(n.asText()));
            } else if (removeNode != null && !removeNode.isNull()) {
                diagnostics.add(Diagnostic.error(key, at + ".health_check.http.remove_request_headers: must be a "
                        + "list; ignored"));
            }
            List<IrEndpointSource.StatusRange> statuses = new ArrayList<>();
            JsonNode statusNode = http.get("expected_statuses");
            if (statusNode != null && statusNode.isArray()) {
                for (int j = 0; j < statusNode.size(); j++) {
                    JsonNode range = statusNode.get(j);
                    int min = range.path("min").asInt(-1);
                    int max = range.path("max").asInt(-1);
                    if (min < 100 || max > 599 || min > max) {
                        diagnostics.add(Diagnostic.error(key, at + ".health_check.http.expected_statuses[" + j
                                + "]: expected min <= max within 100-599; this range is ignored"));
                        continue;
                    }
                    statuses.add(new IrEndpointSource.StatusRange(min, max + 1));
                }
            }
            String host = http.path("hostname").isTextual() ? http.path("hostname").asText() : null;
            return new IrEndpointSource.IrHealthCheck(timeout, interval, healthy, unhealthy,
                    new IrEndpointSource.Http(http.path("path").asText(), host, add, remove, statuses), null);
        }
        if (!grpc.isObject() || !grpc.path("upstream_name").isTextual()) {
            diagnostics.add(Diagnostic.error(key, at + ".health_check.grpc.upstream_name: required; this health "
                    + "check is ignored"));
            return null;
        }
        String authority = grpc.path("authority").isTextual() ? grpc.path("authority").asText() : null;
        return new IrEndpointSource.IrHealthCheck(timeout, interval, healthy, unhealthy, null,
                new IrEndpointSource.Grpc(grpc.path("upstream_name").asText(), authority));
    }

    /** A Kubernetes duration ("3s", "500ms", "1m30s", "1.5s"), as milliseconds. */
    private static @Nullable Long duration(@Nullable JsonNode node, long fallback, String at, ResourceKey key,
            List<Diagnostic> diagnostics) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        Long ms = node.isTextual() ? Durations.millis(node.asText()) : null;
        if (ms == null || ms <= 0) {
            diagnostics.add(Diagnostic.error(key, at + ": expected a duration such as \"3s\" or \"500ms\", got "
                    + describe(node) + "; this health check is ignored"));
            return null;
        }
        return ms;
    }

    private static @Nullable Integer count(@Nullable JsonNode node, int fallback, String at, ResourceKey key,
            List<Diagnostic> diagnostics) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || node.asInt() < 0) {
            diagnostics.add(Diagnostic.error(key, at + ": expected a non-negative integer, got " + describe(node)
                    + "; this health check is ignored"));
            return null;
        }
        return node.asInt();
    }

    private static String describe(JsonNode node) {
        return node.isTextual() ? "\"" + node.asText() + "\"" : node.getNodeType().toString().toLowerCase(Locale.ROOT);
    }
}
