package dev.legate.apiext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a few thousand built-in objects up and down through the webhook before it says it is ready, over its own
 * HTTPS port when it listens on loopback (TLS, HTTP and conversion code all get compiled), so that the API server's
 * first list after a start meets a warm JVM: a first review of 1,000 objects takes about 0.3 s on a cold JVM and a
 * few milliseconds on a warm one.
 */
final class Warmup {

    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int OBJECTS = 200;

    /** Sends a ConversionReview and returns the response body. */
    @FunctionalInterface
    interface Sender {
        byte[] send(byte[] review) throws IOException, InterruptedException;
    }

    private Warmup() {}

    /** Straight to {@code reviews}, in this thread. */
    static Sender inProcess(ConversionReviews reviews) {
        Objects.requireNonNull(reviews, "reviews");
        return body -> reviews.review(body).body();
    }

    /** POSTs to {@code webhook}, trusting only {@code cas}. */
    static Sender overHttps(URI webhook, List<X509Certificate> cas) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            store.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return body -> {
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(webhook)
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            return response.body();
        };
    }

    /** Runs until {@code rounds} up-and-down round trips are done or {@code budget} is spent; never throws. */
    static void run(Sender sender, int rounds, Duration budget) {
        long start = System.nanoTime();
        int done = 0;
        try {
            byte[] up = JSON.writeValueAsBytes(request("getambassador.io/v3alpha1", samples(OBJECTS)));
            while (done < rounds && System.nanoTime() - start < budget.toNanos()) {
                JsonNode converted = JSON.readTree(sender.send(up)).path("response").path("convertedObjects");
                if (!(converted instanceof ArrayNode objects) || objects.size() != OBJECTS) {
                    throw new IOException("the warm-up objects did not convert");
                }
                sender.send(JSON.writeValueAsBytes(request("getambassador.io/v2", objects)));
                done++;
            }
            LOG.info("warmed up with {} round trips of {} objects in {} ms", done, OBJECTS,
                    (System.nanoTime() - start) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.warn("warm-up stopped after {} round trips (the webhook works; its first answers may be slower): {}",
                    done, e.toString());
        }
    }

    /** {@code count} objects from the built-in samples (every kind, in v2), each with its own name. */
    static ArrayNode samples(int count) throws IOException {
        JsonNode samples;
        try (InputStream in = Warmup.class.getResourceAsStream("warmup.json")) {
            if (in == null) {
                throw new IOException("warmup.json is missing");
            }
            samples = JSON.readTree(in);
        }
        ArrayNode objects = JSON.createArrayNode();
        for (int i = 0; i < count; i++) {
            ObjectNode doc = samples.get(i % samples.size()).deepCopy();
            ObjectNode metadata = (ObjectNode) doc.get("metadata");
            metadata.put("name", metadata.path("name").asText() + "-" + i);
            objects.add(doc);
        }
        return objects;
    }

    private static ObjectNode request(String desired, ArrayNode objects) {
        ObjectNode review = JSON.createObjectNode();
        review.put("apiVersion", ConversionReviews.API_VERSION);
        review.put("kind", ConversionReviews.KIND);
        ObjectNode request = review.putObject("request");
        request.put("uid", "warmup");
        request.put("desiredAPIVersion", desired);
        request.set("objects", objects);
        return review;
    }
}
