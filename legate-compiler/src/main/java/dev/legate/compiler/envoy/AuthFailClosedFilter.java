package dev.legate.compiler.envoy;

import com.google.protobuf.Message;
import dev.legate.compiler.ir.Ir;
import io.envoyproxy.envoy.extensions.filters.http.lua.v3.Lua;
import java.util.Optional;

/**
 * In ext_authz's place when an AuthService was configured but none can be used: a Lua filter that answers every
 * request except the liveness and readiness probes with a JSON 500 naming the AuthService, so that a broken
 * AuthService never opens the gateway (Emissary does the same).
 */
final class AuthFailClosedFilter implements HttpFilter {

    @Override
    public String name() {
        return "envoy.filters.http.lua";
    }

    @Override
    @SuppressWarnings("deprecation")
    public Optional<Message> typedConfig(Ir ir) {
        String failed = ir.services().authFailure();
        if (failed == null || ir.services().auth() != null) {
            return Optional.empty();
        }
        String message = "the " + failed + " AuthService is misconfigured; see the diagnostics for more information";
        String script = """
                local probes = {["/ambassador/v0/check_alive"] = true, ["/ambassador/v0/check_ready"] = true}
                function envoy_on_request(request_handle)
                  local headers = request_handle:headers()
                  if probes[headers:get(":path")] then
                    return
                  end
                  local id = headers:get("x-request-id") or ""
                  request_handle:respond({[":status"] = "500", ["content-type"] = "application/json"},
                    '{"message": "%s", "request_id": "' .. id .. '", "status_code": 500}\\n')
                end
                """.formatted(luaQuoted(message));
        return Optional.of(Lua.newBuilder().setInlineCode(script).build());
    }

    /** Text safe inside a single-quoted Lua string that holds JSON. */
    private static String luaQuoted(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (Character.isLetterOrDigit(c) || " ;,.-_/()".indexOf(c) >= 0) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
