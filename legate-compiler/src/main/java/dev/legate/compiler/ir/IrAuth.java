package dev.legate.compiler.ir;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The external authorization filter from an AuthService (Emissary's IRAuth): which cluster to ask, and how.
 *
 * @param cluster the Envoy name of the authorization service's cluster
 * @param serverUri Emissary's {@code http_service.server_uri.uri}: scheme plus the path prefix
 * @param allowedRequestHeaders lower-case header names sent to the service, Emissary's defaults included, sorted
 * @param allowedAuthorizationHeaders lower-case header names taken from its answer, defaults included, sorted
 * @param headersToAdd headers added to every authorization request, in order
 * @param includeBody how much of the request body to send, or null for none
 * @param statusOnError the HTTP status when the service fails, or null for Envoy's default (403)
 * @param protocolVersion the gRPC transport API version ("v3")
 */
public record IrAuth(Proto proto, String cluster, String serverUri, String pathPrefix, long timeoutMs,
        List<String> allowedRequestHeaders, List<String> allowedAuthorizationHeaders,
        List<IrRoute.IrHeaderValue> headersToAdd, @Nullable BodyLimit includeBody, boolean failureModeAllow,
        @Nullable Integer statusOnError, String protocolVersion, Provenance provenance) {

    public IrAuth {
        allowedRequestHeaders = List.copyOf(allowedRequestHeaders);
        allowedAuthorizationHeaders = List.copyOf(allowedAuthorizationHeaders);
        headersToAdd = List.copyOf(headersToAdd);
    }

    public enum Proto {
        HTTP, GRPC
    }

    /** {@code include_body}: up to {@code maxBytes} of the body; a partial body when {@code allowPartial}. */
    public record BodyLimit(int maxBytes, boolean allowPartial) {
    }
}
