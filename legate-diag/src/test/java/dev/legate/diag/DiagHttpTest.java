package dev.legate.diag;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.legate.compiler.CompileResult;
import dev.legate.xds.AdsTestClient;
import dev.legate.xds.XdsResources;
import dev.legate.xds.XdsServer;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The diagnostics endpoints over HTTP, on a compiled configuration with a TLS Secret, errors, a canary and a file
 * that does not parse; a real ADS server with a raw ADS client that rejects clusters; and a stand-in for the
 * supervised Envoy's admin interface (there is no Envoy binary here), to check what Legate asks of it.
 */
final class DiagHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static CompileResult result;
    private static XdsServer xds;
    private static AdsTestClient client;
    private static Diagnostics diagnostics;
    private static HttpServer server;
    private static SnapshotServer snapshots;
    private static HttpServer envoyAdmin;
    private static final List<String> envoyAdminRequests = new CopyOnWriteArrayList<>();
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        result = DiagFixture.compile(DiagFixture.DIR);
        xds = XdsServer.start(new InetSocketAddress("127.0.0.1", 0));
        xds.publish(new XdsResources(result.envoy().listeners(), result.envoy().routeConfigurations(),
                result.envoy().clusters(), List.of(), result.envoy().secrets()));
        client = new AdsTestClient(xds.port(), "envoy-under-test").nackWhen(DiagHttpTest::rejectClusters).start();

        envoyAdmin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        envoyAdmin.createContext("/", exchange -> {
            envoyAdminRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            byte[] body = exchange.getRequestURI().getPath().equals("/stats/prometheus")
                    ? "# TYPE envoy_cluster_upstream_rq_total counter\nenvoy_cluster_upstream_rq_total 7\n"
                            .getBytes(StandardCharsets.UTF_8)
                    : "active loggers: ...\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        envoyAdmin.start();

        ServedConfiguration served = DiagFixture.served(result);
        diagnostics = new Diagnostics(new DiagOptions("default", Optional.empty(),
                OptionalInt.of(envoyAdmin.getAddress().getPort())),
                DiagFixture.state(() -> Optional.of(served), xds), Clock.systemUTC());
        diagnostics.record(new Reconfiguration(1, Instant.parse("2026-01-01T00:00:00Z"),
                Reconfiguration.Outcome.PUBLISHED, "v1-test", null, served.timings(), result.resources().size(),
                result.errorCount()));
        diagnostics.record(new Reconfiguration(2, Instant.parse("2026-01-01T00:01:00Z"),
                Reconfiguration.Outcome.FAILED, "v1-test", "cannot read /config: permission denied",
                ServedConfiguration.Timings.NONE, 0, 0));
        server = DiagFixture.serve(diagnostics, new InetSocketAddress("127.0.0.1", 0));
        snapshots = SnapshotServer.start(new InetSocketAddress("127.0.0.1", 0), diagnostics);
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static Optional<String> rejectClusters(DiscoveryResponse response) {
        return response.getTypeUrl().endsWith("Cluster") ? Optional.of("test: cluster rejected") : Optional.empty();
    }

    @AfterAll
    static void stop() {
        client.close();
        snapshots.close();
        server.stop(0);
        envoyAdmin.stop(0);
        diagnostics.close();
        xds.close();
    }

    private static JsonNode json(String path) throws Exception {
        HttpResponse<String> r = DiagFixture.get(base + path);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        return JSON.readTree(r.body());
    }

    private static JsonNode source(JsonNode overview, String key) {
        for (JsonNode s : overview.path("sources").path("items")) {
            if (s.path("key").asText().equals(key)) {
                return s;
            }
        }
        throw new AssertionError("no source " + key + " in " + overview.path("sources"));
    }

    @Test
    void overviewJsonHasEverySourceWithItsStateRoutesAndHistory() throws Exception {
        JsonNode o = json("/ambassador/v0/diag/?json=true&per_page=1000");
        assertThat(o.path("system").path("state").asText()).isEqualTo("ready");
        assertThat(o.path("system").path("configVersion").asText()).isEqualTo("v1-test");
        JsonNode broken = source(o, "Mapping/broken-regex.default");
        assertThat(broken.path("state").asText()).isEqualTo("ERROR");
        assertThat(broken.path("problems").get(0).path("message").asText()).contains("invalid regular expression");
        JsonNode file = source(o, "file:broken.yaml");
        assertThat(file.path("admission").asText()).isEqualTo("REJECTED");
        assertThat(source(o, "Mapping/cart.default").path("state").asText()).isEqualTo("OK");
        // Worst first.
        assertThat(o.path("sources").path("items").get(0).path("state").asText()).isEqualTo("ERROR");
        assertThat(o.path("diagnosticsBySeverity").path("error").asInt()).isEqualTo(2);
        assertThat(o.path("resourcesByKind").path("Mapping").asInt()).isEqualTo(3);

        // The canary group is one row per variant: 75% to cart, 25% to cart-v2, made by both Mappings.
        List<JsonNode> cart = new ArrayList<>();
        o.path("routes").path("items").forEach(r -> {
            if (r.path("path").asText().equals("/cart/") && r.path("redirect").isNull()) {
                cart.add(r);
            }
        });
        assertThat(cart).isNotEmpty();
        JsonNode row = cart.get(0);
        assertThat(row.path("domain").asText()).isEqualTo("shop.example.com");
        assertThat(row.path("headers").toString()).contains("x-shop-tenant: blue");
        assertThat(row.path("targets").toString()).contains("\"cluster\":\"cluster_cart_v2_8080_default\",\"weight\":25")
                .contains("\"cluster\":\"cluster_cart_8080_default\",\"weight\":75");
        assertThat(row.path("sources").toString()).contains("Mapping/cart.default", "Mapping/cart-canary.default");
        // An insecure request to the TLS Host is redirected to HTTPS.
        assertThat(o.path("routes").path("items").toString()).contains("insecure request redirected to HTTPS");

        assertThat(o.path("hosts").toString()).contains("\"tlsSecret\":\"shop-cert.default\"");
        assertThat(o.path("tlsContexts").size()).isGreaterThanOrEqualTo(1);
        assertThat(o.path("listeners").size()).isEqualTo(2);
        assertThat(o.path("lastFailure").path("number").asInt()).isEqualTo(2);
        assertThat(o.path("reconfigurations").size()).isEqualTo(2);
        assertThat(o.path("reconfigurations").get(0).path("outcome").asText()).isEqualTo("FAILED");
    }

    @Test
    void routeSearchAndPagesFilterOnTheServer() throws Exception {
        JsonNode all = json("/ambassador/v0/diag/?json=true&per_page=1000");
        int total = all.path("routes").path("total").asInt();
        JsonNode catalog = json("/ambassador/v0/diag/?json=true&q=catalog+GET");
        assertThat(catalog.path("routes").path("total").asInt()).isPositive().isLessThan(total);
        catalog.path("routes").path("items").forEach(r -> assertThat(r.path("path").asText()).isEqualTo("/catalog/"));
        assertThat(catalog.path("routes").path("items").get(0).path("method").asText()).isEqualTo("GET");

        JsonNode second = json("/ambassador/v0/diag/?json=true&per_page=2&page=2");
        assertThat(second.path("routes").path("page").asInt()).isEqualTo(2);
        assertThat(second.path("routes").path("items").size()).isEqualTo(2);
        assertThat(second.path("routes").path("pages").asInt()).isEqualTo((total + 1) / 2);
        assertThat(second.path("routes").path("items").get(0))
                .isEqualTo(all.path("routes").path("items").get(2));
        // Past the end: the last page.
        assertThat(json("/ambassador/v0/diag/?json=true&per_page=2&page=9999").path("routes").path("page").asInt())
                .isEqualTo((total + 1) / 2);
        assertThat(json("/ambassador/v0/diag/?json=true&sq=broken").path("sources").path("total").asInt())
                .isEqualTo(2);
    }

    @Test
    void resourcePagesShowTheirProblemsAndWhatTheyMade() throws Exception {
        JsonNode broken = json("/ambassador/v0/diag/Mapping/broken-regex.default?json=true");
        assertThat(broken.path("source").path("state").asText()).isEqualTo("ERROR");
        assertThat(broken.path("source").path("problems").toString()).contains("missing closing )");
        assertThat(broken.path("routeCount").asInt()).isZero();

        JsonNode cart = json("/ambassador/v0/diag/Mapping/cart.default?json=true");
        assertThat(cart.path("routeCount").asInt()).isPositive();
        assertThat(cart.path("yaml").asText()).contains("prefix: /cart/");
        assertThat(cart.path("clusters").toString()).contains("cluster_cart_8080_default");

        HttpResponse<String> html = DiagFixture.get(base + "/ambassador/v0/diag/Mapping/broken-regex.default");
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.body()).contains("Mapping/broken-regex.default").contains("missing closing ) in");

        HttpResponse<String> file = DiagFixture.get(base + "/ambassador/v0/diag/file:broken.yaml");
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).contains("malformed YAML");

        assertThat(DiagFixture.get(base + "/ambassador/v0/diag/Mapping/nope.default").statusCode()).isEqualTo(404);
        assertThat(DiagFixture.get(base + "/ambassador/v0/diag/Mapping/nope.default?json=true").statusCode())
                .isEqualTo(404);
        assertThat(DiagFixture.get(base + "/ambassador/v0/diagnostics").statusCode()).isEqualTo(404);
    }

    @Test
    void textFromResourcesIsEscaped() throws Exception {
        String overview = DiagFixture.get(base + "/ambassador/v0/diag/?q=catalog").body();
        assertThat(overview).contains("x-probe: &lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain("<script>alert(1)");
        String page = DiagFixture.get(base + "/ambassador/v0/diag/Mapping/catalog.default").body();
        assertThat(page).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");
    }

    @Test
    void connectedEnvoysShowWhatTheyAcceptedAndRejected() throws Exception {
        JsonNode cluster = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (cluster == null && System.nanoTime() < deadline) {
            for (JsonNode e : json("/ambassador/v0/diag/?json=true").path("envoys")) {
                for (JsonNode t : e.path("types")) {
                    if (t.path("type").asText().equals("CLUSTER") && t.path("state").asText().equals("NACKED")) {
                        cluster = t;
                    }
                }
            }
            Thread.sleep(20);
        }
        assertThat(cluster).as("a NACKED cluster type within 20 s").isNotNull();
        assertThat(cluster.path("lastNack").path("message").asText()).isEqualTo("test: cluster rejected");
        JsonNode envoy = json("/ambassador/v0/diag/?json=true").path("envoys").get(0);
        assertThat(envoy.path("nodeId").asText()).isEqualTo("envoy-under-test");
        assertThat(envoy.path("types").toString()).contains("\"type\":\"LISTENER\",\"state\":\"ACKED\"");
        assertThat(DiagFixture.get(base + "/ambassador/v0/diag/").body()).contains("envoy-under-test")
                .contains("test: cluster rejected");
    }

    @Test
    void metricsInPrometheusFormatWithEnvoysStatsFirst() throws Exception {
        // The NACK has arrived once the ACK/NACK view shows it.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (xds.stats().nacksReceived() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        HttpResponse<String> r = DiagFixture.get(base + "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        String m = r.body();
        assertThat(m).startsWith("# TYPE envoy_cluster_upstream_rq_total counter\nenvoy_cluster_upstream_rq_total 7\n");
        assertThat(m).contains("legate_reconfigurations_total{outcome=\"published\"} 1.0")
                .contains("legate_reconfigurations_total{outcome=\"failed\"} 1.0")
                .contains("legate_reconfiguration_failures_total 1.0")
                .contains("legate_reconfiguration_duration_seconds_bucket{le=\"0.05\"} 1")
                .contains("legate_reconfiguration_duration_seconds_count 1")
                .contains("legate_compile_duration_seconds_count 1")
                .contains("legate_resources{kind=\"Mapping\"} 3.0")
                .contains("legate_diagnostics{severity=\"error\"} 2.0")
                .contains("legate_xds_connections 1.0")
                .contains("legate_xds_nacks_total")
                .contains("legate_xds_pushes_total")
                .contains("legate_ready 1.0");
        assertThat(m).doesNotContain("legate_xds_nacks_total 0.0");
        assertThat(envoyAdminRequests).contains("GET /stats/prometheus");
    }

    @Test
    void logLevelGoesToTheSupervisedEnvoyAsInEmissary() throws Exception {
        String page = DiagFixture.get(base + "/ambassador/v0/diag/?loglevel=debug").body();
        assertThat(envoyAdminRequests).contains("POST /logging?level=debug");
        assertThat(page).contains("Envoy&#39;s log level is now debug.");
        assertThat(json("/ambassador/v0/diag/?json=true").path("system").path("envoyLogLevel").asText())
                .isEqualTo("debug");
        int before = envoyAdminRequests.size();
        String bad = DiagFixture.get(base + "/ambassador/v0/diag/?loglevel=loud").body();
        assertThat(bad).contains("unknown log level");
        assertThat(envoyAdminRequests.stream().skip(before)).noneMatch(req -> req.startsWith("POST"));
    }

    @Test
    void snapshotServerServesInputIrAndEnvoyConfiguration() throws Exception {
        String at = "http://127.0.0.1:" + snapshots.port();
        HttpResponse<String> snapshot = DiagFixture.get(at + "/snapshot");
        assertThat(snapshot.statusCode()).isEqualTo(200);
        assertThat(snapshot.body()).contains("kind: Mapping").contains("name: cart").contains("tls.key: \"<redacted>\"");
        JsonNode ir = JSON.readTree(DiagFixture.get(at + "/ir").body());
        assertThat(ir.path("clusters").size()).isEqualTo(result.ir().clusters().size());
        JsonNode envoy = JSON.readTree(DiagFixture.get(at + "/envoy").body());
        assertThat(envoy.path("static_resources").path("listeners").size()).isEqualTo(3);
        assertThat(envoy.path("static_resources").path("secrets").toString()).contains("<redacted>");
        assertThat(DiagFixture.get(at + "/diagnostics").body()).contains("Mapping/broken-regex.default");
        assertThat(DiagFixture.get(at + "/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    void secretMaterialNeverAppearsInAnyResponse() throws Exception {
        String pem = new String(Base64.getDecoder().decode(secretData("tls.key")), StandardCharsets.UTF_8);
        String certPem = new String(Base64.getDecoder().decode(secretData("tls.crt")), StandardCharsets.UTF_8);
        List<String> needles = new ArrayList<>(List.of(secretData("tls.key"), secretData("tls.crt"),
                "PRIVATE KEY", "BEGIN CERTIFICATE"));
        // Every line of the key's and the certificate's base64 body, as text and as JSON would escape it.
        pem.lines().filter(l -> !l.startsWith("-----")).forEach(needles::add);
        certPem.lines().filter(l -> !l.startsWith("-----")).forEach(needles::add);

        List<String> urls = new ArrayList<>(List.of(base + "/ambassador/v0/diag/",
                base + "/ambassador/v0/diag/?json=true&per_page=1000", base + "/metrics"));
        for (JsonNode s : json("/ambassador/v0/diag/?json=true&per_page=1000").path("sources").path("items")) {
            String href = Html.sourceHref(s.path("key").asText());
            urls.add(base + href);
            urls.add(base + href + "?json=true");
        }
        String at = "http://127.0.0.1:" + snapshots.port();
        urls.addAll(List.of(at + "/", at + "/snapshot", at + "/ir", at + "/envoy", at + "/diagnostics"));
        assertThat(urls).contains(base + "/ambassador/v0/diag/Secret/shop-cert.default");
        for (String url : urls) {
            HttpResponse<String> r = DiagFixture.get(url);
            assertThat(r.statusCode()).as(url).isEqualTo(200);
            for (String needle : needles) {
                assertThat(r.body()).as(url).doesNotContain(needle);
            }
        }
        // The key is in the compiled configuration that the pages are made from: the check above can fail.
        assertThat(result.envoy().secrets().toString()).contains(pem.lines().skip(1).findFirst().orElseThrow());
    }

    /** The base64 value of {@code field} in the fixture's TLS Secret. */
    private static String secretData(String field) throws IOException {
        return java.nio.file.Files.readAllLines(DiagFixture.DIR.resolve("shop.yaml")).stream()
                .filter(l -> l.trim().startsWith(field + ":")).findFirst().orElseThrow()
                .trim().substring(field.length() + 1).trim();
    }
}
