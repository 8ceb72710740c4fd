package dev.legate.compiler.envoy;

import com.google.protobuf.Message;
import dev.legate.compiler.ir.Ir;
import java.util.Optional;

/**
 * One HTTP filter of the connection manager. Filters are listed in Emissary's order (cors, ext_authz, ratelimit,
 * ..., router) in {@link HttpFilters}; each decides whether the configuration needs it.
 */
interface HttpFilter {

    /** The filter's Envoy name, e.g. {@code envoy.filters.http.cors}. */
    String name();

    /** The filter's typed config, or empty when this configuration does not use the filter. */
    Optional<Message> typedConfig(Ir ir);
}
