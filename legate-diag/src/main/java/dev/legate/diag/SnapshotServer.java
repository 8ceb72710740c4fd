package dev.legate.diag;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.legate.compiler.envoy.EnvoyConfig;
import dev.legate.compiler.output.EnvoyJson;
import dev.legate.compiler.output.Reports;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * The snapshot server (Emissary's is on 127.0.0.1:8005): what the gateway serves, for tools and for bug reports.
 *
 * <ul>
 *   <li>{@code /snapshot}: the input as accepted, converted to v3alpha1 YAML, Secret data redacted;
 *   <li>{@code /ir}: the intermediate representation (JSON);
 *   <li>{@code /envoy}: the Envoy configuration as a static bootstrap (JSON), every certificate and key redacted;
 *   <li>{@code /diagnostics}: every problem found, by source (JSON).
 * </ul>
 *
 * <p>Each answers 503 until a first configuration is served. Like the diagnostics, it answers requests from other
 * hosts only when the Module sets {@code diagnostics.allow_non_local}.
 */
public final class SnapshotServer implements AutoCloseable {

    private static final DataSource REDACTED = DataSource.newBuilder().setInlineString(Reports.REDACTED).build();

    private final HttpServer server;
    private final Diagnostics diagnostics;

    private SnapshotServer(HttpServer server, Diagnostics diagnostics) {
        this.server = server;
        this.diagnostics = diagnostics;
    }

    public static SnapshotServer start(InetSocketAddress address, Diagnostics diagnostics) throws IOException {
        requireNonNull(address, "address");
        requireNonNull(diagnostics, "diagnostics");
        DiagHttp.preferTcpNoDelay();
        HttpServer server = HttpServer.create(address, 16);
        SnapshotServer snapshots = new SnapshotServer(server, diagnostics);
        server.createContext("/", DiagHttp.guarded(snapshots::handle));
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "legate-snapshot-server");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return snapshots;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        boolean local = Exchanges.local(exchange);
        Optional<ServedConfiguration> served = diagnostics.gateway().served();
        if (!local && !served.map(s -> s.result().ir().settings().diagnosticsAllowNonLocal()).orElse(false)) {
            Exchanges.send(exchange, 403, Exchanges.TEXT, "Forbidden\n");
            return;
        }
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/")) {
            Exchanges.send(exchange, 200, Exchanges.TEXT, """
                    Legate snapshot server
                    /snapshot     the input as accepted (v3alpha1 YAML, Secret data redacted)
                    /ir           the intermediate representation (JSON)
                    /envoy        the Envoy configuration, as a static bootstrap (JSON, keys redacted)
                    /diagnostics  every problem found, by source (JSON)
                    """);
            return;
        }
        if (!List.of("/snapshot", "/ir", "/envoy", "/diagnostics").contains(path)) {
            Exchanges.send(exchange, 404, Exchanges.TEXT, "Not found\n");
            return;
        }
        if (served.isEmpty()) {
            Exchanges.send(exchange, 503, Exchanges.TEXT, "No configuration has been served yet\n");
            return;
        }
        ServedConfiguration s = served.get();
        exchange.getResponseHeaders().set("X-Legate-Version", s.version());
        switch (path) {
            case "/snapshot" -> Exchanges.send(exchange, 200, "application/yaml; charset=utf-8",
                    Reports.snapshotYaml(s.result().resources()));
            case "/ir" -> Exchanges.send(exchange, 200, Exchanges.JSON, Reports.irJson(s.result().ir()));
            case "/diagnostics" -> Exchanges.send(exchange, 200, Exchanges.JSON,
                    Reports.diagnosticsJson(s.result().diagnostics()));
            default -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
                EnvoyJson.writeBootstrap(redacted(s.result().envoy()), out);
                Exchanges.send(exchange, 200, Exchanges.JSON, out.toByteArray());
            }
        }
    }

    /** The configuration with every {@link DataSource} in its Secrets (certificates, keys, CAs) redacted. */
    static EnvoyConfig redacted(EnvoyConfig config) {
        List<Secret> secrets = config.secrets().stream().map(secret -> (Secret) redact(secret)).toList();
        return new EnvoyConfig(config.listeners(), config.routeConfigurations(), config.clusters(), secrets);
    }

    private static Message redact(Message message) {
        if (message instanceof DataSource) {
            return REDACTED;
        }
        Message.Builder builder = message.toBuilder();
        for (var entry : message.getAllFields().entrySet()) {
            Descriptors.FieldDescriptor field = entry.getKey();
            if (field.getJavaType() == Descriptors.FieldDescriptor.JavaType.BYTE_STRING) {
                // Raw bytes outside a DataSource (session ticket keys, say) could be secret too; strings (names,
                // SNI, cipher lists) are not.
                builder.clearField(field);
                continue;
            }
            if (field.getJavaType() != Descriptors.FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            if (field.isRepeated()) {
                builder.clearField(field);
                for (Object item : (List<?>) entry.getValue()) {
                    builder.addRepeatedField(field, redact((Message) item));
                }
            } else {
                builder.setField(field, redact((Message) entry.getValue()));
            }
        }
        return builder.build();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
