package dev.legate.diag;

import com.sun.net.httpserver.HttpServer;
import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.CompileResult;
import dev.legate.compiler.Compiler;
import dev.legate.compiler.config.ConfigDirectory;
import dev.legate.xds.ClientStatus;
import dev.legate.xds.XdsServer;
import dev.legate.xds.XdsStats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Compiles a test configuration and serves its diagnostics on ephemeral loopback ports. */
final class DiagFixture {

    static final Path DIR = Path.of("src/test/resources/diag-fixture");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private DiagFixture() {
    }

    static CompileResult compile(Path dir) throws IOException {
        return new Compiler(CompileOptions.DEFAULTS).compile(ConfigDirectory.read(dir));
    }

    static ServedConfiguration served(CompileResult result) {
        return new ServedConfiguration(1, "v1-test", Instant.parse("2026-01-01T00:00:00Z"), result,
                new ServedConfiguration.Timings(3, 40, 5));
    }

    /** A gateway state over a real ADS server. */
    static GatewayState state(Supplier<Optional<ServedConfiguration>> served, XdsServer xds) {
        return new GatewayState() {
            @Override
            public Optional<ServedConfiguration> served() {
                return served.get();
            }

            @Override
            public List<ClientStatus> clients() {
                return xds.clients();
            }

            @Override
            public XdsStats xdsStats() {
                return xds.stats();
            }

            @Override
            public boolean ready() {
                return served.get().isPresent();
            }
        };
    }

    /** The diagnostics port as legate serve sets it up: the handlers on a JDK HTTP server. */
    static HttpServer serve(Diagnostics diagnostics, InetSocketAddress address) throws IOException {
        DiagHttp.preferTcpNoDelay();
        HttpServer server = HttpServer.create(address, 16);
        new DiagHttp(diagnostics).handlers().forEach(server::createContext);
        server.start();
        return server;
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
