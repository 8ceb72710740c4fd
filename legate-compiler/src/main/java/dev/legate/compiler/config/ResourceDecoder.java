package dev.legate.compiler.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.legate.compiler.Diagnostic;
import dev.legate.model.AuthServiceSpec;
import dev.legate.model.HostSpec;
import dev.legate.model.LogServiceSpec;
import dev.legate.model.RateLimitServiceSpec;
import dev.legate.model.TracingServiceSpec;
import dev.legate.model.ListenerSpec;
import dev.legate.model.MappingSpec;
import dev.legate.model.ModuleSpec;
import dev.legate.model.ObjectMeta;
import dev.legate.model.Resource;
import dev.legate.model.ResourceKey;
import dev.legate.model.SecretSpec;
import dev.legate.model.ServiceSpec;
import dev.legate.model.Spec;
import dev.legate.model.TLSContextSpec;
import dev.legate.model.UnsupportedSpec;
import dev.legate.model.convert.Conversion;
import dev.legate.model.convert.ToV3alpha1;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns one {@link RawDocument} into a typed {@link Resource}, or says why not. Strict where Kubernetes would be
 * (types, required fields, enums, regex syntax): a document that fails is rejected with messages naming the field;
 * fields Legate does not know are accepted with a notice. Never throws on bad input.
 */
public final class ResourceDecoder {

    static final String GETAMBASSADOR = "getambassador.io/";
    private static final Set<String> AMBASSADOR_VERSIONS = Set.of("v1", "v2", "v3alpha1");
    /** Kinds Emissary OSS watches but ignores: accepted, kept, and reported as having no effect. */
    private static final Set<String> IGNORED_KINDS = Set.of("DevPortal");
    /** DNS-1123 subdomain, as Kubernetes requires of object names. */
    private static final Pattern OBJECT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    private static final ObjectMapper MAPPER = strictMapper();

    private final DecodeSettings settings;

    public ResourceDecoder(DecodeSettings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    private static ObjectMapper strictMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        // Kubernetes rejects a number where its schema wants a string, and so do we.
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        return mapper;
    }

    public Decoded decode(RawDocument document) {
        try {
            return decodeChecked(document);
        } catch (RuntimeException e) {
            // A bug here must not take the whole configuration down: reject this one document and say so.
            String source = "file:" + document.location();
            return new Decoded.Rejected(source, List.of(Diagnostic.error(source,
                    "internal error while reading this document (" + e + "); it was left out")));
        }
    }

    private Decoded decodeChecked(RawDocument document) {
        ObjectNode tree = document.tree();
        String where = document.location().toString();
        String fileSource = "file:" + where;
        JsonNode apiVersionNode = tree.get("apiVersion");
        JsonNode kindNode = tree.get("kind");
        if (kindNode == null || !kindNode.isTextual() || apiVersionNode == null || !apiVersionNode.isTextual()) {
            return new Decoded.Rejected(fileSource, List.of(Diagnostic.error(fileSource,
                    where + ": not a Kubernetes object: apiVersion and kind must both be strings")));
        }
        String apiVersion = apiVersionNode.asText();
        String kind = kindNode.asText();
        boolean ambassadorKind = apiVersion.startsWith(GETAMBASSADOR);
        boolean upstreamKind = UpstreamDocuments.reads(apiVersion, kind);
        if (!ambassadorKind && !upstreamKind
                && !(apiVersion.equals("v1") && (kind.equals("Service") || kind.equals("Secret")))) {
            return new Decoded.Ignored(fileSource, apiVersion + " " + kind + " is not read by Legate");
        }

        JsonNode metadataNode = tree.get("metadata");
        String name = metadataNode == null ? null : textOrNull(metadataNode.get("name"));
        String namespace = metadataNode == null ? null : textOrNull(metadataNode.get("namespace"));
        if (namespace == null || namespace.isEmpty()) {
            namespace = settings.defaultNamespace();
        }
        if (name == null || name.isEmpty()) {
            return new Decoded.Rejected(fileSource, List.of(Diagnostic.error(fileSource,
                    where + ": " + kind + " has no metadata.name")));
        }
        ResourceKey key = new ResourceKey(kind, name, namespace);
        List<Diagnostic> diagnostics = new ArrayList<>();
        if (!OBJECT_NAME.matcher(name).matches() || name.length() > 253) {
            diagnostics.add(Diagnostic.warning(key, "metadata.name '" + name
                    + "' is not a valid Kubernetes object name (lowercase letters, digits, '-' and '.')"));
        }
        ObjectMeta metadata;
        try {
            metadata = new ObjectMeta(name, namespace, stringMap(metadataNode, "labels", key, diagnostics),
                    stringMap(metadataNode, "annotations", key, diagnostics));
        } catch (IllegalArgumentException e) {
            return new Decoded.Rejected(key.toString(), List.of(Diagnostic.error(key, e.getMessage())));
        }

        if (upstreamKind) {
            return UpstreamDocuments.decode(kind, key, apiVersion, metadata, tree, document.location(), diagnostics);
        }
        if (!ambassadorKind) {
            return decodeCore(kind, key, apiVersion, metadata, tree, document, diagnostics);
        }

        String version = apiVersion.substring(GETAMBASSADOR.length());
        if (!AMBASSADOR_VERSIONS.contains(version)) {
            diagnostics.add(Diagnostic.error(key, "apiVersion " + apiVersion
                    + " is not served; use getambassador.io/v3alpha1 (v2 and v1 are converted)"));
            return new Decoded.Rejected(key.toString(), diagnostics);
        }
        ObjectNode hub = tree;
        if (!version.equals("v3alpha1") && kind.equals("Mapping") && v2WildcardHost(tree)) {
            diagnostics.add(Diagnostic.error(key, "spec.host: in " + apiVersion + " host is an exact match, so '"
                    + tree.path("spec").path("host").asText() + "' cannot match anything; use "
                    + "getambassador.io/v3alpha1 hostname for a glob, or host_regex: true"));
            return new Decoded.Rejected(key.toString(), diagnostics);
        }
        if (!version.equals("v3alpha1")) {
            Conversion conversion = ToV3alpha1.convert(tree);
            conversion.notes().forEach(note -> diagnostics.add(Diagnostic.notice(key, apiVersion + ": " + note)));
            if (!conversion.errors().isEmpty()) {
                conversion.errors().forEach(error -> diagnostics.add(Diagnostic.error(key, error)));
                return new Decoded.Rejected(key.toString(), diagnostics);
            }
            hub = conversion.converted();
        }

        JsonNode specNode = hub.get("spec");
        if (specNode == null || specNode.isNull()) {
            specNode = MAPPER.createObjectNode();
        }
        if (!(specNode instanceof ObjectNode spec)) {
            diagnostics.add(Diagnostic.error(key, "spec: expected an object, got " + describe(specNode)));
            return new Decoded.Rejected(key.toString(), diagnostics);
        }
        List<String> ambassadorIds = ambassadorIds(spec, key, diagnostics);
        if (ambassadorIds == null) {
            return new Decoded.Rejected(key.toString(), diagnostics);
        }
        if (!(ambassadorIds.isEmpty() ? List.of("default") : ambassadorIds).contains(settings.ambassadorId())) {
            return new Decoded.Ignored(key.toString(), "ambassador_id " + ambassadorIds + " does not include "
                    + settings.ambassadorId());
        }
        ObjectNode specBody = spec.deepCopy();
        specBody.remove("ambassador_id");

        Spec typed;
        if (IGNORED_KINDS.contains(kind)) {
            diagnostics.add(Diagnostic.notice(key, kind + " is accepted and ignored, as in Emissary OSS (the "
                    + "developer portal is an Ambassador Edge Stack feature)"));
            typed = new UnsupportedSpec(specBody);
        } else {
            Class<? extends Spec> type = switch (kind) {
                case "Mapping" -> MappingSpec.class;
                case "Host" -> HostSpec.class;
                case "Listener" -> ListenerSpec.class;
                case "TLSContext" -> TLSContextSpec.class;
                case "Module" -> ModuleSpec.class;
                case "TCPMapping" -> dev.legate.model.TCPMappingSpec.class;
                case "KubernetesServiceResolver", "KubernetesEndpointResolver", "ConsulResolver" ->
                        dev.legate.model.ResolverSpec.class;
                case "AuthService" -> AuthServiceSpec.class;
                case "RateLimitService" -> RateLimitServiceSpec.class;
                case "LogService" -> LogServiceSpec.class;
                case "TracingService" -> TracingServiceSpec.class;
                default -> null;
            };
            if (type == null) {
                diagnostics.add(Diagnostic.error(key, "unknown getambassador.io kind " + kind));
                return new Decoded.Rejected(key.toString(), diagnostics);
            }
            if (kind.equals("Mapping")) {
                presenceMatchesToV2Lists(specBody);
            }
            typed = bind(specBody, type, key, diagnostics);
            if (typed == null) {
                return new Decoded.Rejected(key.toString(), diagnostics);
            }
            int errorsBefore = countErrors(diagnostics);
            SpecValidator.validate(key, typed, diagnostics);
            if (countErrors(diagnostics) > errorsBefore) {
                return new Decoded.Rejected(key.toString(), diagnostics);
            }
        }
        return new Decoded.Accepted(new Resource<>(key, "getambassador.io/v3alpha1", metadata, typed, ambassadorIds,
                document.location()), diagnostics);
    }

    private Decoded decodeCore(String kind, ResourceKey key, String apiVersion, ObjectMeta metadata, ObjectNode tree,
            RawDocument document, List<Diagnostic> diagnostics) {
        if (kind.equals("Service")) {
            JsonNode spec = tree.path("spec");
            ServiceSpec typed = spec.isObject() ? bindLenient(spec, ServiceSpec.class) : null;
            if (typed == null) {
                typed = new ServiceSpec(null, null, List.of());
            }
            return new Decoded.Accepted(new Resource<>(key, apiVersion, metadata, typed, List.of(),
                    document.location()), diagnostics);
        }
        // Secrets: only TLS material is read; any other Secret is none of the gateway's business.
        String type = textOrNull(tree.get("type"));
        JsonNode data = tree.get("data");
        boolean looksLikeTls = data != null && data.has("tls.crt");
        if (!"kubernetes.io/tls".equals(type) && !looksLikeTls) {
            return new Decoded.Ignored(key.toString(), "Secret of type " + type + " is not a TLS Secret");
        }
        if (data == null || !data.isObject()) {
            diagnostics.add(Diagnostic.error(key, "TLS Secret has no data"));
            return new Decoded.Rejected(key.toString(), diagnostics);
        }
        String certificate = base64Field(data, "tls.crt", key, diagnostics);
        String privateKey = base64Field(data, "tls.key", key, diagnostics);
        String ca = base64Field(data, "ca.crt", key, diagnostics);
        if (countErrors(diagnostics) == 0) {
            checkPem(key, certificate, privateKey, ca, diagnostics);
        }
        if (countErrors(diagnostics) > 0) {
            return new Decoded.Rejected(key.toString(), diagnostics);
        }
        return new Decoded.Accepted(new Resource<>(key, apiVersion, metadata, new SecretSpec(certificate, privateKey,
                ca), List.of(), document.location()), diagnostics);
    }

    /**
     * Envoy refuses a whole listener when one certificate does not parse, so a Secret is checked here: tls.crt (and
     * ca.crt) must be X.509 certificates in PEM, tls.key a PEM private key.
     */
    private static void checkPem(ResourceKey key, String certificate, String privateKey, String ca,
            List<Diagnostic> diagnostics) {
        if (!certificate.isEmpty() && !parsesAsCertificates(certificate)) {
            diagnostics.add(Diagnostic.error(key, "data.tls.crt: not a PEM X.509 certificate"));
        }
        if (!ca.isEmpty() && !parsesAsCertificates(ca)) {
            diagnostics.add(Diagnostic.error(key, "data.ca.crt: not a PEM X.509 certificate"));
        }
        if (!privateKey.isEmpty() && !(privateKey.contains("-----BEGIN") && privateKey.contains("PRIVATE KEY-----"))) {
            diagnostics.add(Diagnostic.error(key, "data.tls.key: not a PEM private key"));
        }
        if (certificate.isEmpty() != privateKey.isEmpty()) {
            diagnostics.add(Diagnostic.error(key, "a TLS Secret needs both tls.crt and tls.key"));
        }
    }

    private static boolean parsesAsCertificates(String pem) {
        try {
            java.util.Collection<? extends java.security.cert.Certificate> certificates =
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(
                            new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            return !certificates.isEmpty();
        } catch (java.security.cert.CertificateException | RuntimeException e) {
            return false;
        }
    }

    private static String base64Field(JsonNode data, String field, ResourceKey key, List<Diagnostic> diagnostics) {
        JsonNode node = data.get(field);
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            diagnostics.add(Diagnostic.error(key, "data." + field + ": expected base64 text, got " + describe(node)));
            return "";
        }
        try {
            return new String(Base64.getMimeDecoder().decode(node.asText()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            diagnostics.add(Diagnostic.error(key, "data." + field + ": not valid base64 (" + e.getMessage() + ")"));
            return "";
        }
    }

    /** A v1/v2 Mapping whose exact {@code host} contains '*' (Emissary rejects it: it can never match). */
    private static boolean v2WildcardHost(ObjectNode tree) {
        JsonNode spec = tree.path("spec");
        JsonNode host = spec.path("host");
        return host.isTextual() && host.asText().contains("*") && !spec.path("host_regex").asBoolean(false)
                && !spec.has("hostname");
    }

    /**
     * Emissary's Python reads {@code headers: {x: true}} as a presence match even in v3alpha1 (Kubernetes' schema
     * would refuse it, but files and annotations reach Emissary unchecked). Move such entries to the v2* lists the
     * typed model keeps for them, so that they decode.
     */
    private static void presenceMatchesToV2Lists(ObjectNode spec) {
        movePresence(spec, "headers", "v2BoolHeaders");
        movePresence(spec, "query_parameters", "v2BoolQueryParameters");
    }

    private static void movePresence(ObjectNode spec, String mapField, String listField) {
        if (!(spec.get(mapField) instanceof ObjectNode map)) {
            return;
        }
        List<String> present = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getValue().isBoolean() && entry.getValue().asBoolean()) {
                present.add(entry.getKey());
                it.remove();
            }
        }
        if (!present.isEmpty()) {
            ArrayNode list = spec.withArray(listField);
            present.forEach(list::add);
        }
    }

    private static <T extends Spec> T bind(ObjectNode spec, Class<T> type, ResourceKey key,
            List<Diagnostic> diagnostics) {
        List<String> unknown = new ArrayList<>();
        ObjectReader reader = MAPPER.readerFor(type).withHandler(new DeserializationProblemHandler() {
            @Override
            public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
                    JsonDeserializer<?> deserializer, Object beanOrClass, String propertyName)
                    throws java.io.IOException {
                // On an object or list value the parser already stands inside it: step out to the field's object.
                com.fasterxml.jackson.core.JsonStreamContext context = p.getParsingContext();
                if (p.currentToken() == com.fasterxml.jackson.core.JsonToken.START_ARRAY
                        || p.currentToken() == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                    context = context.getParent();
                }
                String parent = jsonPath(context.getParent());
                unknown.add("spec" + parent + "." + propertyName);
                p.skipChildren();
                return true;
            }
        });
        try {
            T value = reader.readValue(spec);
            for (String field : unknown) {
                diagnostics.add(Diagnostic.notice(key, field + ": unknown field, ignored"));
            }
            return value;
        } catch (JsonMappingException e) {
            diagnostics.add(Diagnostic.error(key, describeMappingError(spec, e)));
            return null;
        } catch (java.io.IOException | RuntimeException e) {
            diagnostics.add(Diagnostic.error(key, "spec: " + e.getMessage()));
            return null;
        }
    }

    private static <T> T bindLenient(JsonNode node, Class<T> type) {
        try {
            return MAPPER.readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(node);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static String jsonPath(com.fasterxml.jackson.core.JsonStreamContext context) {
        StringBuilder path = new StringBuilder();
        List<String> parts = new ArrayList<>();
        for (var c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.add(0, "[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                parts.add(0, "." + c.getCurrentName());
            }
        }
        parts.forEach(path::append);
        return path.toString();
    }

    /** "spec.timeout_ms: expected an integer, got a string ("text")". */
    static String describeMappingError(JsonNode spec, JsonMappingException e) {
        StringBuilder path = new StringBuilder("spec");
        JsonNode actual = spec;
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append('.').append(ref.getFieldName());
                actual = actual == null ? null : actual.get(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
                actual = actual == null ? null : actual.get(ref.getIndex());
            }
        }
        String expected = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mismatch
                && mismatch.getTargetType() != null ? expectedName(mismatch.getTargetType()) : null;
        if (expected != null && actual != null) {
            return path + ": expected " + expected + ", got " + describe(actual);
        }
        String message = String.valueOf(e.getOriginalMessage());
        int newline = message.indexOf('\n');
        return path + ": " + (newline < 0 ? message : message.substring(0, newline));
    }

    private static String expectedName(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return type.getSimpleName();
    }

    static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string (\"" + abbreviate(node.asText()) + "\")";
            case NUMBER -> "a number (" + node.asText() + ")";
            case BOOLEAN -> "a boolean (" + node.asText() + ")";
            case ARRAY -> "a list";
            case OBJECT, POJO -> "an object";
            case NULL, MISSING -> "nothing";
            default -> node.getNodeType().toString();
        };
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    private static List<String> ambassadorIds(ObjectNode spec, ResourceKey key, List<Diagnostic> diagnostics) {
        JsonNode ids = spec.get("ambassador_id");
        if (ids == null || ids.isNull()) {
            return List.of();
        }
        if (ids.isTextual()) {
            return List.of(ids.asText());
        }
        if (ids.isArray()) {
            List<String> out = new ArrayList<>();
            for (JsonNode id : ids) {
                if (!id.isTextual()) {
                    diagnostics.add(Diagnostic.error(key, "spec.ambassador_id: expected strings, got " + describe(id)));
                    return null;
                }
                out.add(id.asText());
            }
            return out;
        }
        diagnostics.add(Diagnostic.error(key, "spec.ambassador_id: expected a string or a list of strings, got "
                + describe(ids)));
        return null;
    }

    private static TreeMap<String, String> stringMap(JsonNode metadata, String field, ResourceKey key,
            List<Diagnostic> diagnostics) {
        TreeMap<String, String> out = new TreeMap<>();
        JsonNode map = metadata == null ? null : metadata.get(field);
        if (map == null || map.isNull()) {
            return out;
        }
        if (!map.isObject()) {
            throw new IllegalArgumentException("metadata." + field + ": expected an object, got " + describe(map));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode value = entry.getValue();
            if (value.isTextual()) {
                out.put(entry.getKey(), value.asText());
            } else if (value.isValueNode() && !value.isNull()) {
                // Kubernetes would refuse this; be useful and say so, but keep the text.
                diagnostics.add(Diagnostic.warning(key, "metadata." + field + "." + entry.getKey()
                        + ": expected a string, got " + describe(value)));
                out.put(entry.getKey(), value.asText());
            } else {
                throw new IllegalArgumentException("metadata." + field + "." + entry.getKey()
                        + ": expected a string, got " + describe(value));
            }
        }
        return out;
    }

    private static String textOrNull(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    private static int countErrors(List<Diagnostic> diagnostics) {
        int n = 0;
        for (Diagnostic d : diagnostics) {
            if (d.severity() == Diagnostic.Severity.ERROR) {
                n++;
            }
        }
        return n;
    }
}
