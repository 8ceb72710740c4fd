/**
 * A rate-limit backend for testing a gateway's RateLimitService: Envoy's gRPC
 * {@code envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit}
 * ({@link dev.legate.backend.ratelimit.RateLimitBackend}), deciding by the descriptors it is sent
 * ({@link dev.legate.backend.ratelimit.RateLimitPolicy}): a descriptor value can force OVER_LIMIT or set a counting
 * limit per time unit.
 */
@NullMarked
package dev.legate.backend.ratelimit;

import org.jspecify.annotations.NullMarked;
