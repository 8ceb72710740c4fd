package dev.legate.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The parts of a core v1 Service that matter to the gateway. */
public record ServiceSpec(@JsonProperty("type") @Nullable String type,
        @JsonProperty("clusterIP") @Nullable String clusterIp,
        @JsonProperty("ports") @Nullable List<Port> ports) implements Spec {

    public record Port(@JsonProperty("name") @Nullable String name, @JsonProperty("port") @Nullable Integer port,
            @JsonProperty("targetPort") @Nullable Object targetPort,
            @JsonProperty("protocol") @Nullable String protocol) {
    }
}
