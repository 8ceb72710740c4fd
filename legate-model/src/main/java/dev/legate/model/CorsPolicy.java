package dev.legate.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code cors} on a Mapping or the ambassador Module. */
public record CorsPolicy(@JsonProperty("origins") @Nullable List<String> origins,
        @JsonProperty("methods") @Nullable List<String> methods,
        @JsonProperty("headers") @Nullable List<String> headers,
        @JsonProperty("credentials") @Nullable Boolean credentials,
        @JsonProperty("exposed_headers") @Nullable List<String> exposedHeaders,
        @JsonProperty("max_age") @Nullable String maxAge,
        @JsonProperty("v2CommaSeparatedOrigins") @Nullable Boolean v2CommaSeparatedOrigins) {
}
