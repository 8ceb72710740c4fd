package dev.legate.app.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.config.RawDocument;
import dev.legate.sources.SnapshotSource;
import dev.legate.sources.SourceRead;
import dev.legate.sources.kubernetes.Crds;
import dev.legate.sources.kubernetes.KubernetesSettings;
import dev.legate.sources.kubernetes.KubernetesSource;
import dev.legate.sources.kubernetes.MockApiServer;
import dev.legate.status.KubernetesStatus;
import dev.legate.sources.kubernetes.WatchedKinds;
import dev.legate.xds.AdsTestClient;
import dev.legate.xds.XdsType;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code legate serve} against a Kubernetes API server (fabric8's mock, CRUD mode): objects created, changed and
 * deleted through the API reach a raw ADS client behaving like Envoy on the wire.
 */
final class KubernetesGatewayEndToEndTest {

    private MockApiServer api;
    private KubernetesClient client;

    @BeforeEach
    void startApi() {
        api = new MockApiServer();
        client = api.client();
        Crds.installAll(client);
    }

    @AfterEach
    void stopApi() {
        client.close();
        api.close();
    }

    /** Remembers the last snapshot the gateway read, to check what xDS cannot show (Services, Endpoints). */
    static final class Recording implements SnapshotSource {
        final SnapshotSource inner;
        final AtomicReference<SourceRead> last = new AtomicReference<>();

        Recording(SnapshotSource inner) {
            this.inner = inner;
        }

        @Override
        public void start(Runnable onChange) throws IOException {
            inner.start(onChange);
        }

        @Override
        public SourceRead read() throws IOException {
            SourceRead r = inner.read();
            last.set(r);
            return r;
        }

        @Override
        public String describe() {
            return inner.describe();
        }

        @Override
        public void close() {
            inner.close();
        }

        List<String> origins() {
            SourceRead r = last.get();
            return r == null ? List.of() : r.snapshot().documents().stream().map(RawDocument::location)
                    .map(Object::toString).toList();
        }
    }

    private static Gateway.Settings settings(Path state, CompileOptions options) {
        return new Gateway.Settings(null, options, new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0), state, 3, Duration.ofMillis(50), Duration.ofMillis(500),
                Optional.empty(), Duration.ofSeconds(1), 18001, "test-node");
    }

    private MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> ambassador(String kind) {
        return client.genericKubernetesResources(WatchedKinds.ambassador(kind).context());
    }

    private GenericKubernetesResource object(String yaml) {
        return client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
    }

    private void applyQuickstart() throws IOException {
        for (Path f : Files.list(Path.of("../examples/quickstart")).sorted().toList()) {
            for (String doc : Files.readString(f).split("(?m)^---\\s*$")) {
                if (!doc.contains("kind:")) {
                    continue;
                }
                GenericKubernetesResource r = object(doc);
                if (r.getApiVersion().startsWith("getambassador.io/")) {
                    ambassador(r.getKind()).resource(r).create();
                } else {
                    client.resource(client.getKubernetesSerialization().unmarshal(doc,
                            io.fabric8.kubernetes.api.model.HasMetadata.class)).create();
                }
            }
        }
    }

    private static GenericKubernetesResource withSpec(GenericKubernetesResource r, Map<String, Object> spec) {
        r.setAdditionalProperty("spec", spec);
        return r;
    }

    private GenericKubernetesResource mapping(String name, String prefix, String service) {
        return withSpec(object("apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: " + name
                + ", namespace: default}\n"), Map.of("hostname", "*", "prefix", prefix, "service", service));
    }

    @Test
    void changesThroughTheApiReachTheClient(@TempDir Path dir) throws Exception {
        applyQuickstart();
        Recording source = new Recording(KubernetesSource.create(client, KubernetesSettings.allNamespaces("default")
                .withInitialSyncTimeout(Duration.ofSeconds(20)), KubernetesSource.ClientOwnership.SHARED));
        try (Gateway gateway = Gateway.start(settings(dir, CompileOptions.DEFAULTS), source);
                AdsTestClient ads = new AdsTestClient(gateway.adsPort(), "test-node").start()) {
            // (Publishing is make-before-break in steps, so wait for content, not for the first new version.)
            awaitRoutes(ads, r -> r.contains("cluster_quote_default") && r.contains("cluster_quote_v2_default"));
            assertThat(source.origins()).contains("k8s:Service/default/quote");

            // Mapping: update, create, delete.
            ambassador("Mapping").resource(mapping("quote-backend-canary", "/backend/", "quote-v3")).update();
            awaitRoutes(ads, r -> r.contains("cluster_quote_v3_default") && !r.contains("quote_v2"));
            ambassador("Mapping").resource(mapping("extra", "/extra/", "extra-svc")).create();
            awaitRoutes(ads, r -> r.contains("/extra/") && r.contains("cluster_extra_svc_default"));
            ambassador("Mapping").inNamespace("default").withName("extra").delete();
            awaitRoutes(ads, r -> !r.contains("/extra/"));

            // A Mapping for another ambassador_id is not ours.
            ambassador("Mapping").resource(withSpec(mapping("not-ours", "/not-ours/", "x"), Map.of("hostname", "*",
                    "prefix", "/not-ours/", "service", "x", "ambassador_id", List.of("other")))).create();
            ambassador("Mapping").resource(mapping("ours", "/ours/", "y")).create();
            awaitRoutes(ads, r -> r.contains("/ours/"));
            assertThat(routeText(ads)).doesNotContain("/not-ours/");

            // Host: a new hostname with a TLS Secret; the Secret arrives over SDS and the virtual host appears.
            Pem pem = Pem.selfSigned("tls.example.com");
            client.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata()
                    .withName("tls-cert").endMetadata().withType("kubernetes.io/tls")
                    .addToData("tls.crt", b64(pem.certificate())).addToData("tls.key", b64(pem.key())).build())
                    .create();
            ambassador("Host").resource(withSpec(object("apiVersion: getambassador.io/v3alpha1\nkind: Host\n"
                    + "metadata: {name: tls-host, namespace: default}\n"), Map.of("hostname", "tls.example.com",
                    "tlsSecret", Map.of("name", "tls-cert")))).create();
            await().atMost(Duration.ofSeconds(20)).until(() -> routeText(ads).contains("tls.example.com")
                    && secretText(ads).contains(pem.certificate().substring(30, 60)));

            // The Secret rotates: the new certificate is pushed.
            Pem rotated = Pem.selfSigned("tls.example.com");
            client.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata()
                    .withName("tls-cert").withNamespace("default").endMetadata().withType("kubernetes.io/tls")
                    .addToData("tls.crt", b64(rotated.certificate())).addToData("tls.key", b64(rotated.key()))
                    .build()).update();
            await().atMost(Duration.ofSeconds(20)).until(() -> secretText(ads)
                    .contains(rotated.certificate().substring(30, 60)));

            // An Opaque Secret never reaches Legate.
            client.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata()
                    .withName("password").endMetadata().withType("Opaque").addToStringData("password", "hunter2")
                    .build()).create();

            // The Host goes: its virtual host goes.
            ambassador("Host").inNamespace("default").withName("tls-host").delete();
            await().atMost(Duration.ofSeconds(20)).until(() -> !routeText(ads).contains("tls.example.com"));
            assertThat(source.origins()).doesNotContain("k8s:Secret/default/password");

            // Services and Endpoints reach the snapshot (the compiler does not put them into xDS yet).
            client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata()
                    .withName("extra-svc").endMetadata().withNewSpec().addNewPort().withPort(80).endPort().endSpec()
                    .build()).create();
            client.endpoints().inNamespace("default").resource(new EndpointsBuilder().withNewMetadata()
                    .withName("quote").endMetadata().addNewSubset().addNewAddress().withIp("10.0.0.7").endAddress()
                    .addNewPort().withPort(8080).endPort().endSubset().build()).create();
            await().atMost(Duration.ofSeconds(20)).until(() -> source.origins().containsAll(List.of(
                    "k8s:Service/default/extra-svc", "k8s:Endpoints/default/quote")));
            assertThat(gateway.reconfigurer().lastChanges().kinds()).isPresent();
            client.endpoints().inNamespace("default").withName("quote").edit(e -> {
                e.getSubsets().getFirst().getAddresses().getFirst().setIp("10.0.0.8");
                return e;
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> gateway.reconfigurer().lastChanges().endpointsOnly()
                    && source.last.get().snapshot().documents().stream().anyMatch(d -> d.toString()
                    .contains("10.0.0.8")));
            client.services().inNamespace("default").withName("extra-svc").delete();
            client.endpoints().inNamespace("default").withName("quote").delete();
            await().atMost(Duration.ofSeconds(20)).until(() -> !source.origins().contains(
                    "k8s:Service/default/extra-svc") && !source.origins().contains("k8s:Endpoints/default/quote"));
            assertThat(routeText(ads)).contains("/ours/");
        }
    }

    @Test
    void theServingGatewayWritesEachMappingsStatus(@TempDir Path dir) throws Exception {
        applyQuickstart();
        ambassador("Mapping").resource(withSpec(object("apiVersion: getambassador.io/v3alpha1\nkind: Mapping\n"
                + "metadata: {name: no-service, namespace: default}\n"), Map.of("hostname", "*", "prefix", "/x/")))
                .create();
        SnapshotSource source = KubernetesSource.create(client, KubernetesSettings.allNamespaces("default")
                .withInitialSyncTimeout(Duration.ofSeconds(20)), KubernetesSource.ClientOwnership.SHARED);
        try (Gateway gateway = Gateway.start(settings(dir, CompileOptions.DEFAULTS), source);
                KubernetesStatus status = KubernetesStatus.start(client, Map.of("AMBASSADOR_NAMESPACE", "default"),
                        java.time.Clock.systemUTC())) {
            gateway.reconfigurer().addListener(status::publish);
            // The valid Mapping runs; the one without a service is Inactive, with the compiler's reason.
            awaitStatus("quote-backend", st -> "Running".equals(st.get("state")));
            Map<String, Object> rejected = awaitStatus("no-service", st -> "Inactive".equals(st.get("state")));
            assertThat(String.valueOf(rejected.get("reason"))).contains("service");
            assertThat(String.valueOf(rejected.get("conditions"))).contains("Accepted").contains("False");

            // Fixing it through the API turns its status around.
            ambassador("Mapping").resource(mapping("no-service", "/x/", "quote")).update();
            awaitStatus("no-service", st -> "Running".equals(st.get("state")));
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> awaitStatus(String mapping, java.util.function.Predicate<Map<String, Object>> test)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Object> last = Map.of();
        while (System.nanoTime() < deadline) {
            GenericKubernetesResource r = ambassador("Mapping").inNamespace("default").withName(mapping).get();
            Object st = r == null ? null : r.getAdditionalProperties().get("status");
            if (st instanceof Map<?, ?> m) {
                last = (Map<String, Object>) m;
                if (test.test(last)) {
                    return last;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the status of Mapping " + mapping + " did not arrive within 30 s; last: " + last);
    }

    @Test
    void aDroppedApiServerLosesNoUpdate(@TempDir Path dir) throws Exception {
        applyQuickstart();
        SnapshotSource source = KubernetesSource.create(client, KubernetesSettings.allNamespaces("default")
                .withInitialSyncTimeout(Duration.ofSeconds(20)), KubernetesSource.ClientOwnership.SHARED);
        try (Gateway gateway = Gateway.start(settings(dir, CompileOptions.DEFAULTS), source);
                AdsTestClient ads = new AdsTestClient(gateway.adsPort(), "test-node").start()) {
            awaitRoutes(ads, r -> r.contains("cluster_quote_v2_default"));
            api.restart();
            try (KubernetesClient other = api.client()) {
                other.genericKubernetesResources(WatchedKinds.ambassador("Mapping").context())
                        .resource(mapping("quote-backend-canary", "/backend/", "quote-v9")).update();
            }
            awaitRoutes(ads, r -> r.contains("cluster_quote_v9_default") && !r.contains("cluster_quote_v2_default"));
        }
    }

    @Test
    void aMissingCrdIsReportedNotFatal(@TempDir Path dir) throws Exception {
        client.apiextensions().v1().customResourceDefinitions().withName("hosts.getambassador.io").delete();
        applyQuickstartWithout("Host");
        SnapshotSource source = KubernetesSource.create(client, KubernetesSettings.allNamespaces("default")
                .withInitialSyncTimeout(Duration.ofSeconds(20)), KubernetesSource.ClientOwnership.SHARED);
        try (Gateway gateway = Gateway.start(settings(dir, CompileOptions.DEFAULTS), source);
                AdsTestClient ads = new AdsTestClient(gateway.adsPort(), "test-node").start()) {
            awaitRoutes(ads, r -> r.contains("cluster_quote_default"));
            // The client may have the routes before the reconfiguration has recorded itself as the last good one.
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.reconfigurer().lastGood().isPresent());
            assertThat(gateway.reconfigurer().lastGood().orElseThrow().result().diagnostics())
                    .anySatisfy(d -> assertThat(d.source()).isEqualTo("kubernetes:hosts.v3alpha1.getambassador.io"));
        }
    }

    @Test
    void istioCertificatesAndConsulEntriesJoinTheClusterSnapshot(@TempDir Path dir) throws Exception {
        applyQuickstart();
        Path istio = Files.createDirectories(dir.resolve("istio"));
        Pem pem = Pem.selfSigned("mesh.example.com");
        Files.writeString(istio.resolve("key.pem"), pem.key());
        Files.writeString(istio.resolve("cert-chain.pem"), pem.certificate());
        try (dev.legate.sources.consul.FakeConsul consul = new dev.legate.sources.consul.FakeConsul("dc1")) {
            consul.register(new dev.legate.sources.consul.FakeConsul.Instance("node-1", "10.0.0.1", "web-1", "web",
                    "10.1.0.1", 8080, List.of(), true));
            ambassador("ConsulResolver").resource(withSpec(object("apiVersion: getambassador.io/v3alpha1\n"
                    + "kind: ConsulResolver\nmetadata: {name: consul-dc1, namespace: default}\n"),
                    Map.of("address", consul.address(), "datacenter", "dc1"))).create();
            ambassador("Mapping").resource(withSpec(mapping("web", "/web/", "web"), Map.of("hostname", "*",
                    "prefix", "/web/", "service", "web", "resolver", "consul-dc1"))).create();
            // The Istio certificate is a TLS Secret like any other: a Host can name it.
            ambassador("Host").resource(withSpec(object("apiVersion: getambassador.io/v3alpha1\nkind: Host\n"
                    + "metadata: {name: mesh, namespace: default}\n"), Map.of("hostname", "mesh.example.com",
                    "tlsSecret", Map.of("name", "istio-certs")))).create();

            Recording source = new Recording(dev.legate.sources.LayeredSource.of(
                    KubernetesSource.create(client, KubernetesSettings.allNamespaces("default")
                            .withInitialSyncTimeout(Duration.ofSeconds(20)), KubernetesSource.ClientOwnership.SHARED),
                    List.of(new dev.legate.sources.IstioCertificateSource(istio, "default")),
                    List.of(new dev.legate.sources.consul.ConsulCatalogWatcher("default", Duration.ofSeconds(30)))));
            try (Gateway gateway = Gateway.start(settings(dir.resolve("state"), CompileOptions.DEFAULTS), source);
                    AdsTestClient ads = new AdsTestClient(gateway.adsPort(), "test-node").start()) {
                awaitRoutes(ads, r -> r.contains("mesh.example.com"));
                await().atMost(Duration.ofSeconds(20)).until(() -> secretText(ads)
                        .contains(pem.certificate().substring(30, 60)));
                await().atMost(Duration.ofSeconds(20)).until(() -> source.origins().contains(
                        "consul:" + consul.address() + "/dc1/web"));
                // A new healthy instance in Consul reaches the snapshot, as an endpoints-only change.
                consul.register(new dev.legate.sources.consul.FakeConsul.Instance("node-2", "10.0.0.2", "web-2",
                        "web", "10.1.0.2", 8080, List.of(), true));
                await().atMost(Duration.ofSeconds(20)).until(() -> source.last.get().snapshot().documents().stream()
                        .anyMatch(d -> d.tree().path("kind").asText().equals("ConsulServiceEntries")
                                && d.tree().path("spec").path("endpoints").size() == 2));
                await().atMost(Duration.ofSeconds(20)).until(() -> gateway.reconfigurer().lastChanges()
                        .endpointsOnly());
                // Istio rotates the certificate: the new one is pushed.
                Pem rotated = Pem.selfSigned("mesh.example.com");
                Files.writeString(istio.resolve("key.pem"), rotated.key());
                Files.writeString(istio.resolve("cert-chain.pem"), rotated.certificate());
                await().atMost(Duration.ofSeconds(30)).until(() -> secretText(ads)
                        .contains(rotated.certificate().substring(30, 60)));
            }
        }
    }

    private void applyQuickstartWithout(String kind) throws IOException {
        for (Path f : Files.list(Path.of("../examples/quickstart")).sorted().toList()) {
            for (String doc : Files.readString(f).split("(?m)^---\\s*$")) {
                if (!doc.contains("kind:") || doc.contains("kind: " + kind + "\n")) {
                    continue;
                }
                GenericKubernetesResource r = object(doc);
                if (r.getApiVersion().startsWith("getambassador.io/")) {
                    ambassador(r.getKind()).resource(r).create();
                }
            }
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** A self-signed certificate and its key, in PEM. */
    record Pem(String certificate, String key) {
        static Pem selfSigned(String host) throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            KeyPair kp = g.generateKeyPair();
            X500Name name = new X500Name("CN=" + host);
            Instant now = Instant.now();
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                    name, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(60)),
                    Date.from(now.plusSeconds(86400)), name, kp.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
            Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new Pem("-----BEGIN CERTIFICATE-----\n" + mime.encodeToString(cert.getEncoded())
                    + "\n-----END CERTIFICATE-----\n", "-----BEGIN PRIVATE KEY-----\n"
                    + mime.encodeToString(kp.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        }
    }

    /** Waits (bounded) until the routes the client holds satisfy {@code test}. */
    static void awaitRoutes(AdsTestClient client, java.util.function.Predicate<String> test) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> test.test(routeText(client)));
    }

    static String routeText(AdsTestClient client) throws Exception {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, com.google.protobuf.Any> e : client.held(XdsType.ROUTE).entrySet()) {
            out.append(e.getValue().unpack(RouteConfiguration.class));
        }
        return out.toString();
    }

    static String secretText(AdsTestClient client) throws Exception {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, com.google.protobuf.Any> e : client.held(XdsType.SECRET).entrySet()) {
            out.append(e.getValue().unpack(Secret.class).getTlsCertificate().getCertificateChain().getInlineString()
                    .replace("\n", "")).append(e.getValue().unpack(Secret.class).getTlsCertificate()
                    .getCertificateChain().getInlineBytes().toStringUtf8().replace("\n", ""));
        }
        return out.toString();
    }
}
