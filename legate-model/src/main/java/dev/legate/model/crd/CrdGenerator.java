package dev.legate.model.crd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.legate.model.Spec;
import dev.legate.model.convert.V2Schemas;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Generates the {@code getambassador.io} CustomResourceDefinitions Legate reads.
 *
 * <ul>
 *   <li>Versions as Emissary 3.x serves them: v1 (every kind but Host and Listener), v2 (every kind but Listener)
 *       and v3alpha1, all served; v3alpha1 is the storage version. Multi-version CRDs convert through the
 *       {@code legate apiext} webhook (Service {@code legate/legate-apiext}; the webhook fills in its CA bundle);
 *   <li>v3alpha1 schemas come from the spec records ({@code <Kind>Spec} among {@link Spec}'s permitted classes),
 *       with the few fields Emissary leaves untyped left untyped ({@link KindCatalog#LOOSE}); a kind without a
 *       record yet gets a spec that accepts any object;
 *   <li>v2/v1 schemas come from the shapes the v2 → v3alpha1 conversion checks ({@link V2Schemas});
 *   <li>Mapping, TCPMapping, Host and Listener have a status subresource and status schema (Emissary's fields
 *       plus {@code conditions}); printer columns are Emissary's, plus an {@code Accepted} column.
 * </ul>
 * Output is deterministic (sorted everywhere).
 */
public final class CrdGenerator {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    public static final String GROUP = "getambassador.io";
    public static final String STORAGE_VERSION = "v3alpha1";
    public static final String WEBHOOK_SERVICE = "legate-apiext";
    public static final String WEBHOOK_NAMESPACE = "legate";
    public static final String WEBHOOK_PATH = "/webhooks/crd-convert";

    private static final String HEADER = """
            # Legate's getambassador.io CustomResourceDefinitions. GENERATED from the Java model by
            # dev.legate.model.crd.CrdGenerator: do not edit; regenerate with
            #   ./mvnw -B -pl legate-model -am verify -Dcrds.update=true
            # v1, v2 and v3alpha1 are served (v3alpha1 is stored); the legate apiext webhook converts between them.
            """;

    private CrdGenerator() {}

    /** Every CRD, sorted by name. */
    public static List<ObjectNode> crds() {
        List<ObjectNode> out = new ArrayList<>();
        for (KindCatalog.KindInfo info : KindCatalog.kinds()) {
            out.add(crd(info));
        }
        out.sort(java.util.Comparator.comparing(crd -> crd.path("metadata").path("name").asText()));
        return out;
    }

    /** The checked-in manifest: a header and every CRD as one YAML document each. */
    public static String yaml() {
        YAMLMapper yaml = new YAMLMapper(new YAMLFactory()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                .disable(YAMLGenerator.Feature.SPLIT_LINES));
        StringBuilder out = new StringBuilder(HEADER);
        for (ObjectNode crd : crds()) {
            try {
                out.append("---\n").append(yaml.writeValueAsString(crd));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toString();
    }

    /** The record class of each kind that has one: {@code <Kind>Spec} among {@link Spec}'s permitted classes. */
    static Map<String, Class<?>> specRecords() {
        Map<String, Class<?>> records = new TreeMap<>();
        for (Class<?> c : Spec.class.getPermittedSubclasses()) {
            String name = c.getSimpleName();
            if (c.isRecord() && name.endsWith("Spec")) {
                records.put(name.substring(0, name.length() - "Spec".length()), c);
            }
        }
        return records;
    }

    private static ObjectNode crd(KindCatalog.KindInfo info) {
        ObjectNode crd = JSON.objectNode();
        crd.put("apiVersion", "apiextensions.k8s.io/v1");
        crd.put("kind", "CustomResourceDefinition");
        ObjectNode metadata = crd.putObject("metadata");
        metadata.put("name", info.plural() + "." + GROUP);
        ObjectNode labels = metadata.putObject("labels");
        labels.put("app.kubernetes.io/name", "legate");
        labels.put("app.kubernetes.io/part-of", "legate");
        ObjectNode spec = crd.putObject("spec");
        if (info.versions().size() > 1) {
            ObjectNode conversion = spec.putObject("conversion");
            conversion.put("strategy", "Webhook");
            ObjectNode webhook = conversion.putObject("webhook");
            ObjectNode service = webhook.putObject("clientConfig").putObject("service");
            service.put("name", WEBHOOK_SERVICE);
            service.put("namespace", WEBHOOK_NAMESPACE);
            service.put("path", WEBHOOK_PATH);
            service.put("port", 443);
            webhook.putArray("conversionReviewVersions").add("v1");
        }
        spec.put("group", GROUP);
        ObjectNode names = spec.putObject("names");
        names.putArray("categories").add("ambassador-crds");
        names.put("kind", info.kind());
        names.put("listKind", info.kind() + "List");
        names.put("plural", info.plural());
        names.put("singular", info.plural().substring(0, info.plural().length() - 1));
        spec.put("scope", "Namespaced");
        ArrayNode versions = spec.putArray("versions");
        for (String version : info.versions()) {
            versions.add(version(info, version));
        }
        return crd;
    }

    private static ObjectNode version(KindCatalog.KindInfo info, String version) {
        ObjectNode v = JSON.objectNode();
        List<String[]> columns = info.printerColumns();
        if (!columns.isEmpty()) {
            ArrayNode list = v.putArray("additionalPrinterColumns");
            for (String[] column : columns) {
                ObjectNode c = list.addObject();
                c.put("jsonPath", column[1]);
                c.put("name", column[0]);
                c.put("type", column[2]);
            }
        }
        v.put("name", version);
        ObjectNode root = v.putObject("schema").putObject("openAPIV3Schema");
        root.put("description", info.kind() + " (getambassador.io/" + version + ")" + (version.equals(STORAGE_VERSION)
                ? "" : "; stored as " + STORAGE_VERSION + " and converted by the legate apiext webhook"));
        ObjectNode properties = root.putObject("properties");
        properties.putObject("apiVersion").put("type", "string");
        properties.putObject("kind").put("type", "string");
        properties.putObject("metadata").put("type", "object");
        properties.set("spec", specSchema(info, version));
        info.statusSchema().ifPresent(status -> properties.set("status", status));
        root.put("type", "object");
        v.put("served", true);
        v.put("storage", version.equals(STORAGE_VERSION));
        if (info.statusSchema().isPresent()) {
            v.putObject("subresources").putObject("status");
        }
        return v;
    }

    private static ObjectNode specSchema(KindCatalog.KindInfo info, String version) {
        if (!version.equals(STORAGE_VERSION)) {
            return V2Schemas.specSchema(info.kind()).orElseGet(KindCatalog::anyObject);
        }
        Optional<Class<?>> record = Optional.ofNullable(specRecords().get(info.kind()));
        ObjectNode schema = record.map(r -> RecordSchemas.of(r, KindCatalog.LOOSE.getOrDefault(info.kind(),
                Set.of()))).orElseGet(KindCatalog::anyObject);
        // ambassador_id is read before the spec is bound (it is not a record field); in v3alpha1 it is a list.
        ObjectNode props = schema.has("properties") ? (ObjectNode) schema.get("properties")
                : schema.putObject("properties");
        ObjectNode ambassadorId = JSON.objectNode().put("type", "array");
        ambassadorId.putObject("items").put("type", "string");
        Map<String, com.fasterxml.jackson.databind.JsonNode> sorted = new TreeMap<>();
        props.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
        sorted.put("ambassador_id", ambassadorId);
        props.removeAll();
        sorted.forEach(props::set);
        List<String> required = KindCatalog.REQUIRED_V3ALPHA1.getOrDefault(info.kind(), List.of());
        if (!required.isEmpty()) {
            ArrayNode list = schema.putArray("required");
            required.stream().sorted().forEach(list::add);
        }
        return sortKeys(schema);
    }

    /** The schema keywords in a fixed order (type, properties, ...), for stable output. */
    private static ObjectNode sortKeys(ObjectNode node) {
        ObjectNode out = JSON.objectNode();
        new TreeMap<>(toMap(node)).forEach(out::set);
        return out;
    }

    private static Map<String, com.fasterxml.jackson.databind.JsonNode> toMap(ObjectNode node) {
        Map<String, com.fasterxml.jackson.databind.JsonNode> map = new TreeMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue()));
        return map;
    }
}
