package dev.legate.model.crd;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What the CRD of each getambassador.io kind has besides its spec: names, versions, columns, status. */
final class KindCatalog {

    private KindCatalog() {}

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private static final List<String> ALL_VERSIONS = List.of("v1", "v2", "v3alpha1");

    /**
     * @param printerColumns {name, JSONPath, type}
     * @param statusSchema the {@code status} schema, for the kinds Legate writes a status on
     */
    record KindInfo(String kind, String plural, List<String> versions, List<String[]> printerColumns,
            Optional<ObjectNode> statusSchema) {
    }

    private static final String[] ACCEPTED_COLUMN =
            {"Accepted", ".status.conditions[?(@.type==\"Accepted\")].status", "string"};
    private static final String[] AGE_COLUMN = {"Age", ".metadata.creationTimestamp", "date"};

    static List<KindInfo> kinds() {
        List<KindInfo> kinds = new ArrayList<>();
        kinds.add(new KindInfo("Mapping", "mappings", ALL_VERSIONS, List.of(
                new String[] {"Source Host", ".spec.host", "string"},
                new String[] {"Source Prefix", ".spec.prefix", "string"},
                new String[] {"Dest Service", ".spec.service", "string"},
                new String[] {"State", ".status.state", "string"},
                new String[] {"Reason", ".status.reason", "string"}),
                Optional.of(mappingStatus())));
        kinds.add(new KindInfo("Host", "hosts", List.of("v2", "v3alpha1"), List.of(
                new String[] {"Hostname", ".spec.hostname", "string"},
                new String[] {"State", ".status.state", "string"},
                new String[] {"Phase Completed", ".status.phaseCompleted", "string"},
                new String[] {"Phase Pending", ".status.phasePending", "string"},
                AGE_COLUMN),
                Optional.of(hostStatus())));
        kinds.add(new KindInfo("Listener", "listeners", List.of("v3alpha1"), List.of(
                new String[] {"Port", ".spec.port", "string"},
                new String[] {"Protocol", ".spec.protocol", "string"},
                new String[] {"Stack", ".spec.protocolStack", "string"},
                new String[] {"StatsPrefix", ".spec.statsPrefix", "string"},
                new String[] {"Security", ".spec.securityModel", "string"},
                new String[] {"L7Depth", ".spec.l7Depth", "string"},
                ACCEPTED_COLUMN),
                Optional.of(conditionsOnly())));
        kinds.add(new KindInfo("TCPMapping", "tcpmappings", ALL_VERSIONS, List.of(
                new String[] {"Port", ".spec.port", "string"},
                new String[] {"Dest Service", ".spec.service", "string"},
                ACCEPTED_COLUMN),
                Optional.of(conditionsOnly())));
        for (String[] plain : new String[][] {
                {"TLSContext", "tlscontexts"}, {"Module", "modules"}, {"AuthService", "authservices"},
                {"RateLimitService", "ratelimitservices"}, {"LogService", "logservices"},
                {"TracingService", "tracingservices"},
                {"KubernetesServiceResolver", "kubernetesserviceresolvers"},
                {"KubernetesEndpointResolver", "kubernetesendpointresolvers"},
                {"ConsulResolver", "consulresolvers"}, {"DevPortal", "devportals"}}) {
            kinds.add(new KindInfo(plain[0], plain[1], ALL_VERSIONS, List.of(), Optional.empty()));
        }
        return kinds;
    }

    /**
     * v3alpha1 spec paths whose schema is "anything": where Emissary's CRDs leave the value untyped, or where the
     * record holds a normalized form while the wire accepts more (so typing it from the record would refuse input
     * Emissary accepts).
     */
    static final Map<String, Set<String>> LOOSE = Map.of(
            // Only the `ambassador` Module's config is typed in the model; other Modules (tls, ...) have their own
            // keys, and Emissary's CRD takes any object.
            "Module", Set.of("config"));

    /** The spec fields Emissary's v3alpha1 CRDs mark required. */
    static final Map<String, List<String>> REQUIRED_V3ALPHA1 = Map.of(
            "Mapping", List.of("prefix", "service"),
            "TCPMapping", List.of("port", "service"),
            "AuthService", List.of("auth_service"),
            "RateLimitService", List.of("service"),
            "TracingService", List.of("driver", "service"),
            "Listener", List.of("hostBinding", "port", "securityModel"),
            "Module", List.of("config"));

    /** A spec for a kind whose record does not exist yet: any object. */
    static ObjectNode anyObject() {
        return JSON.objectNode().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
    }

    private static ObjectNode string(String... allowed) {
        ObjectNode node = JSON.objectNode().put("type", "string");
        if (allowed.length > 0) {
            ArrayNode values = node.putArray("enum");
            for (String value : allowed) {
                values.add(value);
            }
        }
        return node;
    }

    /** Kubernetes' standard {@code conditions} list (metav1.Condition), keyed by type. */
    private static ObjectNode conditions() {
        ObjectNode item = JSON.objectNode();
        ObjectNode props = item.putObject("properties");
        props.set("lastTransitionTime", string().put("format", "date-time"));
        props.set("message", string().put("maxLength", 32768));
        props.set("observedGeneration", JSON.objectNode().put("type", "integer").put("format", "int64")
                .put("minimum", 0));
        props.set("reason", string().put("maxLength", 1024));
        props.set("status", string("True", "False", "Unknown"));
        props.set("type", string().put("maxLength", 316));
        ArrayNode required = item.putArray("required");
        required.add("status").add("type");
        item.put("type", "object");
        ObjectNode list = JSON.objectNode();
        list.put("description", "Legate's verdict on this resource: condition Accepted, True or False (reason"
                + " Rejected, with the errors as message).");
        list.set("items", item);
        list.put("type", "array");
        list.putArray("x-kubernetes-list-map-keys").add("type");
        list.put("x-kubernetes-list-type", "map");
        return list;
    }

    private static ObjectNode status(ObjectNode properties) {
        ObjectNode status = JSON.objectNode();
        status.set("properties", properties);
        status.put("type", "object");
        return status;
    }

    private static ObjectNode mappingStatus() {
        ObjectNode props = JSON.objectNode();
        props.set("conditions", conditions());
        props.set("reason", string());
        props.set("state", string("", "Inactive", "Running"));
        return status(props);
    }

    private static ObjectNode hostStatus() {
        ObjectNode props = JSON.objectNode();
        props.set("conditions", conditions());
        props.set("errorBackoff", string());
        props.set("errorReason", string());
        props.set("errorTimestamp", string().put("format", "date-time"));
        String[] phases = {"NA", "DefaultsFilled", "ACMEUserPrivateKeyCreated", "ACMEUserRegistered",
                "ACMECertificateChallenge"};
        props.set("phaseCompleted", string(phases));
        props.set("phasePending", string(phases));
        props.set("state", string("Initial", "Pending", "Ready", "Error"));
        props.set("tlsCertificateSource", string("Unknown", "None", "Other", "ACME"));
        return status(props);
    }

    private static ObjectNode conditionsOnly() {
        ObjectNode props = JSON.objectNode();
        props.set("conditions", conditions());
        return status(props);
    }
}
