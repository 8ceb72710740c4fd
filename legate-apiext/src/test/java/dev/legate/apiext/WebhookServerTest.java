package dev.legate.apiext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ConversionReviews over real TLS (the JDK's HTTP client verifying the chain and the name), and the probes. */
final class WebhookServerTest {

    private static final CertificatePolicy POLICY = new CertificatePolicy(Duration.ofDays(30), Duration.ofDays(10),
            Duration.ofDays(1), List.of("legate-apiext.test.svc", "localhost"),
            List.of(InetAddress.getLoopbackAddress()));

    private MutableClock clock;
    private InMemoryCertificateSource certificates;
    private ApiextServer server;
    private HttpClient client;
    private URI webhook;

    @BeforeEach
    void start() throws Exception {
        clock = new MutableClock(Instant.now());
        certificates = new InMemoryCertificateSource(POLICY, clock, Duration.ofHours(1));
        server = ApiextServer.start(new ServerSettings(InetAddress.getLoopbackAddress(), 0, 0, 2, 64 * 1024,
                ObjectConverter.AmbassadorIdMarking.UNCHANGED, 0), certificates, null, List.of());
        client = TlsClients.trusting(certificates.current().trusted());
        webhook = URI.create("https://127.0.0.1:" + server.httpsAddress().getPort() + WebhookHandler.PATH);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static final ObjectNode MAPPING = TestDocs.yaml("""
            apiVersion: getambassador.io/v2
            kind: Mapping
            metadata: {name: quote, namespace: shop}
            spec: {prefix: /quote/, service: quote.shop, host_regex: true, host: "^quote[.]"}
            """);

    @Test
    void convertsOverTlsWithACertificateChainedToTheCa() throws Exception {
        byte[] review = TestDocs.bytes(TestDocs.review("tls-1", "getambassador.io/v3alpha1", List.of(MAPPING)));
        HttpResponse<String> response = TlsClients.post(client, webhook, "application/json", review);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        ObjectNode body = TestDocs.json(response.body().getBytes(StandardCharsets.UTF_8));
        assertThat(body.path("response").path("uid").asText()).isEqualTo("tls-1");
        ObjectNode converted = (ObjectNode) body.path("response").path("convertedObjects").get(0);
        assertThat(converted.path("apiVersion").asText()).isEqualTo("getambassador.io/v3alpha1");
        assertThat(converted.path("spec").path("prefix").asText()).isEqualTo("/quote/");

        SSLSession session = response.sslSession().orElseThrow();
        assertThat(session.getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        X509Certificate leaf = (X509Certificate) session.getPeerCertificates()[0];
        assertThat(Certificates.signedBy(leaf, certificates.current().ca())).isTrue();
        assertThat(Certificates.subjectAltNames(leaf)).contains("legate-apiext.test.svc", "127.0.0.1");
    }

    @Test
    void aClientThatDoesNotTrustTheCaIsRefused() throws Exception {
        Certificates.Issued other = Certificates.newCa("someone else", Instant.now(), Duration.ofDays(1));
        HttpClient stranger = TlsClients.trusting(List.of(other.certificate()));
        assertThatThrownBy(() -> TlsClients.post(stranger, webhook, "application/json", new byte[] {'{', '}'}))
                .isInstanceOf(SSLException.class);
    }

    @Test
    void plainHttpOnTheTlsPortGetsNoConversion() {
        URI plain = URI.create("http://127.0.0.1:" + server.httpsAddress().getPort() + WebhookHandler.PATH);
        assertThatThrownBy(() -> TlsClients.post(TlsClients.plain(), plain, "application/json",
                TestDocs.bytes(TestDocs.review("u", "getambassador.io/v2", List.of(MAPPING)))))
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void badRequestsGetA4xxWithAMessage() throws Exception {
        HttpResponse<String> badJson = TlsClients.post(client, webhook, "application/json",
                "{\"apiVersion\":".getBytes(StandardCharsets.UTF_8));
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(badJson.body()).startsWith("the request body is not valid JSON").doesNotContain("\tat ");

        ObjectNode v1beta1 = TestDocs.review("u", "getambassador.io/v2", List.of(MAPPING));
        v1beta1.put("apiVersion", "apiextensions.k8s.io/v1beta1");
        HttpResponse<String> wrongVersion = TlsClients.post(client, webhook, "application/json",
                TestDocs.bytes(v1beta1));
        assertThat(wrongVersion.statusCode()).isEqualTo(400);
        assertThat(wrongVersion.body()).contains("apiextensions.k8s.io/v1beta1");

        HttpResponse<String> yaml = TlsClients.post(client, webhook, "application/yaml",
                "kind: ConversionReview".getBytes(StandardCharsets.UTF_8));
        assertThat(yaml.statusCode()).isEqualTo(415);

        HttpResponse<String> get = TlsClients.get(client, webhook);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");

        HttpResponse<String> elsewhere = TlsClients.get(client, webhook.resolve("/convert"));
        assertThat(elsewhere.statusCode()).isEqualTo(404);
    }

    @Test
    void unknownKindGetsAFailedReview() throws Exception {
        ObjectNode widget = MAPPING.deepCopy().put("kind", "Widget");
        HttpResponse<String> response = TlsClients.post(client, webhook, "application/json",
                TestDocs.bytes(TestDocs.review("w", "getambassador.io/v3alpha1", List.of(widget))));
        assertThat(response.statusCode()).isEqualTo(200);
        ObjectNode result = (ObjectNode) TestDocs.json(response.body().getBytes(StandardCharsets.UTF_8))
                .path("response").path("result");
        assertThat(result.path("status").asText()).isEqualTo("Failure");
        assertThat(result.path("message").asText()).contains("Widget");
    }

    @Test
    void anOversizedBodyIsRefusedWith413() throws Exception {
        byte[] big = new byte[64 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        HttpResponse<String> declared = TlsClients.post(client, webhook, "application/json", big);
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.body()).contains("larger than 65536 bytes");

        // Without a Content-Length (chunked), the limit holds while reading.
        HttpRequest chunked = HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();
        HttpResponse<String> streamed = client.send(chunked, HttpResponse.BodyHandlers.ofString());
        assertThat(streamed.statusCode()).isEqualTo(413);
    }

    @Test
    void concurrentReviewsAreAllAnswered() throws Exception {
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> pending = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] review = TestDocs.bytes(TestDocs.review("c" + i, "getambassador.io/v3alpha1", List.of(MAPPING)));
            pending.add(client.sendAsync(HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(review)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < pending.size(); i++) {
            HttpResponse<String> r = pending.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"uid\":\"c" + i + "\"");
        }
    }

    @Test
    void probes() throws Exception {
        URI probes = URI.create("http://127.0.0.1:" + server.probeAddress().getPort());
        HttpResponse<String> live = TlsClients.get(TlsClients.plain(), probes.resolve(ProbeHandler.LIVE));
        assertThat(live.statusCode()).isEqualTo(200);
        HttpResponse<String> ready = TlsClients.get(TlsClients.plain(), probes.resolve(ProbeHandler.READY));
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).startsWith("ready: serving certificate valid until");
        assertThat(TlsClients.get(TlsClients.plain(), probes.resolve("/metrics")).statusCode()).isEqualTo(404);
    }

    @Test
    void aRenewedCertificateIsServedWithoutARestart() throws Exception {
        server.close();
        // Certificates made nine days and a bit ago: the serving one (ten days) is within a day of its expiry.
        clock.set(Instant.now().minus(Duration.ofDays(9).plusHours(1)));
        certificates = new InMemoryCertificateSource(POLICY, clock, Duration.ofHours(1));
        server = ApiextServer.start(new ServerSettings(InetAddress.getLoopbackAddress(), 0, 0, 2, 64 * 1024,
                ObjectConverter.AmbassadorIdMarking.UNCHANGED, 0), certificates, null, List.of());
        webhook = URI.create("https://127.0.0.1:" + server.httpsAddress().getPort() + WebhookHandler.PATH);
        X509Certificate before = certificates.current().serving();
        X509Certificate ca = certificates.current().ca();
        HttpResponse<String> old = TlsClients.post(TlsClients.trusting(List.of(ca)), webhook, "application/json",
                TestDocs.bytes(TestDocs.review("o", "getambassador.io/v2", List.of(MAPPING))));
        assertThat(old.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(before);

        clock.set(Instant.now());
        certificates.check();
        X509Certificate after = certificates.current().serving();
        assertThat(after).isNotEqualTo(before);
        assertThat(certificates.current().ca()).as("the CA is kept").isEqualTo(ca);

        // A new connection gets the new certificate, from the same server.
        HttpResponse<String> response = TlsClients.post(TlsClients.trusting(List.of(ca)), webhook,
                "application/json", TestDocs.bytes(TestDocs.review("r", "getambassador.io/v2", List.of(MAPPING))));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(after);
    }
}
