package dev.legate.compiler.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.legate.compiler.Diagnostic;
import dev.legate.model.SourceLocation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The getambassador.io documents that Kubernetes objects stand for, as Emissary's fetchers derive them:
 *
 * <ul>
 *   <li>{@code getambassador.io/config} annotations on Services and Ingresses: multi-document YAML in Emissary's
 *       flat form ({@code name}, {@code namespace} and {@code metadata_labels} at the top, every other field
 *       belonging to the spec); a document's namespace defaults to the object's, its labels to the object's;
 *       {@code ambassador/vN} apiVersions mean {@code getambassador.io/vN}.</li>
 *   <li>Ingresses ({@code networking.k8s.io/v1}, {@code v1beta1}, {@code extensions/v1beta1}) of class
 *       {@code ambassador}: taken when {@code spec.ingressClassName} names an IngressClass whose controller is
 *       {@code getambassador.io/ingress-controller}, or when annotated {@code kubernetes.io/ingress.class: ambassador};
 *       and only for this instance's {@code getambassador.io/ambassador-id} annotation (default {@code default}).
 *       Each TLS section's hosts become Hosts {@code <ingress>-<tls#>-<host#>} that terminate TLS with its secret,
 *       route insecure requests and select the Ingress's Mappings; each rule path becomes a Mapping
 *       {@code <ingress>-<rule#>-<path#>} (Exact paths as exact prefixes with precedence 1; {@code *.domain} hosts as
 *       host regexes), and the default backend a Mapping {@code <ingress>-default-backend}; named service ports are
 *       looked up in the Service.</li>
 *   <li>Knative Ingresses ({@code networking.internal.knative.dev}), only with {@code AMBASSADOR_KNATIVE_SUPPORT}:
 *       each (host, split) pair becomes a Mapping {@code <ingress>-<rule#>-<n>} with the split's weight, the path's
 *       timeout (default 15 s) and the headers it appends.</li>
 * </ul>
 *
 * <p>Pure: derived documents are added after the snapshot's own, with a location naming the object they come
 * from, and go through the same decoding, conversion and validation as any other document.
 */
public final class DerivedDocuments {

    static final String ANNOTATION = "getambassador.io/config";
    static final String INGRESS_CONTROLLER = "getambassador.io/ingress-controller";
    static final String KNATIVE_CLASS = "ambassador.ingress.networking.knative.dev";
    private static final Set<String> INGRESS_VERSIONS = Set.of("networking.k8s.io/v1", "networking.k8s.io/v1beta1",
            "extensions/v1beta1");
    private static final Set<String> INGRESS_CLASS_VERSIONS = Set.of("networking.k8s.io/v1",
            "networking.k8s.io/v1beta1");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** What was derived, and the problems found (a malformed annotation, say). */
    public record Derived(List<RawDocument> documents, List<Diagnostic> diagnostics) {
        public Derived {
            documents = List.copyOf(documents);
            diagnostics = List.copyOf(diagnostics);
        }
    }

    /**
     * @param knativeSupported whether Knative Ingresses are read ({@code AMBASSADOR_KNATIVE_SUPPORT})
     */
    public record Settings(String ambassadorId, String defaultNamespace, boolean knativeSupported) {
        public Settings {
            requireNonNull(ambassadorId, "ambassadorId");
            requireNonNull(defaultNamespace, "defaultNamespace");
        }
    }

    private DerivedDocuments() {
    }

    /** Whether a document can stand for others (so that a snapshot without any can skip this step). */
    public static boolean derives(RawDocument d) {
        // Read without the tree: this runs on every document of every compile (see RawDocument#releaseTree).
        String apiVersion = d.apiVersion();
        String kind = d.kind();
        if (kind.equals("Service") && apiVersion.equals("v1")) {
            return d.hasConfigAnnotation();
        }
        return (kind.equals("Ingress") && (INGRESS_VERSIONS.contains(apiVersion)
                || apiVersion.startsWith("networking.internal.knative.dev/")))
                || (kind.equals("IngressClass") && INGRESS_CLASS_VERSIONS.contains(apiVersion));
    }

    public static Derived derive(List<RawDocument> documents, Settings settings) {
        List<RawDocument> out = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        Set<String> classes = new HashSet<>();
        List<RawDocument> candidates = new ArrayList<>();
        for (RawDocument d : documents) {
            if (derives(d)) {
                candidates.add(d);
            }
        }
        if (candidates.isEmpty()) {
            return new Derived(out, diagnostics);
        }
        for (RawDocument d : candidates) {
            ObjectNode t = d.tree();
            if (t.path("kind").asText().equals("IngressClass")
                    && t.path("spec").path("controller").asText("").toLowerCase(Locale.ROOT).equals(INGRESS_CONTROLLER)
                    && ambassadorId(t).equals(settings.ambassadorId())) {
                classes.add(t.path("metadata").path("name").asText(""));
            }
        }
        for (RawDocument d : candidates) {
            ObjectNode t = d.tree();
            String apiVersion = t.path("apiVersion").asText();
            String kind = t.path("kind").asText();
            if (kind.equals("Service") || (kind.equals("Ingress") && INGRESS_VERSIONS.contains(apiVersion))) {
                annotations(d, settings, out, diagnostics);
            }
            if (kind.equals("Ingress") && INGRESS_VERSIONS.contains(apiVersion)) {
                ingress(d, settings, classes, documents, out);
            } else if (kind.equals("Ingress") && settings.knativeSupported()) {
                knative(d, settings, out);
            }
        }
        return new Derived(out, diagnostics);
    }

    private static String ambassadorId(ObjectNode t) {
        return t.path("metadata").path("annotations").path("getambassador.io/ambassador-id").asText("default");
    }

    private static String namespace(ObjectNode t, Settings settings) {
        String ns = t.path("metadata").path("namespace").asText("");
        return ns.isEmpty() ? settings.defaultNamespace() : ns;
    }

    private static String objectKey(ObjectNode t, Settings settings) {
        return t.path("kind").asText() + "/" + t.path("metadata").path("name").asText("") + "."
                + namespace(t, settings);
    }

    private static SourceLocation derivedLocation(RawDocument from, String what) {
        return new SourceLocation(from.location() + " (" + what + ")", 0);
    }

    // ---------------------------------------------------------------------------------------------- annotations

    private static void annotations(RawDocument d, Settings settings, List<RawDocument> out,
            List<Diagnostic> diagnostics) {
        JsonNode text = d.tree().path("metadata").path("annotations").get(ANNOTATION);
        if (text == null) {
            return;
        }
        String owner = objectKey(d.tree(), settings);
        if (!text.isTextual()) {
            diagnostics.add(Diagnostic.error(owner, "metadata.annotations." + ANNOTATION + ": expected YAML text, got "
                    + ResourceDecoder.describe(text)));
            return;
        }
        YamlDocuments.Parsed parsed = YamlDocuments.parse(d.location() + " (" + owner + " annotation " + ANNOTATION
                + ")", text.asText());
        parsed.diagnostics().forEach(p -> diagnostics.add(Diagnostic.error(owner, "metadata.annotations."
                + ANNOTATION + ": " + p.message())));
        ObjectNode ownerMetadata = d.tree().path("metadata") instanceof ObjectNode m ? m : NODES.objectNode();
        int index = 0;
        for (RawDocument doc : parsed.documents()) {
            ObjectNode flat = doc.tree();
            ObjectNode tree = NODES.objectNode();
            ObjectNode metadata = flat.get("metadata") instanceof ObjectNode m ? m.deepCopy() : NODES.objectNode();
            ObjectNode spec = flat.get("spec") instanceof ObjectNode s ? s.deepCopy() : NODES.objectNode();
            String apiVersion = flat.path("apiVersion").asText("");
            if (apiVersion.startsWith("ambassador/")) {
                apiVersion = "getambassador.io/" + apiVersion.substring("ambassador/".length());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = flat.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                switch (e.getKey()) {
                    case "apiVersion", "kind", "metadata", "spec", "status" -> {
                    }
                    case "name", "namespace", "generation" -> metadata.set(e.getKey(), e.getValue());
                    case "metadata_labels" -> metadata.set("labels", e.getValue());
                    default -> spec.set(e.getKey(), e.getValue());
                }
            }
            if (metadata.path("namespace").asText("").isEmpty()) {
                metadata.put("namespace", namespace(d.tree(), settings));
            }
            if (!metadata.has("labels") && ownerMetadata.get("labels") instanceof ObjectNode labels) {
                metadata.set("labels", labels.deepCopy());
            }
            String where = owner + " annotation " + ANNOTATION + " document " + index;
            index++;
            if (!apiVersion.startsWith(ResourceDecoder.GETAMBASSADOR)) {
                diagnostics.add(Diagnostic.error(owner, where + ": apiVersion '" + apiVersion + "' is not a "
                        + "getambassador.io version; ignored"));
                continue;
            }
            tree.put("apiVersion", apiVersion);
            tree.set("kind", flat.get("kind") == null ? NODES.textNode("") : flat.get("kind"));
            tree.set("metadata", metadata);
            tree.set("spec", spec);
            out.add(new RawDocument(tree, doc.location()));
        }
    }

    // ---------------------------------------------------------------------------------------------- Ingress

    private static void ingress(RawDocument d, Settings settings, Set<String> classes, List<RawDocument> all,
            List<RawDocument> out) {
        ObjectNode t = d.tree();
        JsonNode spec = t.path("spec");
        String className = spec.path("ingressClassName").asText("");
        boolean annotated = t.path("metadata").path("annotations").path("kubernetes.io/ingress.class").asText("")
                .toLowerCase(Locale.ROOT).equals("ambassador");
        if (!(classes.contains(className) || annotated) || !ambassadorId(t).equals(settings.ambassadorId())) {
            return;
        }
        String name = t.path("metadata").path("name").asText("");
        String namespace = namespace(t, settings);
        JsonNode labels = t.path("metadata").path("labels");
        String ingressId = null;
        List<JsonNode> tls = elements(spec.path("tls"));
        for (int i = 0; i < tls.size(); i++) {
            ingressId = "a10r-ingress-" + name + "-" + namespace;
            JsonNode section = tls.get(i);
            if (!section.path("secretName").isTextual()) {
                continue;
            }
            JsonNode hosts = section.get("hosts");
            List<String> hostnames = new ArrayList<>();
            if (hosts == null || !hosts.isArray() || hosts.isEmpty()) {
                hostnames.add("*");
            } else {
                hosts.forEach(h -> hostnames.add(h.asText()));
            }
            for (int j = 0; j < hostnames.size(); j++) {
                ObjectNode host = NODES.objectNode();
                host.putArray("ambassador_id").add(settings.ambassadorId());
                host.put("hostname", hostnames.get(j));
                host.putObject("acmeProvider").put("authority", "none");
                host.putObject("tlsSecret").put("name", section.path("secretName").asText());
                host.putObject("selector").putObject("matchLabels").put("a10r-k8s-ingress", ingressId);
                host.putObject("requestPolicy").putObject("insecure").put("action", "Route");
                out.add(derived(d, "Host", name + "-" + i + "-" + j, namespace, labels, null, host));
            }
        }
        JsonNode defaultBackend = spec.has("defaultBackend") ? spec.get("defaultBackend") : spec.path("backend");
        String backendService = backendService(defaultBackend, namespace, all, settings);
        if (backendService != null) {
            ObjectNode mapping = NODES.objectNode();
            mapping.put("ambassador_id", settings.ambassadorId());
            mapping.put("hostname", "*");
            mapping.put("prefix", "/");
            mapping.put("service", backendService);
            out.add(derived(d, "Mapping", name + "-default-backend", namespace, labels, ingressId, mapping));
        }
        List<JsonNode> rules = elements(spec.path("rules"));
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.get(i);
            String host = rule.path("host").isTextual() ? rule.path("host").asText() : null;
            List<JsonNode> paths = elements(rule.path("http").path("paths"));
            for (int j = 0; j < paths.size(); j++) {
                JsonNode path = paths.get(j);
                String service = backendService(path.path("backend"), namespace, all, settings);
                String location = path.path("path").asText("/");
                if (service == null || location.isEmpty()) {
                    continue;
                }
                boolean exact = path.path("pathType").asText("ImplementationSpecific").equals("Exact");
                ObjectNode mapping = NODES.objectNode();
                mapping.put("ambassador_id", settings.ambassadorId());
                mapping.put("prefix", location);
                mapping.put("prefix_exact", exact);
                mapping.put("precedence", exact ? 1 : 0);
                mapping.put("service", service);
                if (host != null) {
                    if (host.startsWith("*.")) {
                        mapping.put("host", host.replace(".", "\\.").replaceFirst("\\*",
                                "^[a-z0-9]([-a-z0-9]*[a-z0-9])?") + "$");
                        mapping.put("host_regex", true);
                    } else {
                        mapping.put("hostname", host);
                    }
                } else if (ingressId == null) {
                    mapping.put("hostname", "*");
                }
                out.add(derived(d, "Mapping", name + "-" + i + "-" + j, namespace, labels, ingressId, mapping));
            }
        }
    }

    /** {@code service.namespace:port} of a v1 ({@code service.name/port}) or v1beta1 backend, or null. */
    private static @Nullable String backendService(JsonNode backend, String namespace, List<RawDocument> all,
            Settings settings) {
        String service;
        String port;
        if (backend.has("service")) {
            service = backend.path("service").path("name").asText("");
            JsonNode p = backend.path("service").path("port");
            port = p.has("number") ? p.path("number").asText() : p.path("name").asText("");
        } else {
            service = backend.path("serviceName").asText("");
            port = backend.path("servicePort").asText("");
        }
        if (service.isEmpty() || port.isEmpty()) {
            return null;
        }
        if (!port.chars().allMatch(Character::isDigit)) {
            port = servicePortNumber(all, namespace, service, port, settings);
        }
        return service + "." + namespace + ":" + port;
    }

    /** Emissary's _try_resolve_service_port_number: a named port, looked up in the Service. */
    private static String servicePortNumber(List<RawDocument> all, String namespace, String service, String name,
            Settings settings) {
        for (RawDocument d : all) {
            if (!d.kind().equals("Service") || !d.apiVersion().equals("v1")) {
                continue;
            }
            ObjectNode t = d.tree();
            if (t.path("metadata").path("name").asText().equals(service)
                    && namespace(t, settings).equals(namespace)) {
                for (JsonNode p : elements(t.path("spec").path("ports"))) {
                    if (name.equals(p.path("name").asText(null)) && p.path("port").isIntegralNumber()) {
                        return p.path("port").asText();
                    }
                }
            }
        }
        return name;
    }

    private static RawDocument derived(RawDocument from, String kind, String name, String namespace, JsonNode labels,
            @Nullable String ingressId, ObjectNode spec) {
        ObjectNode tree = NODES.objectNode();
        tree.put("apiVersion", "getambassador.io/v3alpha1");
        tree.put("kind", kind);
        ObjectNode metadata = tree.putObject("metadata");
        metadata.put("name", name);
        metadata.put("namespace", namespace);
        ObjectNode labelsOut = labels instanceof ObjectNode l ? l.deepCopy() : NODES.objectNode();
        if (ingressId != null) {
            labelsOut.put("a10r-k8s-ingress", ingressId);
        }
        if (!labelsOut.isEmpty()) {
            metadata.set("labels", labelsOut);
        }
        tree.set("spec", spec);
        return new RawDocument(tree, derivedLocation(from, from.tree().path("kind").asText() + "/"
                + from.tree().path("metadata").path("name").asText("") + "." + namespace));
    }

    // ---------------------------------------------------------------------------------------------- Knative

    private static void knative(RawDocument d, Settings settings, List<RawDocument> out) {
        ObjectNode t = d.tree();
        String ingressClass = t.path("metadata").path("annotations").path("networking.knative.dev/ingress.class")
                .asText(KNATIVE_CLASS);
        if (!ingressClass.toLowerCase(Locale.ROOT).equals(KNATIVE_CLASS)
                || !ambassadorId(t).equals(settings.ambassadorId())) {
            return;
        }
        String name = t.path("metadata").path("name").asText("");
        String namespace = namespace(t, settings);
        List<JsonNode> rules = elements(t.path("spec").path("rules"));
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.get(i);
            List<ObjectNode> splits = new ArrayList<>();
            for (JsonNode path : elements(rule.path("http").path("paths"))) {
                JsonNode pathHeaders = path.path("appendHeaders");
                for (JsonNode split : elements(path.path("splits"))) {
                    String service = split.path("serviceName").asText("");
                    if (service.isEmpty()) {
                        continue;
                    }
                    ObjectNode spec = NODES.objectNode();
                    spec.put("service", service + "." + split.path("serviceNamespace").asText(namespace) + ":"
                            + split.path("servicePort").asText("80"));
                    ObjectNode headers = NODES.objectNode();
                    addHeaders(headers, pathHeaders);
                    addHeaders(headers, split.path("appendHeaders"));
                    if (!headers.isEmpty()) {
                        spec.set("add_request_headers", headers);
                    }
                    spec.set("weight", split.has("percent") ? split.get("percent") : NODES.numberNode(100));
                    spec.put("prefix", path.path("path").asText("/"));
                    Long timeout = dev.legate.compiler.ir.Durations.millis(path.path("timeout").asText("15s"));
                    spec.put("timeout_ms", timeout == null ? 15_000 : timeout);
                    splits.add(spec);
                }
            }
            int count = 0;
            for (JsonNode host : elements(rule.path("hosts"))) {
                for (ObjectNode split : splits) {
                    ObjectNode spec = NODES.objectNode();
                    spec.put("ambassador_id", settings.ambassadorId());
                    spec.put("host", host.asText());
                    spec.setAll(split);
                    out.add(derived(d, "Mapping", name + "-" + i + "-" + count, namespace,
                            t.path("metadata").path("labels"), null, spec));
                    count++;
                }
            }
        }
    }

    private static void addHeaders(ObjectNode into, JsonNode headers) {
        if (headers instanceof ObjectNode h) {
            h.fields().forEachRemaining(e -> into.putObject(e.getKey()).put("value", e.getValue().asText()));
        }
    }

    /** The elements of a list; nothing when the node is not a list (bad input is left to decoding to report). */
    private static List<JsonNode> elements(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(out::add);
        }
        return out;
    }

    static ArrayNode list(String... values) {
        ArrayNode out = NODES.arrayNode();
        for (String v : values) {
            out.add(v);
        }
        return out;
    }
}
