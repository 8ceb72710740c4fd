package dev.legate.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/** One entry of {@code circuit_breakers}. */
public record CircuitBreaker(@JsonProperty("priority") @Nullable String priority,
        @JsonProperty("max_connections") @Nullable Integer maxConnections,
        @JsonProperty("max_pending_requests") @Nullable Integer maxPendingRequests,
        @JsonProperty("max_requests") @Nullable Integer maxRequests,
        @JsonProperty("max_retries") @Nullable Integer maxRetries) {
}
