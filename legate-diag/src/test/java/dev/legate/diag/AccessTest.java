package dev.legate.diag;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpPrincipal;
import dev.legate.compiler.CompileResult;
import dev.legate.compiler.ir.IrRouteAction;
import dev.legate.xds.XdsServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may see the diagnostics: requests from this machine (Envoy's included), others only with the Module's
 * {@code diagnostics.allow_non_local}; and the route Envoy gets to them, as Emissary's. The remote address of a request
 * is what decides, so these call the handlers with exchanges from a chosen address (tests bind loopback only).
 */
final class AccessTest {

    private static XdsServer xds;

    @BeforeAll
    static void start() throws Exception {
        xds = XdsServer.start(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        xds.close();
    }

    private static Diagnostics diagnostics(CompileResult result) {
        ServedConfiguration served = DiagFixture.served(result);
        return new Diagnostics(new DiagOptions("default", Optional.empty(), OptionalInt.empty()),
                DiagFixture.state(() -> Optional.of(served), xds), Clock.systemUTC());
    }

    private static Path config(Path dir, String module) throws Exception {
        for (Path f : Files.list(Path.of("../examples/quickstart")).toList()) {
            Files.copy(f, dir.resolve(f.getFileName()));
        }
        if (!module.isEmpty()) {
            Files.writeString(dir.resolve("module.yaml"), "apiVersion: getambassador.io/v3alpha1\nkind: Module\n"
                    + "metadata: {name: ambassador, namespace: default}\nspec:\n  config:\n" + module);
        }
        return dir;
    }

    private static int status(Diagnostics d, String handlerPath, String uri, String remote) throws Exception {
        HttpHandler handler = new DiagHttp(d).handlers().get(handlerPath);
        FakeExchange exchange = new FakeExchange(URI.create(uri), new InetSocketAddress(remote, 40000));
        handler.handle(exchange);
        return exchange.status;
    }

    @Test
    void localOnlyByDefault(@TempDir Path dir) throws Exception {
        try (Diagnostics d = diagnostics(DiagFixture.compile(config(dir, "")))) {
            assertThat(status(d, "/ambassador/v0/diag", "/ambassador/v0/diag/", "127.0.0.1")).isEqualTo(200);
            assertThat(status(d, "/ambassador/v0/diag", "/ambassador/v0/diag/?json=true", "::1")).isEqualTo(200);
            assertThat(status(d, "/ambassador/v0/diag", "/ambassador/v0/diag/", "10.1.2.3")).isEqualTo(403);
            assertThat(status(d, "/ambassador/v0/diag", "/ambassador/v0/diag/Host/example-host.default",
                    "192.168.7.7")).isEqualTo(403);
            // Metrics are for scrapers, as in Emissary.
            assertThat(status(d, "/metrics", "/metrics", "10.1.2.3")).isEqualTo(200);
        }
    }

    @Test
    void allowNonLocalOpensThemToOtherHosts(@TempDir Path dir) throws Exception {
        try (Diagnostics d = diagnostics(DiagFixture.compile(config(dir, "    diagnostics:\n"
                + "      allow_non_local: true\n")))) {
            assertThat(status(d, "/ambassador/v0/diag", "/ambassador/v0/diag/", "10.1.2.3")).isEqualTo(200);
            assertThat(status(d, "/ambassador/v0/diag", "/ambassador/v0/diag/Host/example-host.default",
                    "10.1.2.3")).isEqualTo(200);
        }
    }

    @Test
    void envoyRoutesAmbassadorV0ToTheDiagnosticsPortAsEmissaryDoes(@TempDir Path dir) throws Exception {
        CompileResult result = DiagFixture.compile(config(dir, ""));
        var route = result.ir().groups().stream().filter(g -> g.internal())
                .flatMap(g -> g.routes().stream())
                .filter(r -> r.match().path().equals("/ambassador/v0/")).findFirst().orElseThrow();
        IrRouteAction.Forward forward = (IrRouteAction.Forward) route.action();
        assertThat(forward.prefixRewrite()).isEqualTo("/ambassador/v0/");
        var cluster = result.ir().clusters().stream().filter(c -> c.envoyName().equals(forward.cluster()))
                .findFirst().orElseThrow();
        assertThat(cluster.address() + ":" + cluster.port()).isEqualTo("127.0.0.1:8877");
        try (Diagnostics d = diagnostics(result)) {
            assertThat(d.overview(OverviewQuery.FIRST_PAGES).system().diagnosticsEnabled()).isTrue();
        }
    }

    @Test
    void diagnosticsEnabledFalseTakesTheEnvoyRouteAwayAndKeepsLocalAccess(@TempDir Path dir) throws Exception {
        CompileResult result = DiagFixture.compile(config(dir, "    diagnostics:\n      enabled: false\n"));
        assertThat(result.ir().groups().stream().flatMap(g -> g.routes().stream())
                .map(r -> r.match().path())).doesNotContain("/ambassador/v0/").contains("/ambassador/v0/check_ready");
        try (Diagnostics d = diagnostics(result)) {
            assertThat(d.overview(OverviewQuery.FIRST_PAGES).system().diagnosticsEnabled()).isFalse();
            // As in Emissary: still there for `kubectl port-forward` (loopback), not for other hosts.
            assertThat(status(d, "/ambassador/v0/diag", "/ambassador/v0/diag/", "127.0.0.1")).isEqualTo(200);
            assertThat(status(d, "/ambassador/v0/diag", "/ambassador/v0/diag/", "10.1.2.3")).isEqualTo(403);
        }
    }

    /** An exchange from a chosen remote address, recording the response. */
    private static final class FakeExchange extends HttpExchange {
        private final URI uri;
        private final InetSocketAddress remote;
        private final Headers requestHeaders = new Headers();
        private final Headers responseHeaders = new Headers();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        int status = -1;

        FakeExchange(URI uri, InetSocketAddress remote) {
            this.uri = uri;
            this.remote = remote;
        }

        @Override
        public Headers getRequestHeaders() {
            return requestHeaders;
        }

        @Override
        public Headers getResponseHeaders() {
            return responseHeaders;
        }

        @Override
        public URI getRequestURI() {
            return uri;
        }

        @Override
        public String getRequestMethod() {
            return "GET";
        }

        @Override
        public HttpContext getHttpContext() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }

        @Override
        public InputStream getRequestBody() {
            return new ByteArrayInputStream(new byte[0]);
        }

        @Override
        public OutputStream getResponseBody() {
            return body;
        }

        @Override
        public void sendResponseHeaders(int rCode, long responseLength) {
            status = rCode;
        }

        @Override
        public InetSocketAddress getRemoteAddress() {
            return remote;
        }

        @Override
        public int getResponseCode() {
            return status;
        }

        @Override
        public InetSocketAddress getLocalAddress() {
            return new InetSocketAddress("127.0.0.1", 8877);
        }

        @Override
        public String getProtocol() {
            return "HTTP/1.1";
        }

        @Override
        public Object getAttribute(String name) {
            return null;
        }

        @Override
        public void setAttribute(String name, Object value) {
        }

        @Override
        public void setStreams(InputStream i, OutputStream o) {
        }

        @Override
        public HttpPrincipal getPrincipal() {
            return null;
        }
    }
}
