package dev.legate.apiext;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * A ConversionReview of 1,000 objects (the project's conversion fixtures, every kind, renamed to 1,000 distinct
 * objects): answered in-process (parse, convert, write), and as the API server sends it, over HTTPS to the running
 * webhook. Target: at most 200 ms per review.
 *
 * <p>Run (from the repository root, after {@code ./mvnw -pl legate-apiext -am install -DskipTests}):
 * <pre>
 * cd legate-apiext &amp;&amp; ../mvnw -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * $JAVA -cp target/test-classes:target/classes:$(cat target/cp.txt) org.openjdk.jmh.Main ConversionBenchmark -jvm $JAVA
 * </pre>
 * with {@code $JAVA} a JDK 21+ {@code java} (the classes are Java 21 bytecode). Measured on a shared 2-core
 * machine: 6.7-7.0 ms in-process and 13-17 ms over HTTPS for v2 &rarr; v3alpha1; 4.4-4.5 ms and 13-17 ms for
 * v3alpha1 &rarr; v2.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class ConversionBenchmark {

    /** The stored version of the objects; the review asks for the other one. */
    @Param({"getambassador.io/v2", "getambassador.io/v3alpha1"})
    public String stored;

    @Param({"1000"})
    public int objects;

    private ConversionReviews reviews;
    private byte[] review;
    private ApiextServer server;
    private HttpClient client;
    private HttpRequest request;

    /** {@code count} objects from the fixtures in {@code version}, each with its own name. */
    static List<ObjectNode> objects(String version, int count) {
        List<ObjectNode> base = version.endsWith("/v2") ? RoundTripTest.spokeDocuments().stream()
                .filter(d -> d.get("apiVersion").textValue().equals(version)).toList()
                : RoundTripTest.hubDocuments();
        List<ObjectNode> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ObjectNode doc = base.get(i % base.size()).deepCopy();
            ObjectNode metadata = (ObjectNode) doc.get("metadata");
            metadata.put("name", metadata.path("name").asText() + "-" + i);
            metadata.put("uid", "00000000-0000-0000-0000-" + String.format("%012d", i));
            metadata.put("resourceVersion", Integer.toString(100_000 + i));
            metadata.put("generation", 1);
            out.add(doc);
        }
        return out;
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String desired = stored.endsWith("/v2") ? "getambassador.io/v3alpha1" : "getambassador.io/v2";
        reviews = new ConversionReviews(new ObjectConverter(ObjectConverter.AmbassadorIdMarking.UNCHANGED));
        review = TestDocs.bytes(TestDocs.review("bench", desired, objects(stored, objects)));
        // Check once that it converts everything.
        if (TestDocs.converted(reviews.review(review)).size() != objects) {
            throw new IllegalStateException("not every object converted");
        }
        CertificatePolicy policy = new CertificatePolicy(Duration.ofDays(30), Duration.ofDays(10),
                Duration.ofDays(1), List.of("localhost"), List.of(InetAddress.getLoopbackAddress()));
        InMemoryCertificateSource certificates = new InMemoryCertificateSource(policy, Clock.systemUTC(),
                Duration.ofHours(1));
        server = ApiextServer.start(new ServerSettings(InetAddress.getLoopbackAddress(), 0, 0, 2, 32 << 20,
                ObjectConverter.AmbassadorIdMarking.UNCHANGED, 0), certificates, null, List.of());
        client = TlsClients.trusting(certificates.current().trusted());
        request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.httpsAddress().getPort()
                        + WebhookHandler.PATH))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(review)).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.close();
    }

    /** Parse, convert 1,000 objects, write the response. */
    @Benchmark
    public Reply inProcess() {
        return reviews.review(review);
    }

    /** The same review POSTed over HTTPS (kept-alive connection) to the running webhook. */
    @Benchmark
    public int overHttps() throws Exception {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode());
        }
        return response.body().length;
    }
}
