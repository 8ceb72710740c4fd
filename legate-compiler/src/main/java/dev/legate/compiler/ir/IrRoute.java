package dev.legate.compiler.ir;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One route before it is bound to a Host: match and action. Listeners bind it to virtual hosts in variants (secure,
 * insecure, redirect to HTTPS) as Emissary does. {@code labelGroups} are its Mapping's rate-limit labels.
 */
public record IrRoute(IrRouteMatch match, IrRouteAction action, List<IrHeaderValue> requestHeadersToAdd,
        List<IrHeaderValue> responseHeadersToAdd, List<String> requestHeadersToRemove,
        List<String> responseHeadersToRemove, boolean bypassAuth, List<IrHeaderValue> authContextExtensions,
        Provenance provenance, List<IrLabelGroup> labelGroups) {

    public IrRoute {
        requestHeadersToAdd = List.copyOf(requestHeadersToAdd);
        responseHeadersToAdd = List.copyOf(responseHeadersToAdd);
        requestHeadersToRemove = List.copyOf(requestHeadersToRemove);
        responseHeadersToRemove = List.copyOf(responseHeadersToRemove);
        authContextExtensions = List.copyOf(authContextExtensions);
        labelGroups = List.copyOf(labelGroups);
    }

    /** A header to add, or a key/value pair. */
    public record IrHeaderValue(String key, String value, boolean append) {
    }

    /**
     * @param pathKind PREFIX, PATH (exact) or REGEX
     * @param weight the cumulative canary weight out of 100
     * @param runtimeKey {@code routing.traffic_shift.<cluster>}, or null for redirect-only groups
     */
    public record IrRouteMatch(PathKind pathKind, String path, boolean caseSensitive, int weight,
            @Nullable String runtimeKey, List<IrMatcher> headers, List<IrMatcher> queryParameters) {

        public IrRouteMatch {
            headers = List.copyOf(headers);
            queryParameters = List.copyOf(queryParameters);
        }
    }

    public enum PathKind {
        PREFIX, PATH, REGEX
    }
}
