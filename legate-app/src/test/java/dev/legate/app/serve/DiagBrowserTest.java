package dev.legate.app.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.legate.compiler.CompileOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The diagnostics UI in a real browser: headless Chromium loads the pages of a running {@code legate serve} (the
 * Gateway in-process, on ephemeral loopback ports), the test checks what the page shows after its scripts ran, and
 * screenshots go to {@code target/browser-screenshots/}. Skipped, saying so, when Chromium is not installed.
 */
final class DiagBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target/browser-screenshots");
    private static Path chromium;

    @BeforeAll
    static void findChromium() throws IOException {
        String configured = System.getenv("CHROMIUM_BIN");
        List<Path> candidates = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        }
        candidates.addAll(List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"),
                Path.of("/usr/bin/google-chrome")));
        chromium = candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(chromium != null, "Chromium is not installed (looked for $CHROMIUM_BIN, /usr/bin/chromium, "
                + "/usr/bin/chromium-browser, /usr/bin/google-chrome): skipping the browser tests. On Debian: "
                + "apt-get install chromium");
        Files.createDirectories(SCREENSHOTS);
    }

    private static Gateway.Settings settings(Path config, Path state) {
        return new Gateway.Settings(config, CompileOptions.DEFAULTS, new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0), state, 3, Duration.ofMillis(50), Duration.ofMillis(500),
                Optional.empty(), Duration.ofSeconds(1), 18001, "browser-test");
    }

    private static Gateway start(Path source, Path dir) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        for (Path f : Files.list(source).toList()) {
            Files.copy(f, config.resolve(f.getFileName()));
        }
        Gateway gateway = Gateway.start(settings(config, dir.resolve("state")),
                new Gateway.DiagSettings(Optional.of(new InetSocketAddress("127.0.0.1", 0))));
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + gateway.probePort() + "/ambassador/v0/check_ready")).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() == 200 && !gateway.diagnostics().history().isEmpty()) {
                return gateway;
            }
            Thread.sleep(20);
        }
        gateway.close();
        throw new AssertionError("legate serve was not ready within 30 s");
    }

    /** Runs headless Chromium on {@code url}; returns its standard output (the DOM, with --dump-dom). */
    private static String chromium(Path profile, String url, String... mode) throws Exception {
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + Files.createTempDirectory(profile,
                        "chromium-")));
        command.addAll(List.of(mode));
        command.add(url);
        Path out = Files.createTempFile(profile, "stdout", ".html");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Chromium did not finish within 120 s: " + command);
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static String dom(Path profile, String url) throws Exception {
        String dom = chromium(profile, url, "--dump-dom");
        assertThat(dom).as("the DOM of " + url).contains("</html>");
        return dom;
    }

    private static void screenshot(Path profile, String url, String name, int height) throws Exception {
        Path file = SCREENSHOTS.resolve(name).toAbsolutePath();
        Files.deleteIfExists(file);
        chromium(profile, url, "--window-size=1280," + height, "--screenshot=" + file);
        assertThat(file).as("screenshot " + file).exists();
        assertThat(Files.size(file)).isGreaterThan(10_000);
    }

    /** The table row of {@code key} in the sources table. */
    private static String sourceRow(String dom, String key) {
        Matcher m = Pattern.compile("<tr data-source=\"" + Pattern.quote(key) + "\">(.*?)</tr>", Pattern.DOTALL)
                .matcher(dom);
        assertThat(m.find()).as("a row for " + key).isTrue();
        return m.group(1);
    }

    @Test
    void overviewAndResourcePageShowErrorsOnTheirResourceAndTheRoutes(@TempDir Path dir) throws Exception {
        try (Gateway gateway = start(Path.of("../legate-diag/src/test/resources/diag-fixture"), dir)) {
            String base = "http://127.0.0.1:" + gateway.probePort() + "/ambassador/v0/diag/";

            String overview = dom(dir, base);
            String broken = sourceRow(overview, "Mapping/broken-regex.default");
            assertThat(broken).contains(">error<").contains("invalid regular expression (RE2 syntax)");
            assertThat(sourceRow(overview, "file:broken.yaml")).contains(">error<").contains("malformed YAML");
            String cart = sourceRow(overview, "Mapping/cart.default");
            assertThat(cart).contains(">ok<").doesNotContain("error");
            // The routes: the canary group with both clusters and their weights, linked to its Mappings.
            assertThat(overview).contains("/cart/*").contains("cluster_cart_v2_8080_default</code> 25%")
                    .contains("cluster_cart_8080_default</code> 75%")
                    .contains("href=\"/ambassador/v0/diag/Mapping/cart-canary.default\"")
                    .contains("/catalog/*").contains("shop.example.com");
            assertThat(overview).contains("ready").contains("2 errors");
            screenshot(dir, base, "overview.png", 2400);

            // The server-side search, as a person would use it from the search box.
            String search = dom(dir, base + "?q=catalog");
            assertThat(search).contains("/catalog/*").doesNotContain("/cart/*");

            String page = dom(dir, base + "Mapping/broken-regex.default");
            assertThat(page).contains("<h2>Mapping/broken-regex.default")
                    .contains("missing closing ) in '/orders/(unclosed'").contains("Routes it made (0)");
            screenshot(dir, base + "Mapping/broken-regex.default", "resource-broken-regex.png", 900);

            String cartPage = dom(dir, base + "Mapping/cart.default");
            assertThat(cartPage).contains("prefix: /cart/").contains("cluster_cart_8080_default");
            screenshot(dir, base + "Mapping/cart.default", "resource-cart.png", 1400);
        }
    }

    @Test
    void quickstartOverview(@TempDir Path dir) throws Exception {
        try (Gateway gateway = start(Path.of("../examples/quickstart"), dir)) {
            String base = "http://127.0.0.1:" + gateway.probePort() + "/ambassador/v0/diag/";
            String overview = dom(dir, base);
            assertThat(overview).contains("Mapping/quote-backend.default").contains("/backend/*")
                    .contains("cluster_quote_default").contains("0 errors");
            // The overview of the README's example (docs/diag-overview.png is a copy of this one).
            screenshot(dir, base, "quickstart-overview.png", 1600);
        }
    }
}
