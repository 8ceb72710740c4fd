package dev.legate.compiler.envoy;

import com.google.protobuf.Message;
import dev.legate.compiler.ir.Ir;
import io.envoyproxy.envoy.extensions.filters.http.lua.v3.Lua;
import java.util.Optional;

/** {@code envoy.filters.http.lua}: Module {@code lua_scripts}, inline. */
final class LuaFilter implements HttpFilter {

    @Override
    public String name() {
        return "envoy.filters.http.lua";
    }

    @Override
    @SuppressWarnings("deprecation")
    public Optional<Message> typedConfig(Ir ir) {
        String script = ir.services().moduleFilters().luaScript();
        return script == null ? Optional.empty() : Optional.of(Lua.newBuilder().setInlineCode(script).build());
    }
}
