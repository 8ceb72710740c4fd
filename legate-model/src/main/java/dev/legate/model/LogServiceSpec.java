package dev.legate.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code LogService.spec} in getambassador.io/v3alpha1: a gRPC access log service (Envoy's ALS). */
public record LogServiceSpec(
        @JsonProperty("service") @Nullable String service,
        @JsonProperty("protocol_version") @Nullable String protocolVersion,
        @JsonProperty("driver") @Nullable String driver,
        @JsonProperty("driver_config") @Nullable DriverConfig driverConfig,
        @JsonProperty("flush_interval_time") @Nullable Integer flushIntervalTime,
        @JsonProperty("flush_interval_byte_size") @Nullable Integer flushIntervalByteSize,
        @JsonProperty("grpc") @Nullable Boolean grpc,
        @JsonProperty("stats_name") @Nullable String statsName) implements Spec {

    /** {@code driver_config}. */
    public record DriverConfig(
            @JsonProperty("additional_log_headers") @Nullable List<AdditionalLogHeader> additionalLogHeaders) {
    }

    /** One of {@code driver_config.additional_log_headers}; each {@code during_*} defaults to true. */
    public record AdditionalLogHeader(@JsonProperty("header_name") @Nullable String headerName,
            @JsonProperty("during_request") @Nullable Boolean duringRequest,
            @JsonProperty("during_response") @Nullable Boolean duringResponse,
            @JsonProperty("during_trailer") @Nullable Boolean duringTrailer) {
    }
}
