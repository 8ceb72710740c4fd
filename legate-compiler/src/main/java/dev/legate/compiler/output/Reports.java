package dev.legate.compiler.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.legate.compiler.Diagnostic;
import dev.legate.compiler.ir.Ir;
import dev.legate.compiler.ir.IrListener;
import dev.legate.compiler.ir.IrMappingGroup;
import dev.legate.model.Resource;
import dev.legate.model.SecretSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON and YAML reports of a compile: diagnostics, IR and the normalized input (Secrets redacted). */
public final class Reports {

    public static final String REDACTED = "<redacted>";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();
    /** The IR can hold hundreds of thousands of bound routes: compact, with routes as one-line references. */
    private static final ObjectMapper IR_JSON = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .addModule(new SimpleModule().addSerializer(IrListener.IrBoundRoute.class, new BoundRouteSerializer())
                    .setSerializerModifier(new SplicingModifier()))
            .build();
    /** The writer attribute under which an {@link IrSpans.Recording} is found (see the splicing writeIrJson). */
    private static final Object SPLICING = IrSpans.Recording.class;
    /** Builds the snapshot's trees; {@link BlockYaml} writes them. */
    private static final ObjectMapper TREES = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private Reports() {
    }

    /** {"Kind/name.namespace": [{"severity": "error", "message": "..."}], ...}, keys sorted. */
    public static String diagnosticsJson(List<Diagnostic> diagnostics) {
        return write(JSON, diagnosticsBySource(diagnostics));
    }

    private static Map<String, List<Map<String, String>>> diagnosticsBySource(List<Diagnostic> diagnostics) {
        Map<String, List<Map<String, String>>> bySource = new TreeMap<>();
        for (Diagnostic d : diagnostics) {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("severity", d.severity().jsonName());
            entry.put("message", d.message());
            bySource.computeIfAbsent(d.source(), k -> new ArrayList<>()).add(entry);
        }
        return bySource;
    }

    /**
     * The IR. Routes are shown in full once, in their mapping groups; listeners refer to them by their Mapping, match
     * and variant, which keeps the file proportional to the input rather than to Mappings x Hosts.
     */
    public static String irJson(Ir ir) {
        return write(IR_JSON, ir);
    }

    /** Writes the IR to {@code out} as UTF-8 without building it in memory first (no character round trip). */
    public static void writeIrJson(Ir ir, java.io.OutputStream out) {
        try {
            IR_JSON.writeValue(out, ir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the IR to {@code out} through {@code recording}, which copies from an earlier file what it can (see
     * {@link IrJsonFiles}).
     */
    static void writeIrJson(Ir ir, SplicingOutput out, IrSpans.Recording recording) throws IOException {
        try (JsonGenerator g = IR_JSON.getFactory().createGenerator(out,
                com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            IR_JSON.writer().withAttribute(SPLICING, recording).writeValue(g, ir);
        }
        out.flush();
    }

    /** Writes the IR to {@code out} without building it in memory first. */
    public static void writeIrJson(Ir ir, java.io.Writer out) {
        try {
            IR_JSON.writeValue(out, ir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The accepted resources in v3alpha1, one YAML document each; Secret data replaced by a marker. */
    public static String snapshotYaml(List<Resource<?>> resources) {
        return snapshotYaml(resources, new RenderedResources());
    }

    /**
     * Resources rendered by one {@link #snapshotYaml(List, RenderedResources)} for the next, by instance: the compiler
     * keeps a resource's instance while its document is unchanged, so a writer of successive snapshots renders only
     * the resources that are new. Keeps the last call's resources only. Not thread-safe: one writer.
     */
    public static final class RenderedResources {
        private Map<Resource<?>, String> last = Map.of();
    }

    /** As {@link #snapshotYaml(List)}, reusing what {@code reuse} rendered last time. */
    public static String snapshotYaml(List<Resource<?>> resources, RenderedResources reuse) {
        StringBuilder out = new StringBuilder();
        try {
            writeSnapshotYaml(resources, reuse, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not throw
        }
        return out.toString();
    }

    /**
     * As {@link #snapshotYaml(List, RenderedResources)}, written to {@code out} one resource at a time: at 10,000
     * Mappings the whole text is some 10 MB, which need not exist at once.
     */
    public static void writeSnapshotYaml(List<Resource<?>> resources, RenderedResources reuse, Appendable out)
            throws IOException {
        Map<Resource<?>, String> now = new java.util.IdentityHashMap<>(resources.size() * 2);
        for (Resource<?> r : resources) {
            String yaml = reuse.last.get(r);
            if (yaml == null) {
                yaml = resourceYaml(r);
            }
            now.put(r, yaml);
            out.append(yaml);
        }
        reuse.last = now;
    }

    /** As {@link #diagnosticsJson(List)}, written to {@code out}. */
    public static void writeDiagnosticsJson(List<Diagnostic> diagnostics, java.io.OutputStream out) {
        try {
            JSON.writeValue(out, diagnosticsBySource(diagnostics));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String resourceYaml(Resource<?> r) {
        StringBuilder out = new StringBuilder();
        ObjectNode doc = TREES.createObjectNode();
        doc.put("apiVersion", r.apiVersion());
        doc.put("kind", r.key().kind());
        ObjectNode metadata = doc.putObject("metadata");
        metadata.put("name", r.name());
        metadata.put("namespace", r.namespace());
        if (!r.metadata().labels().isEmpty()) {
            metadata.set("labels", TREES.valueToTree(r.metadata().labels()));
        }
        if (!r.metadata().annotations().isEmpty()) {
            metadata.set("annotations", TREES.valueToTree(r.metadata().annotations()));
        }
        if (r.spec() instanceof SecretSpec) {
            doc.put("type", "kubernetes.io/tls");
            ObjectNode data = doc.putObject("data");
            data.put("tls.crt", REDACTED);
            data.put("tls.key", REDACTED);
        } else {
            ObjectNode spec = TREES.valueToTree(r.spec());
            if (!r.ambassadorIds().isEmpty()) {
                spec.set("ambassador_id", TREES.valueToTree(r.ambassadorIds()));
            }
            doc.set("spec", r.spec() instanceof dev.legate.model.UnsupportedSpec u ? u.raw() : spec);
        }
        out.append("---\n");
        BlockYaml.write(doc, out);
        return out.toString();
    }

    private static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A bound route as a reference, {@code "Mapping/name.namespace /prefix HTTPS ROUTE"}: the Mapping it came from, its
     * path, which x-forwarded-proto it requires, and whether it routes or redirects to HTTPS. The route itself is in
     * its mapping group.
     */
    private static final class BoundRouteSerializer extends JsonSerializer<IrListener.IrBoundRoute> {
        @Override
        public void serialize(IrListener.IrBoundRoute value, JsonGenerator gen, SerializerProvider serializers)
                throws IOException {
            if (serializers.getAttribute(SPLICING) instanceof IrSpans.Recording r && r.inHost()) {
                r.boundRoute(value, gen, BoundRouteSerializer::write);
            } else {
                write(value, gen);
            }
        }

        private static void write(IrListener.IrBoundRoute value, JsonGenerator gen) throws IOException {
            gen.writeString(value.route().provenance().primary() + " " + value.route().match().path() + " "
                    + value.xfp().name() + " " + value.action().name());
        }
    }

    /**
     * Mapping groups and virtual hosts go through the {@link IrSpans.Recording} of a write that has one, which copies
     * them (or their bound routes) from an earlier file; otherwise, and inside, Jackson's own serializers.
     */
    private static final class SplicingModifier extends com.fasterxml.jackson.databind.ser.BeanSerializerModifier {
        @Override
        @SuppressWarnings("unchecked")
        public JsonSerializer<?> modifySerializer(com.fasterxml.jackson.databind.SerializationConfig config,
                com.fasterxml.jackson.databind.BeanDescription description, JsonSerializer<?> serializer) {
            Class<?> type = description.getBeanClass();
            if (type == IrMappingGroup.class) {
                return new Spliced<>((JsonSerializer<IrMappingGroup>) serializer, (r, value, gen, provider, own) ->
                        r.group(value, gen, (group, g) -> own.serialize(group, g, provider)));
            }
            if (type == IrListener.IrVirtualHost.class) {
                return new Spliced<>((JsonSerializer<IrListener.IrVirtualHost>) serializer,
                        (r, value, gen, provider, own) -> {
                            r.enterHost(value);
                            try {
                                own.serialize(value, gen, provider);
                            } finally {
                                r.exitHost();
                            }
                        });
            }
            return serializer;
        }
    }

    /** What a write with a recording does with a value, given Jackson's own serializer of it. */
    @FunctionalInterface
    private interface SplicedWrite<T> {
        void write(IrSpans.Recording recording, T value, JsonGenerator gen, SerializerProvider provider,
                JsonSerializer<T> own) throws IOException;
    }

    /** Jackson's serializer of {@code T}, wrapped (resolution and contextualization go to it). */
    private static final class Spliced<T> extends JsonSerializer<T>
            implements com.fasterxml.jackson.databind.ser.ResolvableSerializer,
            com.fasterxml.jackson.databind.ser.ContextualSerializer {
        private final JsonSerializer<T> own;
        private final SplicedWrite<T> spliced;

        Spliced(JsonSerializer<T> own, SplicedWrite<T> spliced) {
            this.own = own;
            this.spliced = spliced;
        }

        @Override
        public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            if (serializers.getAttribute(SPLICING) instanceof IrSpans.Recording r) {
                spliced.write(r, value, gen, serializers, own);
            } else {
                own.serialize(value, gen, serializers);
            }
        }

        @Override
        public void resolve(SerializerProvider provider) throws com.fasterxml.jackson.databind.JsonMappingException {
            if (own instanceof com.fasterxml.jackson.databind.ser.ResolvableSerializer r) {
                r.resolve(provider);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public JsonSerializer<?> createContextual(SerializerProvider provider,
                com.fasterxml.jackson.databind.BeanProperty property)
                throws com.fasterxml.jackson.databind.JsonMappingException {
            if (own instanceof com.fasterxml.jackson.databind.ser.ContextualSerializer c) {
                JsonSerializer<?> contextual = c.createContextual(provider, property);
                return contextual == own ? this : new Spliced<>((JsonSerializer<T>) contextual, spliced);
            }
            return this;
        }

        @Override
        public boolean isEmpty(SerializerProvider provider, T value) {
            return own.isEmpty(provider, value);
        }

        @Override
        public boolean usesObjectId() {
            return own.usesObjectId();
        }

        @Override
        public void serializeWithType(T value, JsonGenerator gen, SerializerProvider serializers,
                com.fasterxml.jackson.databind.jsontype.TypeSerializer typeSer) throws IOException {
            own.serializeWithType(value, gen, serializers, typeSer);
        }
    }
}
