package dev.legate.bench;

import com.sun.net.httpserver.HttpServer;
import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.CompileResult;
import dev.legate.compiler.Compiler;
import dev.legate.diag.DiagHttp;
import dev.legate.diag.DiagOptions;
import dev.legate.diag.Diagnostics;
import dev.legate.diag.GatewayState;
import dev.legate.diag.Reconfiguration;
import dev.legate.diag.ServedConfiguration;
import dev.legate.xds.ClientStatus;
import dev.legate.xds.XdsStats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The diagnostics pages of a generated configuration ({@link ConfigGenerator}; at 10,000 Mappings about 100,000
 * routes), each one a whole HTTP request to the diagnostics handlers on a JDK HTTP server over loopback, the way
 * {@code legate serve} serves them, body read in full:
 *
 * <ul>
 *   <li>{@code overviewHtml} / {@code overviewJson}: {@code /ambassador/v0/diag/} (first pages of the tables), as HTML
 *       and with {@code ?json=true};
 *   <li>{@code overviewSearch}: the overview with a route search for one cluster (every route is searched);
 *   <li>{@code overviewAfterReconfiguration}: the first overview after a new configuration, which builds the tables
 *       again (in {@code legate serve} that happens in the background right after each reconfiguration);
 *   <li>{@code resourcePage}: one Mapping's page.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--sun-misc-unsafe-memory-access=allow"})
public class DiagBenchmark {

    @Param({"10000"})
    public int mappings;

    private final AtomicLong configurationNumber = new AtomicLong(1);
    private volatile boolean newConfigurationEachTime;
    private CompileResult result;
    private Diagnostics diagnostics;
    private HttpServer server;
    private HttpClient client;
    private String base;
    private String mapping;
    private String searchTerm;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        result = new Compiler(CompileOptions.DEFAULTS).compile(ConfigGenerator.snapshot(
                ConfigGenerator.Settings.forMappings(mappings)));
        mapping = result.resources().stream().filter(r -> r.key().kind().equals("Mapping"))
                .skip(mappings / 2).findFirst().orElseThrow().key().toString();
        searchTerm = result.ir().clusters().get(result.ir().clusters().size() / 3).envoyName();
        GatewayState state = new GatewayState() {
            @Override
            public Optional<ServedConfiguration> served() {
                long n = newConfigurationEachTime ? configurationNumber.incrementAndGet() : configurationNumber.get();
                return Optional.of(new ServedConfiguration(n, "bench", Instant.EPOCH, result,
                        new ServedConfiguration.Timings(10, 250, 20)));
            }

            @Override
            public List<ClientStatus> clients() {
                return List.of();
            }

            @Override
            public XdsStats xdsStats() {
                return new XdsStats(0, 0, 0);
            }

            @Override
            public boolean ready() {
                return true;
            }
        };
        diagnostics = new Diagnostics(new DiagOptions("default", Optional.empty(), OptionalInt.empty()), state,
                Clock.systemUTC());
        diagnostics.record(new Reconfiguration(1, Instant.EPOCH, Reconfiguration.Outcome.PUBLISHED, "bench", null,
                new ServedConfiguration.Timings(10, 250, 20), result.resources().size(), result.errorCount()));
        DiagHttp.preferTcpNoDelay();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        new DiagHttp(diagnostics).handlers().forEach(server::createContext);
        server.start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/ambassador/v0/diag/";
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.stop(0);
        diagnostics.close();
    }

    private int get(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode());
        }
        return r.body().length;
    }

    @Benchmark
    public int overviewHtml() throws Exception {
        return get(base);
    }

    @Benchmark
    public int overviewJson() throws Exception {
        return get(base + "?json=true");
    }

    @Benchmark
    public int overviewSearch() throws Exception {
        return get(base + "?q=" + searchTerm);
    }

    @Benchmark
    public int resourcePage() throws Exception {
        return get(base + mapping);
    }

    @Benchmark
    public int overviewAfterReconfiguration() throws Exception {
        newConfigurationEachTime = true;
        try {
            return get(base);
        } finally {
            newConfigurationEachTime = false;
        }
    }
}
