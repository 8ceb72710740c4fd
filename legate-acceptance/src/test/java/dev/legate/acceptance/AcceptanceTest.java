package dev.legate.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import dev.legate.backend.EchoBackend;
import dev.legate.backend.auth.GrpcAuthBackend;
import dev.legate.backend.auth.HttpAuthBackend;
import dev.legate.backend.ratelimit.RateLimitBackend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Legate's KAT: generated and hand-written scenarios, all loaded into one configuration that {@code legate serve}
 * (the packaged command, as a child process) publishes, with every query's answer checked.
 *
 * <p>Tier 1 always runs: Armeria's xDS client reads the published API-listener views over ADS and real requests go
 * to real echo backends (see {@link XdsRouter} for what the harness applies that Armeria does not). Tier 2 runs when
 * an Envoy binary is found (ENVOY_BIN, or envoy on the PATH): {@code legate serve} runs that Envoy on its bootstrap
 * and the same queries go through Envoy's real listeners. The summary table is printed and written to
 * {@code target/acceptance-summary.md}.
 */
@Timeout(300)
final class AcceptanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> BACKENDS = List.of("alpha", "beta", "gamma", "delta");
    /** Requests in flight at once. */
    private static final int IN_FLIGHT = 64;

    @Test
    void generatedScenariosRouteAsEmissaryWould(@TempDir Path temp) throws Exception {
        // -Dacceptance.work=DIR keeps the configuration, serve's logs and snapshots for a look afterwards.
        Path work = System.getProperty("acceptance.work", "").isEmpty() ? temp
                : Files.createDirectories(Path.of(System.getProperty("acceptance.work")));
        List<Scenario> generated = new Generator().all();
        List<Scenario> scenarios = new ArrayList<>(generated);
        scenarios.addAll(HandWritten.all());
        List<Scenario> withQueries = scenarios.stream().filter(s -> !s.queries().isEmpty()).toList();
        assertThat(generated.stream().filter(s -> !s.queries().isEmpty()).count()).isGreaterThanOrEqualTo(200);
        assertThat(withQueries.stream().mapToInt(s -> s.queries().size()).sum()).isGreaterThanOrEqualTo(5000);

        List<EchoBackend> backends = new ArrayList<>();
        ClientFactory factory = ClientFactory.builder().idleTimeout(Duration.ofSeconds(30)).build();
        List<Runner.Outcome> outcomes = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try {
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (String name : BACKENDS) {
                EchoBackend b = EchoBackend.start(new EchoBackend.Settings(name, "127.0.0.1", 0, Optional.empty(),
                        new EchoBackend.Certificate.SelfSigned()));
                backends.add(b);
                ports.put(name, b.httpPort());
            }
            Map<ListenerKind, Integer> listenerPorts = new EnumMap<>(ListenerKind.class);
            for (ListenerKind k : ListenerKind.values()) {
                listenerPorts.put(k, freePort());
            }
            Path config = work.resolve("config");
            Map<String, String> owners = ConfigWriter.write(config, listenerPorts, scenarios, ports);

            outcomes.add(tier1(config, work.resolve("tier1"), withQueries, owners, factory));
            outcomes.add(services(work.resolve("services"), ports, factory));
            Optional<Path> envoy = envoyBinary();
            if (envoy.isPresent()) {
                outcomes.add(tier2(envoy.get(), config, work.resolve("tier2"), withQueries, listenerPorts,
                        factory));
            } else {
                notes.add("tier 2 (a real Envoy) skipped: no envoy binary (set ENVOY_BIN or put envoy on the PATH)");
            }
        } finally {
            backends.forEach(EchoBackend::close);
            factory.close();
        }
        notes.add("queries: distinct requests with their expected answers; requests: what was sent (a canary query "
                + "is sent " + Generator.CANARY_REQUESTS + " times)");
        String report = Report.markdown(outcomes, notes);
        System.out.println(report);
        Report.write(Path.of(System.getProperty("acceptance.summary", "target/acceptance-summary.md")), report);
        for (Runner.Outcome o : outcomes) {
            assertThat(o.failures()).as("failed queries in %s (see the report above)", o.tier()).isEmpty();
        }
    }

    private static Runner.Outcome tier1(Path config, Path work, List<Scenario> scenarios, Map<String, String> owners,
            ClientFactory factory) throws Exception {
        Files.createDirectories(work);
        try (ServeProcess serve = ServeProcess.start(config, work, Optional.empty(), freePort())) {
            serve.awaitReady(Duration.ofSeconds(120));
            assertNoCompileErrors(serve, owners);
            Map<ListenerKind, String> views = apiListenerNames(serve.latest("envoy.json"));
            try (XdsRouter router = new XdsRouter(serve.adsPort(), views, factory)) {
                router.awaitSnapshots(Duration.ofSeconds(60));
                Runner.Outcome outcome = Runner.run("1: Armeria xDS client", scenarios, router::send, IN_FLIGHT);
                assertThat(router.errors()).as("xDS errors or NACKs seen by Armeria").isEmpty();
                return outcome;
            }
        }
    }

    /**
     * Tier 1 for the external services: each configuration of {@link ServiceScenarios} (one AuthService each) is
     * served by its own {@code legate serve}, with real auth and rate-limit backends; its scenarios run while the
     * auth backend is up, then those that expect the auth backend to be down after it is stopped. One row for all.
     */
    private static Runner.Outcome services(Path work, Map<String, Integer> echoPorts, ClientFactory factory)
            throws Exception {
        List<Runner.Outcome> parts = new ArrayList<>();
        for (ServiceScenarios.Configuration c : new ServiceScenarios().all()) {
            Path dir = Files.createDirectories(work.resolve(c.name()));
            InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
            Map<String, Integer> ports = new LinkedHashMap<>(echoPorts);
            AutoCloseable auth;
            if (c.authBackend().equals(ServiceScenarios.GRPC_AUTH)) {
                GrpcAuthBackend grpc = GrpcAuthBackend.start(c.authBackend(), loopback);
                ports.put(c.authBackend(), grpc.port());
                auth = grpc;
            } else {
                HttpAuthBackend http = HttpAuthBackend.start(c.authBackend(), loopback);
                ports.put(c.authBackend(), http.port());
                auth = http;
            }
            RateLimitBackend rl = c.rateLimited() ? RateLimitBackend.start(ServiceScenarios.RATELIMIT, loopback)
                    : null;
            try {
                if (rl != null) {
                    ports.put(ServiceScenarios.RATELIMIT, rl.port());
                }
                Map<ListenerKind, Integer> listenerPorts = new EnumMap<>(ListenerKind.class);
                for (ListenerKind k : ListenerKind.values()) {
                    listenerPorts.put(k, freePort());
                }
                List<Scenario> all = new ArrayList<>(c.scenarios());
                all.addAll(c.authDown());
                Map<String, String> owners = ConfigWriter.write(dir.resolve("config"), listenerPorts, all, ports);
                try (ServeProcess serve = ServeProcess.start(dir.resolve("config"), dir, Optional.empty(),
                        freePort())) {
                    serve.awaitReady(Duration.ofSeconds(120));
                    assertNoCompileErrors(serve, owners);
                    Map<ListenerKind, String> views = apiListenerNames(serve.latest("envoy.json"));
                    try (XdsRouter router = new XdsRouter(serve.adsPort(), views, factory)) {
                        router.awaitSnapshots(Duration.ofSeconds(60));
                        parts.add(Runner.run(c.name(), withQueries(c.scenarios()), router::send, IN_FLIGHT));
                        auth.close();
                        parts.add(Runner.run(c.name() + ", auth down", withQueries(c.authDown()), router::send,
                                IN_FLIGHT));
                        assertThat(router.errors()).as("xDS errors or NACKs seen by Armeria").isEmpty();
                    }
                }
            } finally {
                auth.close();
                if (rl != null) {
                    rl.close();
                }
            }
        }
        List<Runner.Failure> failures = new ArrayList<>();
        parts.forEach(p -> failures.addAll(p.failures()));
        return new Runner.Outcome("1: Armeria xDS client, AuthService + RateLimitService",
                parts.stream().mapToInt(Runner.Outcome::scenarios).sum(),
                parts.stream().mapToInt(Runner.Outcome::queries).sum(),
                parts.stream().mapToInt(Runner.Outcome::requests).sum(),
                parts.stream().mapToInt(Runner.Outcome::passed).sum(), failures,
                parts.stream().mapToLong(Runner.Outcome::millis).sum());
    }

    private static List<Scenario> withQueries(List<Scenario> scenarios) {
        return scenarios.stream().filter(s -> !s.queries().isEmpty()).toList();
    }

    /** Tier 2: Envoy, run by legate serve on its bootstrap, takes the same queries on its real listeners. */
    private static Runner.Outcome tier2(Path envoy, Path config, Path work, List<Scenario> scenarios,
            Map<ListenerKind, Integer> listenerPorts, ClientFactory factory) throws Exception {
        Files.createDirectories(work);
        try (ServeProcess serve = ServeProcess.start(config, work, Optional.of(envoy), freePort())) {
            serve.awaitReady(Duration.ofSeconds(120));
            Map<ListenerKind, WebClient> clients = new EnumMap<>(ListenerKind.class);
            listenerPorts.forEach((k, port) -> clients.put(k, WebClient.builder("http://127.0.0.1:" + port)
                    .factory(factory).responseTimeout(Duration.ofSeconds(20)).build()));
            return Runner.run("2: Envoy", scenarios, (q, random) -> {
                RequestHeadersBuilder hb = RequestHeaders.builder(HttpMethod.valueOf(q.method()), q.path())
                        .authority(q.authority());
                q.headers().forEach(hb::add);
                CompletableFuture<Answer> answer = clients.get(q.listener()).execute(hb.build()).aggregate()
                        .handle((res, err) -> {
                            if (err != null) {
                                return Answer.failed(err.toString());
                            }
                            Map<String, List<String>> headers = new TreeMap<>();
                            res.headers().forEach((k, v) -> headers.computeIfAbsent(k.toString(),
                                    x -> new ArrayList<>()).add(v));
                            return XdsRouter.echoAnswer(res, headers);
                        });
                return answer;
            }, IN_FLIGHT);
        }
    }

    /** Every resource the scenarios wrote compiled without an error (else the routes were never there). */
    private static void assertNoCompileErrors(ServeProcess serve, Map<String, String> owners)
            throws IOException, InterruptedException {
        JsonNode diagnostics = JSON.readTree(serve.latest("diagnostics.json").toFile());
        List<String> errors = new ArrayList<>();
        diagnostics.properties().forEach(e -> e.getValue().forEach(d -> {
            if ("error".equals(d.path("severity").asText())) {
                errors.add(e.getKey() + " (scenario " + owners.getOrDefault(e.getKey(), "-") + "): "
                        + d.path("message").asText());
            }
        }));
        assertThat(errors).as("compile errors").isEmpty();
    }

    /** The API-listener view of each Listener's cleartext HTTP connection manager: api-<route configuration>. */
    static Map<ListenerKind, String> apiListenerNames(Path envoyJson) throws IOException {
        JsonNode root = JSON.readTree(envoyJson.toFile());
        Map<ListenerKind, String> names = new EnumMap<>(ListenerKind.class);
        for (JsonNode listener : root.path("static_resources").path("listeners")) {
            for (ListenerKind kind : ListenerKind.values()) {
                if (!listener.path("name").asText().equals(kind.resourceName())) {
                    continue;
                }
                for (JsonNode chain : listener.path("filter_chains")) {
                    if (chain.has("transport_socket")) {
                        continue;
                    }
                    JsonNode hcm = chain.path("filters").path(0).path("typed_config");
                    String routes = hcm.has("rds") ? hcm.path("rds").path("route_config_name").asText()
                            : hcm.path("route_config").path("name").asText();
                    names.put(kind, "api-" + routes);
                }
            }
        }
        assertThat(names).as("HTTP listeners in %s", envoyJson).containsOnlyKeys(ListenerKind.values());
        return names;
    }

    private static Optional<Path> envoyBinary() {
        String configured = System.getenv("ENVOY_BIN");
        if (configured != null && !configured.isBlank() && Files.isExecutable(Path.of(configured))) {
            return Optional.of(Path.of(configured));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "envoy");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
