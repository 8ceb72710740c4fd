package dev.legate.compiler.ir;

/**
 * The rate limit filter from the RateLimitService (Emissary's IRRateLimit).
 *
 * @param cluster the Envoy name of the rate limit service's (HTTP/2) cluster
 * @param domain the descriptor domain; Mapping labels of this domain become route rate limits
 * @param resourceExhausted answer rate-limited gRPC requests with RESOURCE_EXHAUSTED rather than UNAVAILABLE
 */
public record IrRateLimit(String cluster, String domain, long timeoutMs, FailureMode failureMode,
        GrpcLimitedStatus resourceExhausted, Provenance provenance) {

    /** What Envoy does when the rate limit service cannot be reached. */
    public enum FailureMode {
        ALLOW, DENY
    }

    /** The gRPC status of a rate-limited gRPC request. */
    public enum GrpcLimitedStatus {
        UNAVAILABLE, RESOURCE_EXHAUSTED
    }
}
