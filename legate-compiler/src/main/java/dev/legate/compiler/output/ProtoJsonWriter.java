package dev.legate.compiler.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Writes Envoy protos as JSON the way {@link JsonFormat} does with proto field names (same keys, same order, same
 * value spelling; map entries sorted by key), but streaming and much faster, for configurations with hundreds of
 * thousands of routes. Three things make the difference: messages are written from their wire form (the fields that
 * are set, in field-number order, with no reflection; see {@link #transcode}); each distinct {@link Route} and each
 * distinct {@code Any} below a connection manager is rendered once as UTF-8 and copied as bytes wherever it recurs;
 * and route tables and virtual hosts, the only messages walked field by field (from a per-type plan), hand their
 * routes to that memo. An HTTP connection manager that refers to its routes by name (RDS) gets them inlined as
 * {@code route_config} when they are provided, which is what a static bootstrap needs.
 */
final class ProtoJsonWriter {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final Map<Descriptor, List<FieldDescriptor>> PLANS = new ConcurrentHashMap<>();
    private static final SerializedString TYPE_KEY = new SerializedString("@type");
    /** The well-known types found below routes, by full name, to parse them as their generated classes. */
    private static final Map<String, Message> WELL_KNOWN = java.util.stream.Stream.of(Any.getDefaultInstance(),
            com.google.protobuf.Duration.getDefaultInstance(), com.google.protobuf.Timestamp.getDefaultInstance(),
            com.google.protobuf.BoolValue.getDefaultInstance(), com.google.protobuf.Int32Value.getDefaultInstance(),
            com.google.protobuf.UInt32Value.getDefaultInstance(), com.google.protobuf.Int64Value.getDefaultInstance(),
            com.google.protobuf.UInt64Value.getDefaultInstance(), com.google.protobuf.FloatValue.getDefaultInstance(),
            com.google.protobuf.DoubleValue.getDefaultInstance(), com.google.protobuf.StringValue.getDefaultInstance(),
            com.google.protobuf.BytesValue.getDefaultInstance(), com.google.protobuf.Struct.getDefaultInstance(),
            com.google.protobuf.Value.getDefaultInstance(), com.google.protobuf.ListValue.getDefaultInstance(),
            com.google.protobuf.Empty.getDefaultInstance(), com.google.protobuf.FieldMask.getDefaultInstance())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(m -> m.getDescriptorForType().getFullName(),
                    m -> (Message) m));

    private final JsonFormat.TypeRegistry registry;
    private final Map<String, RouteConfiguration> inlineRoutes;
    /**
     * Each distinct route (by value: the same Mapping's route in several virtual hosts, or equal routes of different
     * Mappings), rendered once and copied wherever it recurs. Equal messages render to equal JSON, and a message's
     * hash code is computed once (protobuf memoizes it), so looking one up costs far less than rendering it.
     */
    private final Map<Route, RawJson> renderedRoutes = new HashMap<>();
    /** Each distinct {@code Any} below the connection managers (per-route filter configurations), rendered once. */
    private final Map<Any, RawJson> renderedAnys = new HashMap<>();

    /** Where the routes of virtual hosts go, and which can be copied from an earlier file (null: rendered). */
    private final RouteSpans.@Nullable Recording recording;

    ProtoJsonWriter(JsonFormat.TypeRegistry registry, Map<String, RouteConfiguration> inlineRoutes) {
        this(registry, inlineRoutes, null);
    }

    ProtoJsonWriter(JsonFormat.TypeRegistry registry, Map<String, RouteConfiguration> inlineRoutes,
            RouteSpans.@Nullable Recording recording) {
        this.registry = registry;
        this.inlineRoutes = inlineRoutes;
        this.recording = recording;
    }

    /**
     * Writes to a file through {@link #recording}, which must write to {@code out}: the generator's buffer is
     * flushed (not the file) before each copied run of routes.
     */
    void write(Message message, SplicingOutput out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out, com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            writeMessage(message, g);
        }
        out.flush();
    }

    void write(Message message, Writer out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeMessage(message, g);
        }
    }

    /** Writes UTF-8 straight to a stream: no char round trip for the tens of megabytes of a large bootstrap. */
    void write(Message message, java.io.OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out, com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
            writeMessage(message, g);
        }
    }

    private static List<FieldDescriptor> plan(Descriptor descriptor) {
        return PLANS.computeIfAbsent(descriptor, d -> {
            List<FieldDescriptor> fields = new ArrayList<>(d.getFields());
            fields.sort(Comparator.comparingInt(FieldDescriptor::getNumber));
            return List.copyOf(fields);
        });
    }

    private void writeMessage(Message message, JsonGenerator g) throws IOException {
        if (message instanceof SdsSecretConfig sds) {
            // In a static bootstrap the secret is in static_resources.secrets: refer to it by name only.
            g.writeStartObject();
            g.writeStringField("name", sds.getName());
            g.writeEndObject();
            return;
        }
        Descriptor descriptor = message.getDescriptorForType();
        if (writeWellKnown(message, descriptor, g)) {
            return;
        }
        g.writeStartObject();
        if (descriptor == RouteConfiguration.getDescriptor() || descriptor == VirtualHost.getDescriptor()) {
            // Walked field by field, so that each of their routes goes through writeRoute and its memo.
            writeFields(message, descriptor, g);
        } else {
            transcode(descriptor, message.toByteString().newCodedInput(), g);
        }
        g.writeEndObject();
    }

    private void writeFields(Message message, Descriptor descriptor, JsonGenerator g) throws IOException {
        for (FieldDescriptor field : plan(descriptor)) {
            if (recording != null && message instanceof VirtualHost host
                    && field.getNumber() == VirtualHost.ROUTES_FIELD_NUMBER) {
                if (host.getRoutesCount() > 0) {
                    g.writeFieldName(field.getName());
                    g.writeStartArray();
                    recording.writeRoutes(host.getName(), host.getRoutesList(), g,
                            route -> g.writeRaw(rendered(route)));
                    g.writeEndArray();
                }
                continue;
            }
            writeField(message, field, g);
        }
    }

    private static boolean isDefault(FieldDescriptor field, Object value) {
        return switch (field.getJavaType()) {
            case INT -> (Integer) value == 0;
            case LONG -> (Long) value == 0L;
            case FLOAT -> (Float) value == 0f;
            case DOUBLE -> (Double) value == 0d;
            case BOOLEAN -> !(Boolean) value;
            case STRING -> ((String) value).isEmpty();
            case BYTE_STRING -> ((ByteString) value).isEmpty();
            case ENUM -> ((EnumValueDescriptor) value).getNumber() == 0;
            case MESSAGE -> false;
        };
    }

    private void writeMap(Message message, FieldDescriptor field, int count, JsonGenerator g) throws IOException {
        FieldDescriptor keyField = field.getMessageType().findFieldByNumber(1);
        FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
        // Map entries in key order (JsonFormat's sortingMapKeys), whatever order the map was built in.
        List<Message> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add((Message) message.getRepeatedField(field, i));
        }
        entries.sort(Comparator.comparing(e -> String.valueOf(e.getField(keyField))));
        g.writeStartObject();
        for (Message entry : entries) {
            g.writeFieldName(String.valueOf(entry.getField(keyField)));
            writeValue(valueField, entry.getField(valueField), g);
        }
        g.writeEndObject();
    }

    private void writeValue(FieldDescriptor field, Object value, JsonGenerator g) throws IOException {
        switch (field.getType()) {
            case INT32, SINT32, SFIXED32 -> g.writeNumber((Integer) value);
            case UINT32, FIXED32 -> g.writeNumber(Integer.toUnsignedLong((Integer) value));
            case INT64, SINT64, SFIXED64 -> g.writeString(Long.toString((Long) value));
            case UINT64, FIXED64 -> g.writeString(Long.toUnsignedString((Long) value));
            case FLOAT -> writeFloating(((Float) value).doubleValue(), g, true);
            case DOUBLE -> writeFloating((Double) value, g, false);
            case BOOL -> g.writeBoolean((Boolean) value);
            case STRING -> g.writeString((String) value);
            case BYTES -> g.writeString(java.util.Base64.getEncoder().encodeToString(((ByteString) value)
                    .toByteArray()));
            case ENUM -> {
                EnumValueDescriptor e = (EnumValueDescriptor) value;
                if (e.getType().getFullName().equals("google.protobuf.NullValue")) {
                    g.writeNull();
                } else if (e.getIndex() == -1) {
                    g.writeNumber(e.getNumber());
                } else {
                    g.writeString(e.getName());
                }
            }
            case MESSAGE, GROUP -> {
                if (value instanceof Route route) {
                    writeRoute(route, g);
                } else {
                    writeMessage((Message) value, g);
                }
            }
        }
    }

    private static void writeFloating(double value, JsonGenerator g, boolean isFloat) throws IOException {
        if (Double.isNaN(value)) {
            g.writeString("NaN");
        } else if (Double.isInfinite(value)) {
            g.writeString(value > 0 ? "Infinity" : "-Infinity");
        } else if (isFloat) {
            g.writeNumber((float) value);
        } else {
            g.writeNumber(value);
        }
    }

    /** A route is rendered once, then copied wherever an equal route recurs. */
    private void writeRoute(Route route, JsonGenerator g) throws IOException {
        g.writeRawValue(rendered(route));
    }

    private RawJson rendered(Route route) throws IOException {
        RawJson json = renderedRoutes.get(route);
        if (json == null) {
            json = render(route);
            renderedRoutes.put(route, json);
        }
        return json;
    }

    /** A route as UTF-8 JSON, transcoded from its wire form (see {@link #transcode}). */
    private RawJson render(Route route) throws IOException {
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream(512);
        try (JsonGenerator inner = FACTORY.createGenerator(buffer, com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
            inner.writeStartObject();
            transcode(Route.getDescriptor(), route.toByteString().newCodedInput(), inner);
            inner.writeEndObject();
        }
        return new RawJson(buffer.toByteArray());
    }

    /**
     * JSON already rendered as UTF-8, copied as bytes by a UTF-8 generator ({@link JsonGenerator#writeRawValue}
     * asks for {@link #appendUnquotedUTF8} or {@link #asUnquotedUTF8}); a character generator gets its text.
     */
    private record RawJson(byte[] utf8) implements com.fasterxml.jackson.core.SerializableString {

        @Override
        public String getValue() {
            return new String(utf8, java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public int charLength() {
            return getValue().length();
        }

        @Override
        public char[] asQuotedChars() {
            throw new UnsupportedOperationException("raw JSON is never quoted");
        }

        @Override
        public byte[] asUnquotedUTF8() {
            return utf8;
        }

        @Override
        public byte[] asQuotedUTF8() {
            throw new UnsupportedOperationException("raw JSON is never quoted");
        }

        @Override
        public int appendQuotedUTF8(byte[] buffer, int offset) {
            throw new UnsupportedOperationException("raw JSON is never quoted");
        }

        @Override
        public int appendQuoted(char[] buffer, int offset) {
            throw new UnsupportedOperationException("raw JSON is never quoted");
        }

        @Override
        public int appendUnquotedUTF8(byte[] buffer, int offset) {
            if (offset + utf8.length > buffer.length) {
                return -1;
            }
            System.arraycopy(utf8, 0, buffer, offset, utf8.length);
            return utf8.length;
        }

        @Override
        public int appendUnquoted(char[] buffer, int offset) {
            String text = getValue();
            if (offset + text.length() > buffer.length) {
                return -1;
            }
            text.getChars(0, text.length(), buffer, offset);
            return text.length();
        }

        @Override
        public int writeQuotedUTF8(java.io.OutputStream out) {
            throw new UnsupportedOperationException("raw JSON is never quoted");
        }

        @Override
        public int writeUnquotedUTF8(java.io.OutputStream out) throws IOException {
            out.write(utf8);
            return utf8.length;
        }

        @Override
        public int putQuotedUTF8(java.nio.ByteBuffer buffer) {
            throw new UnsupportedOperationException("raw JSON is never quoted");
        }

        @Override
        public int putUnquotedUTF8(java.nio.ByteBuffer buffer) {
            if (buffer.remaining() < utf8.length) {
                return -1;
            }
            buffer.put(utf8);
            return utf8.length;
        }
    }

    // ---- from the wire form -------------------------------------------------------------------------------------
    //
    // The reflective walk above asks every field of every message whether it is set, through reflection, which is
    // most of the cost of a large bootstrap. Routes and per-route filter configurations are written from their wire
    // form instead: generated code serializes the fields that are set, in field-number order (the order JsonFormat
    // prints them in), so reading the bytes back visits exactly the fields to print, in order, with no reflection.

    /** Writes the fields of a message of type {@code type} read from {@code in} (up to its limit), in wire order. */
    private void transcode(Descriptor type, CodedInputStream in, JsonGenerator g) throws IOException {
        int tag = in.readTag();
        while (tag != 0) {
            int number = WireFormat.getTagFieldNumber(tag);
            FieldDescriptor field = type.findFieldByNumber(number);
            if (field == null) {
                throw new InvalidProtocolBufferException("unknown field " + number + " in " + type.getFullName());
            }
            g.writeFieldName(field.getName());
            if (field.isMapField()) {
                tag = transcodeMap(field, tag, in, g);
            } else if (field.isRepeated()) {
                g.writeStartArray();
                // Every element of a repeated field is serialized together: read until another field starts.
                do {
                    if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED
                            && field.isPackable()) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) {
                            transcodeScalar(field, in, g);
                        }
                        in.popLimit(limit);
                    } else {
                        transcodeValue(field, in, g);
                    }
                    tag = in.readTag();
                } while (tag != 0 && WireFormat.getTagFieldNumber(tag) == number);
                g.writeEndArray();
            } else {
                transcodeValue(field, in, g);
                tag = in.readTag();
            }
        }
    }

    private void transcodeValue(FieldDescriptor field, CodedInputStream in, JsonGenerator g) throws IOException {
        if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
            transcodeScalar(field, in, g);
            return;
        }
        int limit = in.pushLimit(in.readRawVarint32());
        transcodeMessage(field.getMessageType(), in, g);
        if (in.getBytesUntilLimit() != 0) {
            throw new InvalidProtocolBufferException("trailing bytes in " + field.getFullName());
        }
        in.popLimit(limit);
    }

    /** A message (as a value), its bytes up to {@code in}'s current limit. */
    private void transcodeMessage(Descriptor type, CodedInputStream in, JsonGenerator g) throws IOException {
        String name = type.getFullName();
        if (name.startsWith("google.protobuf.") || type == SdsSecretConfig.getDescriptor()) {
            // The few well-known types (and a secret reference) are rare below a route: the reflective way.
            Message prototype = type == SdsSecretConfig.getDescriptor() ? SdsSecretConfig.getDefaultInstance()
                    : WELL_KNOWN.get(name);
            Message parsed = prototype != null ? prototype.getParserForType().parseFrom(in)
                    : com.google.protobuf.DynamicMessage.parseFrom(type, in);
            writeMessage(parsed, g);
            return;
        }
        g.writeStartObject();
        transcode(type, in, g);
        g.writeEndObject();
    }

    /** One scalar (or enum) value, as {@link #writeValue} writes it. */
    private static void transcodeScalar(FieldDescriptor field, CodedInputStream in, JsonGenerator g)
            throws IOException {
        switch (field.getType()) {
            case INT32 -> g.writeNumber(in.readInt32());
            case SINT32 -> g.writeNumber(in.readSInt32());
            case SFIXED32 -> g.writeNumber(in.readSFixed32());
            case UINT32 -> g.writeNumber(Integer.toUnsignedLong(in.readUInt32()));
            case FIXED32 -> g.writeNumber(Integer.toUnsignedLong(in.readFixed32()));
            case INT64 -> g.writeString(Long.toString(in.readInt64()));
            case SINT64 -> g.writeString(Long.toString(in.readSInt64()));
            case SFIXED64 -> g.writeString(Long.toString(in.readSFixed64()));
            case UINT64 -> g.writeString(Long.toUnsignedString(in.readUInt64()));
            case FIXED64 -> g.writeString(Long.toUnsignedString(in.readFixed64()));
            case FLOAT -> writeFloating(in.readFloat(), g, true);
            case DOUBLE -> writeFloating(in.readDouble(), g, false);
            case BOOL -> g.writeBoolean(in.readBool());
            case STRING -> g.writeString(in.readStringRequireUtf8());
            case BYTES -> g.writeString(java.util.Base64.getEncoder().encodeToString(in.readByteArray()));
            case ENUM -> {
                int number = in.readEnum();
                EnumValueDescriptor e = field.getEnumType().findValueByNumber(number);
                if (field.getEnumType().getFullName().equals("google.protobuf.NullValue")) {
                    g.writeNull();
                } else if (e == null) {
                    g.writeNumber(number);
                } else {
                    g.writeString(e.getName());
                }
            }
            default -> throw new InvalidProtocolBufferException("unexpected " + field.getType() + " in "
                    + field.getFullName());
        }
    }

    /** A map field: its entries (which follow one another on the wire) sorted by key, as {@link #writeMap}. */
    private int transcodeMap(FieldDescriptor field, int firstTag, CodedInputStream in, JsonGenerator g)
            throws IOException {
        FieldDescriptor keyField = field.getMessageType().findFieldByNumber(1);
        FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
        List<WireEntry> entries = new ArrayList<>();
        int tag = firstTag;
        do {
            entries.add(entry(keyField, in.readBytes()));
            tag = in.readTag();
        } while (tag != 0 && WireFormat.getTagFieldNumber(tag) == field.getNumber());
        entries.sort(Comparator.comparing(WireEntry::key));
        g.writeStartObject();
        for (WireEntry entry : entries) {
            g.writeFieldName(entry.key());
            // The value field, tag included, reads back as the field it is: scalars and messages alike.
            CodedInputStream value = entry.value().newCodedInput();
            if (value.isAtEnd()) {
                writeValue(valueField, valueField.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                        ? com.google.protobuf.DynamicMessage.getDefaultInstance(valueField.getMessageType())
                        : valueField.getDefaultValue(), g);
            } else {
                value.readTag();
                transcodeValue(valueField, value, g);
            }
        }
        g.writeEndObject();
        return tag;
    }

    /** A map entry from the wire: its key as text (as reflection's value prints) and its value field, tag included. */
    private record WireEntry(String key, ByteString value) {
    }

    private static WireEntry entry(FieldDescriptor keyField, ByteString entry) throws IOException {
        Object key = keyField.getDefaultValue();
        ByteString value = ByteString.EMPTY;
        CodedInputStream in = entry.newCodedInput();
        for (int start = 0, tag = in.readTag(); tag != 0; start = in.getTotalBytesRead(), tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == 1) {
                key = switch (keyField.getType()) {
                    case STRING -> in.readStringRequireUtf8();
                    case INT32 -> in.readInt32();
                    case SINT32 -> in.readSInt32();
                    case UINT32 -> in.readUInt32();
                    case FIXED32 -> in.readFixed32();
                    case SFIXED32 -> in.readSFixed32();
                    case INT64 -> in.readInt64();
                    case SINT64 -> in.readSInt64();
                    case UINT64 -> in.readUInt64();
                    case FIXED64 -> in.readFixed64();
                    case SFIXED64 -> in.readSFixed64();
                    case BOOL -> in.readBool();
                    default -> throw new InvalidProtocolBufferException("unexpected map key type "
                            + keyField.getType());
                };
            } else {
                in.skipField(tag);
                value = entry.substring(start, in.getTotalBytesRead());
            }
        }
        return new WireEntry(String.valueOf(key), value);
    }

    private boolean writeWellKnown(Message message, Descriptor descriptor, JsonGenerator g) throws IOException {
        String name = descriptor.getFullName();
        if (!name.startsWith("google.protobuf.")) {
            return false;
        }
        switch (name) {
            case "google.protobuf.Any" -> writeAny(message, g);
            case "google.protobuf.Duration" -> g.writeString(Durations.toString(
                    com.google.protobuf.Duration.newBuilder().mergeFrom(message).build()));
            case "google.protobuf.Timestamp" -> g.writeString(Timestamps.toString(
                    com.google.protobuf.Timestamp.newBuilder().mergeFrom(message).build()));
            case "google.protobuf.BoolValue", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
                    "google.protobuf.Int64Value", "google.protobuf.UInt64Value", "google.protobuf.FloatValue",
                    "google.protobuf.DoubleValue", "google.protobuf.StringValue", "google.protobuf.BytesValue" -> {
                FieldDescriptor value = descriptor.findFieldByName("value");
                writeValue(value, message.getField(value), g);
            }
            case "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue",
                    "google.protobuf.FieldMask", "google.protobuf.Empty" -> g.writeRawValue(
                    JsonFormat.printer().omittingInsignificantWhitespace().print(message));
            default -> {
                return false;
            }
        }
        return true;
    }

    private void writeAny(Message message, JsonGenerator g) throws IOException {
        Any any = message instanceof Any a ? a : Any.newBuilder().mergeFrom(message).build();
        if (any.getTypeUrl().endsWith(HCM_TYPE)) {
            writeAnyContent(any, g);
            return;
        }
        // Per-route filter configurations recur across thousands of routes: render each distinct one once.
        RawJson json = renderedAnys.get(any);
        if (json == null) {
            java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream(256);
            try (JsonGenerator inner = FACTORY.createGenerator(buffer,
                    com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
                writeAnyContent(any, inner);
            }
            json = new RawJson(buffer.toByteArray());
            renderedAnys.put(any, json);
        }
        g.writeRawValue(json);
    }

    private static final String HCM_TYPE = "/" + HttpConnectionManager.getDescriptor().getFullName();

    private void writeAnyContent(Any any, JsonGenerator g) throws IOException {
        String typeUrl = any.getTypeUrl();
        String typeName = typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
        Descriptor type = registry.find(typeName);
        if (type == null) {
            throw new InvalidProtocolBufferException("unknown type URL " + typeUrl + " (add it to EnvoyTypes)");
        }
        g.writeStartObject();
        g.writeFieldName(TYPE_KEY);
        g.writeString(typeUrl);
        if (type.getFullName().startsWith("google.protobuf.")) {
            g.writeFieldName("value");
            transcodeMessage(type, any.getValue().newCodedInput(), g);
        } else if (type == HttpConnectionManager.getDescriptor()) {
            HttpConnectionManager hcm = HttpConnectionManager.parseFrom(any.getValue());
            if (hcm.hasRds() && inlineRoutes.containsKey(hcm.getRds().getRouteConfigName())) {
                writeConnectionManager(hcm, g);
            } else {
                writeFields(hcm, type, g);
            }
        } else {
            transcode(type, any.getValue().newCodedInput(), g);
        }
        g.writeEndObject();
    }

    /** The HTTP connection manager with its RDS reference replaced by the route configuration itself. */
    private void writeConnectionManager(HttpConnectionManager hcm, JsonGenerator g) throws IOException {
        RouteConfiguration routes = inlineRoutes.get(hcm.getRds().getRouteConfigName());
        HttpConnectionManager inlined = hcm.toBuilder().clearRds()
                .setRouteConfig(RouteConfiguration.getDefaultInstance()).build();
        for (FieldDescriptor field : plan(HttpConnectionManager.getDescriptor())) {
            if (field.getNumber() == HttpConnectionManager.ROUTE_CONFIG_FIELD_NUMBER) {
                g.writeFieldName(field.getName());
                writeMessage(routes, g);
                continue;
            }
            writeField(inlined, field, g);
        }
    }

    /** One field: repeated and map fields when not empty, others when set (presence) or not default. */
    private void writeField(Message message, FieldDescriptor field, JsonGenerator g) throws IOException {
        if (field.isRepeated()) {
            int count = message.getRepeatedFieldCount(field);
            if (count == 0) {
                return;
            }
            g.writeFieldName(field.getName());
            if (field.isMapField()) {
                writeMap(message, field, count, g);
            } else {
                g.writeStartArray();
                for (int i = 0; i < count; i++) {
                    writeValue(field, message.getRepeatedField(field, i), g);
                }
                g.writeEndArray();
            }
        } else if (field.hasPresence() ? message.hasField(field) : !isDefault(field, message.getField(field))) {
            g.writeFieldName(field.getName());
            writeValue(field, message.getField(field), g);
        }
    }
}
