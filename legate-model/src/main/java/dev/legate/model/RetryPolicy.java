package dev.legate.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/** {@code retry_policy} on a Mapping or the ambassador Module. */
public record RetryPolicy(@JsonProperty("retry_on") @Nullable String retryOn,
        @JsonProperty("num_retries") @Nullable Integer numRetries,
        @JsonProperty("per_try_timeout") @Nullable String perTryTimeout) {
}
