package dev.legate.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code Listener.spec} in getambassador.io/v3alpha1. */
public record ListenerSpec(
        @JsonProperty("port") @Nullable Integer port,
        @JsonProperty("protocol") @Nullable String protocol,
        @JsonProperty("protocolStack") @Nullable List<String> protocolStack,
        @JsonProperty("securityModel") @Nullable String securityModel,
        @JsonProperty("statsPrefix") @Nullable String statsPrefix,
        @JsonProperty("l7Depth") @Nullable Integer l7Depth,
        @JsonProperty("hostBinding") @Nullable HostBinding hostBinding,
        @JsonProperty("http2MaxConcurrentStreams") @Nullable Integer http2MaxConcurrentStreams) implements Spec {

    public record HostBinding(@JsonProperty("namespace") @Nullable NamespaceBinding namespace,
            @JsonProperty("selector") @Nullable LabelSelector selector) {
    }

    public record NamespaceBinding(@JsonProperty("from") @Nullable String from) {
    }
}
