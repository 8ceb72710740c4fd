package dev.legate.compiler.envoy;

import com.google.protobuf.Message;
import dev.legate.compiler.ir.Ir;
import dev.legate.compiler.ir.IrAuth;
import dev.legate.compiler.ir.IrRoute;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HttpUri;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.AuthorizationRequest;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.AuthorizationResponse;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.BufferSettings;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.HttpService;
import io.envoyproxy.envoy.type.matcher.v3.ListStringMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import java.util.List;
import java.util.Optional;

/**
 * {@code envoy.filters.http.ext_authz} from the AuthService, as Emissary's v3httpfilter.py builds it: an HTTP or gRPC
 * authorization service, Emissary's default allowed headers plus the user's, the route cache cleared after a check.
 * Request headers sent to the service use the filter-wide {@code allowed_headers} (the per-request field Emissary
 * fills is deprecated in Envoy).
 */
final class ExtAuthzFilter implements HttpFilter {

    static final String NAME = "envoy.filters.http.ext_authz";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Message> typedConfig(Ir ir) {
        IrAuth auth = ir.services().auth();
        if (auth == null) {
            return Optional.empty();
        }
        ExtAuthz.Builder config = ExtAuthz.newBuilder();
        if (auth.proto() == IrAuth.Proto.HTTP) {
            ListStringMatcher allowedAuthorization = matchers(auth.allowedAuthorizationHeaders());
            AuthorizationRequest.Builder request = AuthorizationRequest.newBuilder();
            for (IrRoute.IrHeaderValue h : auth.headersToAdd()) {
                request.addHeadersToAdd(HeaderValue.newBuilder().setKey(h.key()).setValue(h.value()));
            }
            config.setHttpService(HttpService.newBuilder()
                    .setServerUri(HttpUri.newBuilder().setUri(auth.serverUri()).setCluster(auth.cluster())
                            .setTimeout(Protos.millis(auth.timeoutMs())))
                    .setPathPrefix(auth.pathPrefix())
                    .setAuthorizationRequest(request)
                    .setAuthorizationResponse(AuthorizationResponse.newBuilder()
                            .setAllowedUpstreamHeaders(allowedAuthorization)
                            .setAllowedClientHeaders(allowedAuthorization)));
            config.setAllowedHeaders(matchers(auth.allowedRequestHeaders()));
        } else {
            config.setGrpcService(GrpcService.newBuilder()
                    .setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName(auth.cluster()))
                    .setTimeout(Protos.millis(auth.timeoutMs())));
            config.setTransportApiVersion(ApiVersion.V3);
        }
        config.setClearRouteCache(true);
        if (auth.includeBody() != null) {
            config.setWithRequestBody(BufferSettings.newBuilder()
                    .setMaxRequestBytes(auth.includeBody().maxBytes())
                    .setAllowPartialMessage(auth.includeBody().allowPartial()));
        }
        if (auth.failureModeAllow()) {
            config.setFailureModeAllow(true);
        }
        if (auth.statusOnError() != null) {
            StatusCode code = StatusCode.forNumber(auth.statusOnError());
            if (code != null) {
                config.setStatusOnError(HttpStatus.newBuilder().setCode(code));
            }
        }
        return Optional.of(config.build());
    }

    private static ListStringMatcher matchers(List<String> headers) {
        ListStringMatcher.Builder list = ListStringMatcher.newBuilder();
        for (String h : headers) {
            list.addPatterns(StringMatcher.newBuilder().setExact(h).setIgnoreCase(true));
        }
        return list.build();
    }
}
