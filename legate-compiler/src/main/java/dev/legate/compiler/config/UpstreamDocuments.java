package dev.legate.compiler.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.legate.compiler.Diagnostic;
import dev.legate.model.ConsulServiceEntriesSpec;
import dev.legate.model.EndpointsSpec;
import dev.legate.model.ObjectMeta;
import dev.legate.model.Resource;
import dev.legate.model.ResourceKey;
import dev.legate.model.SecretSpec;
import dev.legate.model.SourceLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads the documents that feed upstream endpoints and certificates rather than routes:
 *
 * <ul>
 *   <li>core v1 {@code Endpoints} and {@code discovery.k8s.io/v1} (or {@code v1beta1}) {@code EndpointSlice}s, as
 *       Kubernetes serves them: the ready addresses of a Service, for KubernetesEndpointResolver clusters. Not-ready
 *       addresses are left out, as Emissary leaves them out.</li>
 *   <li>{@code legate.dev/v1alpha1} {@code ConsulServiceEntries}: the instances of one Consul service, for
 *       ConsulResolver clusters. A Consul catalog watcher writes one document per watched service and
 *       datacenter:
 *       <pre>
 * apiVersion: legate.dev/v1alpha1
 * kind: ConsulServiceEntries
 * metadata:
 *   name: billing-dc1          # any name; one document per (service, datacenter)
 *   namespace: ambassador      # any namespace; not used for matching
 * service: billing             # the Consul service name, as Mappings name it
 * datacenter: dc1              # the ConsulResolver's datacenter
 * entries:                     # the healthy instances; an empty list means none
 *   - address: 10.0.0.12       # an IP address (resolve node names before writing them)
 *     port: 8080
 *       </pre>
 *       A Mapping {@code service: billing} with {@code resolver: <a ConsulResolver with datacenter dc1>} takes its
 *       endpoints from the entries of service {@code billing} in {@code dc1} (several documents add up).</li>
 *   <li>{@code legate.dev/v1alpha1} {@code IstioCertificateFiles}: the certificate files Istio mounts in the
 *       directory named by {@code AMBASSADOR_ISTIO_SECRET_DIR}, which Emissary turns into the TLS Secret
 *       {@code istio-certs} in Ambassador's namespace. A files watcher writes them as one document:
 *       <pre>
 * apiVersion: legate.dev/v1alpha1
 * kind: IstioCertificateFiles
 * metadata:
 *   name: istio-certs          # the Secret name TLSContexts refer to (Emissary's is istio-certs)
 *   namespace: ambassador      # AMBASSADOR_NAMESPACE
 * files:                       # the directory's files, by name, as text
 *   cert-chain.pem: |
 *     -----BEGIN CERTIFICATE-----
 *   key.pem: |
 *     -----BEGIN PRIVATE KEY-----
 *   root-cert.pem: |           # optional; Emissary ignores it, so does Legate (cert-chain.pem includes it)
 *       </pre>
 *       It becomes a TLS Secret {@code name.namespace}, so that a TLSContext {@code secret: istio-certs} (and
 *       Mappings with {@code tls:} naming that context) originate mTLS with Istio's certificate.</li>
 * </ul>
 */
public final class UpstreamDocuments {

    static final String LEGATE_GROUP = "legate.dev/v1alpha1";
    private static final Set<String> SLICE_VERSIONS = Set.of("discovery.k8s.io/v1", "discovery.k8s.io/v1beta1");

    private UpstreamDocuments() {
    }

    /**
     * Whether a document only feeds endpoints (Endpoints, EndpointSlice, ConsulServiceEntries): a change to such
     * documents alone changes nothing but endpoint assignments.
     */
    public static boolean endpointsOnly(RawDocument document) {
        String apiVersion = document.apiVersion();
        String kind = document.kind();
        return !kind.equals("IstioCertificateFiles") && reads(apiVersion, kind);
    }

    static boolean reads(String apiVersion, String kind) {
        return switch (kind) {
            case "Endpoints" -> apiVersion.equals("v1");
            case "EndpointSlice" -> SLICE_VERSIONS.contains(apiVersion);
            case "ConsulServiceEntries", "IstioCertificateFiles" -> apiVersion.equals(LEGATE_GROUP);
            default -> false;
        };
    }

    static Decoded decode(String kind, ResourceKey key, String apiVersion, ObjectMeta metadata, ObjectNode tree,
            SourceLocation location, List<Diagnostic> diagnostics) {
        Object spec = switch (kind) {
            case "Endpoints" -> endpoints(key, tree, diagnostics);
            case "EndpointSlice" -> endpointSlice(key, metadata, tree, diagnostics);
            case "ConsulServiceEntries" -> consul(key, tree, diagnostics);
            default -> istio(key, tree, diagnostics);
        };
        if (spec == null) {
            return new Decoded.Rejected(key.toString(), diagnostics);
        }
        return new Decoded.Accepted(new Resource<>(key, apiVersion, metadata, (dev.legate.model.Spec) spec,
                List.of(), location), diagnostics);
    }

    private static @Nullable EndpointsSpec endpoints(ResourceKey key, ObjectNode tree, List<Diagnostic> out) {
        JsonNode subsets = tree.get("subsets");
        List<EndpointsSpec.Subset> result = new ArrayList<>();
        if (subsets != null && !subsets.isNull()) {
            if (!subsets.isArray()) {
                out.add(Diagnostic.error(key, "subsets: expected a list, got " + ResourceDecoder.describe(subsets)));
                return null;
            }
            for (int i = 0; i < subsets.size(); i++) {
                JsonNode subset = subsets.get(i);
                String at = "subsets[" + i + "]";
                List<String> addresses = addresses(key, subset.get("addresses"), at + ".addresses", out);
                List<EndpointsSpec.Port> ports = ports(key, subset.get("ports"), at + ".ports", out);
                if (addresses == null || ports == null) {
                    return null;
                }
                result.add(new EndpointsSpec.Subset(addresses, ports));
            }
        }
        return new EndpointsSpec(key.name(), result);
    }

    private static @Nullable List<String> addresses(ResourceKey key, @Nullable JsonNode list, String at,
            List<Diagnostic> out) {
        List<String> addresses = new ArrayList<>();
        if (list == null || list.isNull()) {
            return addresses;
        }
        if (!list.isArray()) {
            out.add(Diagnostic.error(key, at + ": expected a list, got " + ResourceDecoder.describe(list)));
            return null;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode ip = list.get(i).get("ip");
            if (ip == null || !ip.isTextual() || !UpstreamRules.isIpAddress(ip.asText())) {
                out.add(Diagnostic.error(key, at + "[" + i + "].ip: expected an IP address, got "
                        + (ip == null ? "nothing" : ResourceDecoder.describe(ip))));
                return null;
            }
            addresses.add(ip.asText());
        }
        return addresses;
    }

    private static @Nullable List<EndpointsSpec.Port> ports(ResourceKey key, @Nullable JsonNode list, String at,
            List<Diagnostic> out) {
        List<EndpointsSpec.Port> ports = new ArrayList<>();
        if (list == null || list.isNull()) {
            return ports;
        }
        if (!list.isArray()) {
            out.add(Diagnostic.error(key, at + ": expected a list, got " + ResourceDecoder.describe(list)));
            return null;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode p = list.get(i);
            JsonNode port = p.get("port");
            if (port == null || !port.isIntegralNumber() || port.asInt() < 1 || port.asInt() > 65535) {
                out.add(Diagnostic.error(key, at + "[" + i + "].port: expected a port number (1-65535), got "
                        + (port == null ? "nothing" : ResourceDecoder.describe(port))));
                return null;
            }
            JsonNode name = p.get("name");
            JsonNode protocol = p.get("protocol");
            ports.add(new EndpointsSpec.Port(name != null && name.isTextual() && !name.asText().isEmpty()
                    ? name.asText() : null, port.asInt(), protocol != null && protocol.isTextual()
                    ? protocol.asText().toUpperCase(Locale.ROOT) : "TCP"));
        }
        return ports;
    }

    private static @Nullable EndpointsSpec endpointSlice(ResourceKey key, ObjectMeta metadata, ObjectNode tree,
            List<Diagnostic> out) {
        String service = metadata.labels().get("kubernetes.io/service-name");
        if (service == null || service.isEmpty()) {
            out.add(Diagnostic.error(key, "metadata.labels.kubernetes.io/service-name: required (it names the "
                    + "Service this slice belongs to)"));
            return null;
        }
        JsonNode addressType = tree.get("addressType");
        if (addressType != null && addressType.isTextual() && addressType.asText().equals("FQDN")) {
            out.add(Diagnostic.warning(key, "addressType: FQDN slices are not used for endpoints (Emissary does not "
                    + "use them either)"));
            return new EndpointsSpec(service, List.of());
        }
        List<EndpointsSpec.Port> ports = ports(key, tree.get("ports"), "ports", out);
        if (ports == null) {
            return null;
        }
        JsonNode endpoints = tree.get("endpoints");
        List<String> addresses = new ArrayList<>();
        if (endpoints != null && !endpoints.isNull()) {
            if (!endpoints.isArray()) {
                out.add(Diagnostic.error(key, "endpoints: expected a list, got "
                        + ResourceDecoder.describe(endpoints)));
                return null;
            }
            for (int i = 0; i < endpoints.size(); i++) {
                JsonNode e = endpoints.get(i);
                // Kubernetes: a missing ready condition means ready.
                JsonNode ready = e.path("conditions").get("ready");
                if (ready != null && ready.isBoolean() && !ready.asBoolean()) {
                    continue;
                }
                JsonNode list = e.get("addresses");
                if (list == null || !list.isArray()) {
                    out.add(Diagnostic.error(key, "endpoints[" + i + "].addresses: expected a list of IP addresses"));
                    return null;
                }
                for (int j = 0; j < list.size(); j++) {
                    JsonNode ip = list.get(j);
                    if (!ip.isTextual() || !UpstreamRules.isIpAddress(ip.asText())) {
                        out.add(Diagnostic.error(key, "endpoints[" + i + "].addresses[" + j + "]: expected an IP "
                                + "address, got " + ResourceDecoder.describe(ip)));
                        return null;
                    }
                    addresses.add(ip.asText());
                }
            }
        }
        return new EndpointsSpec(service, List.of(new EndpointsSpec.Subset(addresses, ports)));
    }

    private static @Nullable ConsulServiceEntriesSpec consul(ResourceKey key, ObjectNode tree, List<Diagnostic> out) {
        String service = requiredText(key, tree, "service", out);
        String datacenter = requiredText(key, tree, "datacenter", out);
        JsonNode entries = tree.get("entries");
        List<ConsulServiceEntriesSpec.Entry> result = new ArrayList<>();
        if (entries != null && !entries.isNull() && !entries.isArray()) {
            out.add(Diagnostic.error(key, "entries: expected a list, got " + ResourceDecoder.describe(entries)));
            return null;
        }
        if (entries != null && entries.isArray()) {
            for (int i = 0; i < entries.size(); i++) {
                JsonNode e = entries.get(i);
                JsonNode address = e.get("address");
                JsonNode port = e.get("port");
                if (address == null || !address.isTextual() || !UpstreamRules.isIpAddress(address.asText())) {
                    out.add(Diagnostic.error(key, "entries[" + i + "].address: expected an IP address, got "
                            + (address == null ? "nothing" : ResourceDecoder.describe(address))));
                    return null;
                }
                if (port == null || !port.isIntegralNumber() || port.asInt() < 1 || port.asInt() > 65535) {
                    out.add(Diagnostic.error(key, "entries[" + i + "].port: expected a port number (1-65535), got "
                            + (port == null ? "nothing" : ResourceDecoder.describe(port))));
                    return null;
                }
                result.add(new ConsulServiceEntriesSpec.Entry(address.asText(), port.asInt()));
            }
        }
        if (service == null || datacenter == null) {
            return null;
        }
        return new ConsulServiceEntriesSpec(service, datacenter, result);
    }

    private static @Nullable SecretSpec istio(ResourceKey key, ObjectNode tree, List<Diagnostic> out) {
        JsonNode files = tree.get("files");
        if (files == null || !files.isObject()) {
            out.add(Diagnostic.error(key, "files: expected an object of file name to contents, got "
                    + (files == null ? "nothing" : ResourceDecoder.describe(files))));
            return null;
        }
        String chain = fileText(key, files, "cert-chain.pem", out);
        String privateKey = fileText(key, files, "key.pem", out);
        if (chain == null || privateKey == null) {
            return null;
        }
        if (!chain.contains("-----BEGIN CERTIFICATE-----")) {
            out.add(Diagnostic.error(key, "files.cert-chain.pem: not a PEM certificate chain"));
            return null;
        }
        if (!(privateKey.contains("-----BEGIN") && privateKey.contains("PRIVATE KEY-----"))) {
            out.add(Diagnostic.error(key, "files.key.pem: not a PEM private key"));
            return null;
        }
        return new SecretSpec(chain, privateKey, "");
    }

    private static @Nullable String fileText(ResourceKey key, JsonNode files, String name, List<Diagnostic> out) {
        JsonNode node = files.get(name);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            out.add(Diagnostic.error(key, "files." + name + ": required (Istio's " + name + ")"));
            return null;
        }
        return node.asText();
    }

    private static @Nullable String requiredText(ResourceKey key, ObjectNode tree, String field,
            List<Diagnostic> out) {
        JsonNode node = tree.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            out.add(Diagnostic.error(key, field + ": required, a non-empty string"));
            return null;
        }
        return node.asText();
    }
}
