package dev.legate.compiler.output;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.legate.compiler.envoy.EnvoyConfig;
import io.envoyproxy.envoy.config.bootstrap.v3.Admin;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A complete static Envoy v3 bootstrap ({@code envoy -c envoy.json}): the admin interface on 127.0.0.1:8001 and the
 * configuration in {@code static_resources}, with proto field names as Envoy's documentation spells them.
 */
public final class EnvoyJson {

    public static final int ADMIN_PORT = 8001;

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
            .usingTypeRegistry(EnvoyTypes.REGISTRY)
            .preservingProtoFieldNames()
            .omittingInsignificantWhitespace();

    private EnvoyJson() {
    }

    /**
     * Writes the static bootstrap of {@code config} as compact JSON, with each listener's routes inlined. Fast
     * enough for hundreds of thousands of routes.
     */
    public static void writeBootstrap(EnvoyConfig config, java.io.Writer out) {
        try {
            inliningWriter(config).write(bootstrap(config), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A writer that inlines {@code config}'s route configurations into the connection managers naming them. */
    private static ProtoJsonWriter inliningWriter(EnvoyConfig config) {
        java.util.Map<String, io.envoyproxy.envoy.config.route.v3.RouteConfiguration> routes = new java.util.HashMap<>();
        config.routeConfigurations().forEach(rc -> routes.put(rc.getName(), rc));
        return new ProtoJsonWriter(EnvoyTypes.REGISTRY, routes);
    }

    /** As {@link #writeBootstrap(EnvoyConfig, java.io.Writer)}, as UTF-8 bytes to a stream (the fastest way). */
    public static void writeBootstrap(EnvoyConfig config, java.io.OutputStream out) {
        try {
            inliningWriter(config).write(bootstrap(config), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bootstrap as a message; listeners still refer to their routes by name (see {@link #writeBootstrap}). */
    public static Bootstrap bootstrap(EnvoyConfig config) {
        Bootstrap.Builder bootstrap = Bootstrap.newBuilder();
        if (config.runtime().getFieldsCount() > 0) {
            bootstrap.setLayeredRuntime(io.envoyproxy.envoy.config.bootstrap.v3.LayeredRuntime.newBuilder()
                    .addLayers(io.envoyproxy.envoy.config.bootstrap.v3.RuntimeLayer.newBuilder()
                            .setName("static_layer").setStaticLayer(config.runtime())));
        }
        return bootstrap
                .setAdmin(Admin.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
                        SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(ADMIN_PORT))))
                .setStaticResources(Bootstrap.StaticResources.newBuilder()
                        .addAllListeners(config.listeners())
                        .addAllClusters(StaticEndpoints.inline(config))
                        .addAllSecrets(config.secrets()))
                .build();
    }

    /** Compact JSON of any Envoy message whose {@code Any}s hold types of {@link EnvoyTypes}. */
    public static void write(Message message, Appendable out) {
        try {
            PRINTER.appendTo(message, out);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("an Envoy type is missing from EnvoyTypes: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String toJson(Message message) {
        StringBuilder out = new StringBuilder();
        write(message, out);
        return out.toString();
    }
}
