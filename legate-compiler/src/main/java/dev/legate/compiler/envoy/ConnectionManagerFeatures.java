package dev.legate.compiler.envoy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.BoolValue;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.legate.compiler.ir.Ir;
import dev.legate.compiler.ir.IrFileLog;
import dev.legate.compiler.ir.IrLogService;
import dev.legate.compiler.ir.IrServices;
import dev.legate.compiler.ir.IrTracing;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.trace.v3.DatadogConfig;
import io.envoyproxy.envoy.config.trace.v3.OpenTelemetryConfig;
import io.envoyproxy.envoy.config.trace.v3.Tracing;
import io.envoyproxy.envoy.config.trace.v3.ZipkinConfig;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.CommonGrpcAccessLogConfig;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.HttpGrpcAccessLogConfig;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.TcpGrpcAccessLogConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.tracing.v3.CustomTag;
import io.envoyproxy.envoy.type.v3.Percent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the AuthService-and-friends issue adds to every HTTP connection manager, as Emissary's v3listener.py: the
 * access logs (one gRPC logger per LogService, then the file log as text or JSON), tracing (provider, sampling,
 * custom tags; Emissary puts the provider in the bootstrap, which ADS cannot change, so Legate puts it in the
 * connection manager), and {@code set_current_client_cert_details}.
 */
final class ConnectionManagerFeatures {

    /** Emissary's default JSON access log fields, in its order. */
    static final Map<String, String> DEFAULT_JSON_FIELDS = defaultJsonFields();

    private final IrServices services;
    private final List<AccessLog> accessLogs;
    private final HttpConnectionManager.@org.jspecify.annotations.Nullable Tracing tracing;

    ConnectionManagerFeatures(Ir ir) {
        this.services = ir.services();
        this.accessLogs = accessLogs(ir);
        this.tracing = tracing(services.tracing());
    }

    /** The access logs every HTTP connection manager writes. */
    List<AccessLog> accessLogs() {
        return accessLogs;
    }

    /** Envoy's traffic direction for listeners: OUTBOUND when tracing (Emissary's choice), else unspecified. */
    io.envoyproxy.envoy.config.core.v3.TrafficDirection trafficDirection() {
        return tracing == null ? io.envoyproxy.envoy.config.core.v3.TrafficDirection.UNSPECIFIED
                : io.envoyproxy.envoy.config.core.v3.TrafficDirection.OUTBOUND;
    }

    void apply(HttpConnectionManager.Builder hcm) {
        if (tracing != null) {
            hcm.setGenerateRequestId(BoolValue.of(true));
            hcm.setTracing(tracing);
        }
        if (!services.currentClientCertDetails().isEmpty()) {
            var details = HttpConnectionManager.SetCurrentClientCertDetails.newBuilder();
            for (String d : services.currentClientCertDetails()) {
                switch (d) {
                    case "subject" -> details.setSubject(BoolValue.of(true));
                    case "cert" -> details.setCert(true);
                    case "chain" -> details.setChain(true);
                    case "dns" -> details.setDns(true);
                    case "uri" -> details.setUri(true);
                    default -> {
                    }
                }
            }
            hcm.setSetCurrentClientCertDetails(details);
        }
    }

    private static List<AccessLog> accessLogs(Ir ir) {
        List<AccessLog> out = new ArrayList<>();
        for (IrLogService log : ir.services().logServices()) {
            CommonGrpcAccessLogConfig common = CommonGrpcAccessLogConfig.newBuilder()
                    .setLogName(log.logName())
                    .setGrpcService(GrpcService.newBuilder().setEnvoyGrpc(
                            GrpcService.EnvoyGrpc.newBuilder().setClusterName(log.cluster())))
                    .setTransportApiVersion(ApiVersion.V3)
                    .setBufferFlushInterval(Protos.millis(log.flushIntervalSeconds() * 1000L))
                    .setBufferSizeBytes(com.google.protobuf.UInt32Value.of(log.bufferSizeBytes()))
                    .build();
            if (log.driver() == IrLogService.Driver.HTTP) {
                out.add(AccessLog.newBuilder().setName("envoy.access_loggers.http_grpc")
                        .setTypedConfig(Protos.pack(HttpGrpcAccessLogConfig.newBuilder()
                                .setCommonConfig(common)
                                .addAllAdditionalRequestHeadersToLog(log.requestHeaders())
                                .addAllAdditionalResponseHeadersToLog(log.responseHeaders())
                                .addAllAdditionalResponseTrailersToLog(log.trailerHeaders())
                                .build()))
                        .build());
            } else {
                out.add(AccessLog.newBuilder().setName("envoy.access_loggers.tcp_grpc")
                        .setTypedConfig(Protos.pack(TcpGrpcAccessLogConfig.newBuilder().setCommonConfig(common)
                                .build()))
                        .build());
            }
        }
        FileAccessLog.Builder file = FileAccessLog.newBuilder().setPath(ir.settings().envoyLogPath());
        IrFileLog fileLog = ir.services().fileLog();
        if (fileLog.format() == IrFileLog.Format.JSON) {
            file.setLogFormat(SubstitutionFormatString.newBuilder().setJsonFormat(jsonFormat(fileLog,
                    ir.services().tracing())));
        } else {
            String format = ir.settings().envoyLogFormat() == null || ir.settings().envoyLogFormat().isEmpty()
                    ? ListenerTranslator.DEFAULT_TEXT_LOG_FORMAT : ir.settings().envoyLogFormat();
            file.setLogFormat(SubstitutionFormatString.newBuilder()
                    .setTextFormatSource(DataSource.newBuilder().setInlineString(format + "\n")));
        }
        out.add(AccessLog.newBuilder().setName("envoy.access_loggers.file").setTypedConfig(Protos.pack(file.build()))
                .build());
        return List.copyOf(out);
    }

    private static Struct jsonFormat(IrFileLog log, IrTracing tracing) {
        JsonNode fields = log.jsonFields();
        Struct.Builder struct = Struct.newBuilder();
        if (fields == null) {
            Map<String, String> defaults = new LinkedHashMap<>(DEFAULT_JSON_FIELDS);
            if (tracing != null && tracing.driver() == IrTracing.Driver.DATADOG) {
                defaults.put("dd.trace_id", "%REQ(X-DATADOG-TRACE-ID)%");
                defaults.put("dd.span_id", "%REQ(X-DATADOG-PARENT-ID)%");
            }
            defaults.forEach((k, v) -> struct.putFields(k, com.google.protobuf.Value.newBuilder().setStringValue(v)
                    .build()));
            return struct.build();
        }
        try {
            JsonFormat.parser().merge(fields.toString(), struct);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a JSON object is always a Struct", e);
        }
        return struct.build();
    }

    private static HttpConnectionManager.@org.jspecify.annotations.Nullable Tracing tracing(
            @org.jspecify.annotations.Nullable IrTracing t) {
        if (t == null) {
            return null;
        }
        HttpConnectionManager.Tracing.Builder tracing = HttpConnectionManager.Tracing.newBuilder()
                .setProvider(provider(t));
        if (t.clientSampling() != null) {
            tracing.setClientSampling(Percent.newBuilder().setValue(t.clientSampling()));
        }
        if (t.randomSampling() != null) {
            tracing.setRandomSampling(Percent.newBuilder().setValue(t.randomSampling()));
        }
        if (t.overallSampling() != null) {
            tracing.setOverallSampling(Percent.newBuilder().setValue(t.overallSampling()));
        }
        for (IrTracing.CustomTag tag : t.customTags()) {
            CustomTag.Builder custom = CustomTag.newBuilder().setTag(tag.tag());
            switch (tag.source()) {
                case LITERAL -> custom.setLiteral(CustomTag.Literal.newBuilder().setValue(tag.value()));
                case ENVIRONMENT -> {
                    CustomTag.Environment.Builder env = CustomTag.Environment.newBuilder().setName(tag.value());
                    if (tag.defaultValue() != null) {
                        env.setDefaultValue(tag.defaultValue());
                    }
                    custom.setEnvironment(env);
                }
                case REQUEST_HEADER -> {
                    CustomTag.Header.Builder header = CustomTag.Header.newBuilder().setName(tag.value());
                    if (tag.defaultValue() != null) {
                        header.setDefaultValue(tag.defaultValue());
                    }
                    custom.setRequestHeader(header);
                }
            }
            tracing.addCustomTags(custom);
        }
        return tracing.build();
    }

    @SuppressWarnings("deprecation")
    private static Tracing.Http provider(IrTracing t) {
        return switch (t.driver()) {
            case ZIPKIN -> {
                ZipkinConfig.Builder zipkin = ZipkinConfig.newBuilder().setCollectorCluster(t.cluster())
                        .setCollectorEndpoint(t.collectorEndpoint() == null ? "/api/v2/spans" : t.collectorEndpoint())
                        .setCollectorEndpointVersion("HTTP_PROTO".equals(t.collectorEndpointVersion())
                                ? ZipkinConfig.CollectorEndpointVersion.HTTP_PROTO
                                : ZipkinConfig.CollectorEndpointVersion.HTTP_JSON)
                        .setTraceId128Bit(!Boolean.FALSE.equals(t.traceId128bit()));
                if (t.sharedSpanContext() != null) {
                    zipkin.setSharedSpanContext(BoolValue.of(t.sharedSpanContext()));
                }
                if (t.collectorHostname() != null) {
                    zipkin.setCollectorHostname(t.collectorHostname());
                }
                yield Tracing.Http.newBuilder().setName("envoy.zipkin").setTypedConfig(Protos.pack(zipkin.build()))
                        .build();
            }
            case DATADOG -> {
                DatadogConfig.Builder datadog = DatadogConfig.newBuilder().setCollectorCluster(t.cluster())
                        .setServiceName(t.serviceName() == null ? "ambassador" : t.serviceName());
                if (t.collectorHostname() != null) {
                    datadog.setCollectorHostname(t.collectorHostname());
                }
                yield Tracing.Http.newBuilder().setName("envoy.tracers.datadog")
                        .setTypedConfig(Protos.pack(datadog.build())).build();
            }
            case OPENTELEMETRY -> Tracing.Http.newBuilder().setName("envoy.opentelemetry")
                    .setTypedConfig(Protos.pack(OpenTelemetryConfig.newBuilder()
                            .setGrpcService(GrpcService.newBuilder().setEnvoyGrpc(
                                    GrpcService.EnvoyGrpc.newBuilder().setClusterName(t.cluster())))
                            .setServiceName(t.serviceName() == null ? "ambassador" : t.serviceName())
                            .build()))
                    .build();
        };
    }

    private static Map<String, String> defaultJsonFields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("start_time", "%START_TIME%");
        f.put("method", "%REQ(:METHOD)%");
        f.put("path", "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%");
        f.put("protocol", "%PROTOCOL%");
        f.put("response_code", "%RESPONSE_CODE%");
        f.put("response_flags", "%RESPONSE_FLAGS%");
        f.put("bytes_received", "%BYTES_RECEIVED%");
        f.put("bytes_sent", "%BYTES_SENT%");
        f.put("duration", "%DURATION%");
        f.put("upstream_service_time", "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%");
        f.put("x_forwarded_for", "%REQ(X-FORWARDED-FOR)%");
        f.put("user_agent", "%REQ(USER-AGENT)%");
        f.put("request_id", "%REQ(X-REQUEST-ID)%");
        f.put("authority", "%REQ(:AUTHORITY)%");
        f.put("upstream_host", "%UPSTREAM_HOST%");
        f.put("upstream_cluster", "%UPSTREAM_CLUSTER%");
        f.put("upstream_local_address", "%UPSTREAM_LOCAL_ADDRESS%");
        f.put("downstream_local_address", "%DOWNSTREAM_LOCAL_ADDRESS%");
        f.put("downstream_remote_address", "%DOWNSTREAM_REMOTE_ADDRESS%");
        f.put("requested_server_name", "%REQUESTED_SERVER_NAME%");
        f.put("istio_policy_status", "%DYNAMIC_METADATA(istio.mixer:status)%");
        f.put("upstream_transport_failure_reason", "%UPSTREAM_TRANSPORT_FAILURE_REASON%");
        return java.util.Collections.unmodifiableMap(f);
    }
}
