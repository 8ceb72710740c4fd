/**
 * An external authorization backend for testing a gateway's AuthService, in both of Emissary's protocols: Envoy's
 * gRPC {@code envoy.service.auth.v3.Authorization/Check} ({@link dev.legate.backend.auth.GrpcAuthBackend}) and the
 * HTTP protocol, where the gateway forwards the request itself ({@link dev.legate.backend.auth.HttpAuthBackend}). Both
 * decide by the same request-driven policy, {@link dev.legate.backend.auth.AuthPolicy}, so a test chooses the outcome
 * with the request it sends.
 */
@NullMarked
package dev.legate.backend.auth;

import org.jspecify.annotations.NullMarked;
