package dev.legate.sources.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.legate.compiler.config.RawDocument;
import dev.legate.sources.SourceRead;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class KubernetesSourceTest {

    private MockApiServer server;
    private KubernetesClient client;
    private final AtomicInteger notified = new AtomicInteger();

    @BeforeEach
    void startServer() {
        server = new MockApiServer();
        client = server.client();
    }

    @AfterEach
    void stopServer() {
        client.close();
        server.close();
    }

    static GenericKubernetesResource mapping(String namespace, String name, String prefix) {
        return new GenericKubernetesResourceBuilder().withApiVersion("getambassador.io/v3alpha1").withKind("Mapping")
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("prefix", prefix, "service", "quote")))
                .build();
    }

    static ResourceDefinitionContext mappings() {
        return WatchedKinds.ambassador("Mapping").context();
    }

    private KubernetesSource start(KubernetesSettings settings) {
        KubernetesSource source = KubernetesSource.create(client, settings.withInitialSyncTimeout(
                Duration.ofSeconds(10)), KubernetesSource.ClientOwnership.SHARED);
        source.start(notified::incrementAndGet);
        return source;
    }

    private static List<String> origins(SourceRead read, String kind) {
        return read.snapshot().documents().stream().map(RawDocument::location).map(Object::toString)
                .filter(o -> o.startsWith("k8s:" + kind + "/")).toList();
    }

    private final List<String> requests = new java.util.ArrayList<>();

    /** Every request the server received so far (the list grows with each call). */
    private List<String> requestPaths() throws InterruptedException {
        io.fabric8.mockwebserver.http.RecordedRequest r;
        while ((r = server.server().takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
            requests.add(r.getPath());
        }
        return List.copyOf(requests);
    }

    @Test
    void mappingsAreCreatedUpdatedAndDeleted() {
        Crds.installAll(client);
        client.genericKubernetesResources(mappings()).resource(mapping("default", "a", "/a/")).create();
        try (KubernetesSource source = start(KubernetesSettings.allNamespaces("default"))) {
            SourceRead first = source.read();
            assertThat(origins(first, "Mapping")).containsExactly("k8s:Mapping/default/a");
            assertThat(first.snapshot().loadDiagnostics()).isEmpty();
            RawDocument a = first.snapshot().documents().stream()
                    .filter(d -> d.location().origin().equals("k8s:Mapping/default/a")).findFirst().orElseThrow();
            assertThat(a.tree().path("spec").path("prefix").asText()).isEqualTo("/a/");
            assertThat(a.tree().path("metadata").has("resourceVersion")).isFalse();

            client.genericKubernetesResources(mappings()).resource(mapping("other", "b", "/b/")).create();
            await().atMost(Duration.ofSeconds(10)).until(() -> origins(source.read(), "Mapping").size() == 2);

            client.genericKubernetesResources(mappings()).resource(mapping("default", "a", "/a2/")).update();
            await().atMost(Duration.ofSeconds(10)).until(() -> source.read().snapshot().documents().stream()
                    .anyMatch(d -> d.tree().path("spec").path("prefix").asText().equals("/a2/")));

            client.genericKubernetesResources(mappings()).inNamespace("default").withName("a").delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> origins(source.read(), "Mapping")
                    .equals(List.of("k8s:Mapping/other/b")));
            source.read();
            int before = notified.get();
            // A status-only write is no change for the compiler.
            GenericKubernetesResource b = client.genericKubernetesResources(mappings()).inNamespace("other")
                    .withName("b").get();
            b.setAdditionalProperty("status", Map.of("state", "Running"));
            client.genericKubernetesResources(mappings()).resource(b).updateStatus();
            client.genericKubernetesResources(mappings()).resource(mapping("other", "c", "/c/")).create();
            await().atMost(Duration.ofSeconds(10)).until(() -> origins(source.read(), "Mapping").size() == 2);
            assertThat(notified.get() - before).isEqualTo(1);
        }
    }

    @Test
    void onlyTlsSecretsAreWatched() throws Exception {
        Crds.installAll(client);
        client.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("tls")
                .endMetadata().withType("kubernetes.io/tls").addToStringData("tls.crt", "x").addToStringData("tls.key",
                        "y").build()).create();
        client.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("opaque")
                .endMetadata().withType("Opaque").addToStringData("password", "hunter2").build()).create();
        try (KubernetesSource source = start(KubernetesSettings.allNamespaces("default"))) {
            assertThat(origins(source.read(), "Secret")).containsExactly("k8s:Secret/default/tls");
        }
        // The API server is asked for TLS Secrets only (the mock server ignores that selector; a real one does not).
        assertThat(requestPaths()).anySatisfy(path -> assertThat(path).startsWith("/api/v1/secrets?")
                .contains("fieldSelector=type%3Dkubernetes.io%2Ftls"));
        assertThat(requestPaths()).filteredOn(path -> path.startsWith("/api/v1/secrets"))
                .allSatisfy(path -> assertThat(path).contains("fieldSelector=type%3Dkubernetes.io%2Ftls"));
    }

    private static GenericKubernetesResource labelled(GenericKubernetesResource r, Map<String, String> labels) {
        r.getMetadata().setLabels(labels);
        return r;
    }

    @Test
    void singleNamespaceLabelAndFieldSelectorsScopeTheWatch() {
        Crds.installAll(client);
        var m = client.genericKubernetesResources(mappings());
        m.resource(labelled(mapping("gw", "in-scope", "/1/"), Map.of("team", "a"))).create();
        m.resource(labelled(mapping("gw", "other-team", "/2/"), Map.of("team", "b"))).create();
        m.resource(labelled(mapping("elsewhere", "other-ns", "/3/"), Map.of("team", "a"))).create();
        m.resource(labelled(mapping("gw", "excluded-by-name", "/4/"), Map.of("team", "a"))).create();
        KubernetesSettings withFields = new KubernetesSettings(KubernetesSettings.NamespaceScope.SINGLE, "gw",
                java.util.Optional.of("team=a"), java.util.Optional.of("metadata.name!=excluded-by-name"),
                KubernetesSettings.Knative.DISABLED, Duration.ofSeconds(10));
        try (KubernetesSource source = start(withFields)) {
            assertThat(origins(source.read(), "Mapping")).containsExactly("k8s:Mapping/gw/in-scope");
            // IngressClasses are cluster-scoped: not watched in single-namespace mode, as in Emissary.
            assertThat(source.states().keySet()).extracting(WatchedKind::kind).doesNotContain("IngressClass");
        }
        KubernetesSettings labelsOnly = new KubernetesSettings(KubernetesSettings.NamespaceScope.SINGLE, "gw",
                java.util.Optional.of("team=a"), java.util.Optional.empty(), KubernetesSettings.Knative.DISABLED,
                Duration.ofSeconds(10));
        try (KubernetesSource source = start(labelsOnly)) {
            assertThat(origins(source.read(), "Mapping")).containsExactly("k8s:Mapping/gw/excluded-by-name",
                    "k8s:Mapping/gw/in-scope");
            m.resource(labelled(mapping("gw", "later", "/5/"), Map.of("team", "a"))).create();
            m.resource(labelled(mapping("gw", "later-b", "/5/"), Map.of("team", "b"))).create();
            m.resource(labelled(mapping("elsewhere", "later", "/6/"), Map.of("team", "a"))).create();
            await().atMost(Duration.ofSeconds(10)).until(() -> origins(source.read(), "Mapping").size() == 3);
            assertThat(origins(source.read(), "Mapping")).containsExactly("k8s:Mapping/gw/excluded-by-name",
                    "k8s:Mapping/gw/in-scope", "k8s:Mapping/gw/later");
        }
        assertThat(KubernetesSettings.fromEnvironment(Map.of("AMBASSADOR_SINGLE_NAMESPACE", "yes",
                "AMBASSADOR_NAMESPACE", "gw")).watchedNamespace()).contains("gw");
        assertThat(KubernetesSettings.fromEnvironment(Map.of("AMBASSADOR_NAMESPACE", "gw")).watchedNamespace())
                .isEmpty();
    }

    @Test
    void aMissingCrdIsReportedAndWatchedOnceInstalled() {
        // Everything but Host.
        Crds.install(client, "v3alpha1", WatchedKinds.AMBASSADOR_KINDS.stream().filter(k -> !k.equals("Host"))
                .toArray(String[]::new));
        client.genericKubernetesResources(mappings()).resource(mapping("default", "a", "/a/")).create();
        try (KubernetesSource source = start(KubernetesSettings.allNamespaces("default"))) {
            SourceRead first = source.read();
            assertThat(origins(first, "Mapping")).containsExactly("k8s:Mapping/default/a");
            assertThat(first.snapshot().loadDiagnostics()).singleElement().satisfies(d -> {
                assertThat(d.source()).isEqualTo("kubernetes:hosts.v3alpha1.getambassador.io");
                assertThat(d.message()).contains("not served").contains("CRD");
            });
            assertThat(source.states()).containsValue(new KubernetesSource.WatchState.NotServed(
                    first.snapshot().loadDiagnostics().getFirst().message()));

            Crds.install(client, "v3alpha1", "Host");
            client.genericKubernetesResources(WatchedKinds.ambassador("Host").context()).resource(
                    new GenericKubernetesResourceBuilder().withApiVersion("getambassador.io/v3alpha1")
                            .withKind("Host").withNewMetadata().withNamespace("default").withName("h").endMetadata()
                            .withAdditionalProperties(Map.of("spec", Map.of("hostname", "example.com"))).build())
                    .create();
            // The Host arrives, and the report of the missing CRD goes (the watch's state may change a moment later).
            await().atMost(Duration.ofSeconds(30)).until(() -> origins(source.read(), "Host").size() == 1
                    && source.read().snapshot().loadDiagnostics().isEmpty());
        }
    }

    @Test
    void aKindServedOnlyInAnOlderVersionIsWatchedInIt() {
        Crds.install(client, "v3alpha1", WatchedKinds.AMBASSADOR_KINDS.stream().filter(k -> !k.equals("Module"))
                .toArray(String[]::new));
        Crds.install(client, "v2", "Module");
        try (KubernetesSource source = start(KubernetesSettings.allNamespaces("default"))) {
            assertThat(source.states().keySet()).filteredOn(k -> k.kind().equals("Module"))
                    .extracting(WatchedKind::version).containsExactly("v2");
            assertThat(source.read().snapshot().loadDiagnostics()).isEmpty();
        }
    }

    @Test
    void anApiServerRestartLosesNoUpdate() {
        Crds.installAll(client);
        var m = client.genericKubernetesResources(mappings());
        m.resource(mapping("default", "kept", "/kept/")).create();
        m.resource(mapping("default", "changed", "/before/")).create();
        m.resource(mapping("default", "deleted", "/deleted/")).create();
        try (KubernetesSource source = start(KubernetesSettings.allNamespaces("default"))) {
            assertThat(origins(source.read(), "Mapping")).hasSize(3);
            // Every connection drops; while the watches reconnect (with backoff), objects change.
            server.restart();
            try (KubernetesClient other = server.client()) {
                var o = other.genericKubernetesResources(mappings());
                o.resource(mapping("default", "changed", "/after/")).update();
                o.inNamespace("default").withName("deleted").delete();
                o.resource(mapping("default", "added", "/added/")).create();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> origins(source.read(), "Mapping").equals(List.of(
                    "k8s:Mapping/default/added", "k8s:Mapping/default/changed", "k8s:Mapping/default/kept")));
            assertThat(source.read().snapshot().documents()).filteredOn(d -> d.location().origin()
                    .equals("k8s:Mapping/default/changed")).singleElement()
                    .satisfies(d -> assertThat(d.tree().path("spec").path("prefix").asText()).isEqualTo("/after/"));
            // And the watches work again afterwards.
            client.genericKubernetesResources(mappings()).resource(mapping("default", "after-restart", "/x/"))
                    .create();
            await().atMost(Duration.ofSeconds(30)).until(() -> origins(source.read(), "Mapping").size() == 4);
        }
    }

    /** Three Mappings (kept, changed, deleted) for the watch-fault tests; the source sees all three. */
    private KubernetesSource startWithThreeMappings() {
        Crds.installAll(client);
        var m = client.genericKubernetesResources(mappings());
        m.resource(mapping("default", "kept", "/kept/")).create();
        m.resource(mapping("default", "changed", "/before/")).create();
        m.resource(mapping("default", "deleted", "/deleted/")).create();
        KubernetesSource source = start(KubernetesSettings.allNamespaces("default"));
        assertThat(origins(source.read(), "Mapping")).hasSize(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openWatches() > 0);
        return source;
    }

    /** How many watch requests (or, with {@code false}, list requests) for Mappings the server received so far. */
    private long mappingRequests(boolean watch) {
        try {
            return requestPaths().stream().filter(p -> p.contains("/mappings")
                    && p.contains("watch=true") == watch && p.startsWith("/apis/getambassador.io/")).count();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Changes one Mapping, deletes one and adds one, through another client. */
    private void changeThreeMappings() {
        try (KubernetesClient other = server.client()) {
            var o = other.genericKubernetesResources(mappings());
            o.resource(mapping("default", "changed", "/after/")).update();
            o.inNamespace("default").withName("deleted").delete();
            o.resource(mapping("default", "added", "/added/")).create();
        }
    }

    /** The source holds exactly the Mappings after {@link #changeThreeMappings()}, and its watches work again. */
    private void awaitChangedThenWatchesWork(KubernetesSource source) {
        await().atMost(Duration.ofSeconds(30)).until(() -> origins(source.read(), "Mapping").equals(List.of(
                "k8s:Mapping/default/added", "k8s:Mapping/default/changed", "k8s:Mapping/default/kept")));
        assertThat(source.read().snapshot().documents()).filteredOn(d -> d.location().origin()
                .equals("k8s:Mapping/default/changed")).singleElement()
                .satisfies(d -> assertThat(d.tree().path("spec").path("prefix").asText()).isEqualTo("/after/"));
        client.genericKubernetesResources(mappings()).resource(mapping("default", "later", "/later/")).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> origins(source.read(), "Mapping").size() == 4);
    }

    @Test
    void droppedWatchesLoseNoUpdate() {
        try (KubernetesSource source = startWithThreeMappings()) {
            long watches = mappingRequests(true);
            // The API server ends every watch (it stays up); objects change before the watches are back.
            server.dropWatches();
            changeThreeMappings();
            awaitChangedThenWatchesWork(source);
            assertThat(mappingRequests(true)).as("the Mappings were watched again").isGreaterThan(watches);
        }
    }

    @Test
    void a410GoneOnALiveWatchLosesNoUpdate() {
        try (KubernetesSource source = startWithThreeMappings()) {
            int notifiedBefore = notified.get();
            // The watches fall behind: these changes never arrive as events.
            server.holdWatchEvents();
            changeThreeMappings();
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertThat(origins(source.read(), "Mapping")).as("the held events did not arrive").contains(
                    "k8s:Mapping/default/deleted");
            assertThat(notified.get()).isEqualTo(notifiedBefore);
            // Then each watch gets a 410 Gone: the informers relist and find every change.
            long lists = mappingRequests(false);
            server.expireWatches();
            awaitChangedThenWatchesWork(source);
            assertThat(mappingRequests(false)).as("the Mappings were listed again").isGreaterThan(lists);
        }
    }

    @Test
    void ingressesIngressClassesAndKnativeIngressesAreRead() {
        Crds.installAll(client);
        client.apiextensions().v1().customResourceDefinitions().resource(new io.fabric8.kubernetes.api.model
                .apiextensions.v1.CustomResourceDefinitionBuilder(Crds.crd("Ingress", "v1alpha1"))
                .editMetadata().withName("ingresses.networking.internal.knative.dev").endMetadata()
                .editSpec().withGroup("networking.internal.knative.dev").editNames().withPlural("ingresses")
                .endNames().endSpec().build()).create();
        client.network().v1().ingresses().inNamespace("default").resource(new io.fabric8.kubernetes.api.model
                .networking.v1.IngressBuilder().withNewMetadata().withName("web").withAnnotations(Map.of(
                        "kubectl.kubernetes.io/last-applied-configuration", "{...}")).endMetadata()
                .withNewSpec().withIngressClassName("ambassador").endSpec().build()).create();
        client.network().v1().ingressClasses().resource(new io.fabric8.kubernetes.api.model.networking.v1
                .IngressClassBuilder().withNewMetadata().withName("ambassador").endMetadata().withNewSpec()
                .withController("getambassador.io/ingress-controller").endSpec().build()).create();
        var knative = client.genericKubernetesResources(new WatchedKind("networking.internal.knative.dev",
                "v1alpha1", "Ingress", "ingresses", WatchedKind.Scope.NAMESPACED, java.util.Optional.empty(),
                WatchedKind.Importance.EXPECTED).context());
        knative.resource(new GenericKubernetesResourceBuilder().withApiVersion(
                "networking.internal.knative.dev/v1alpha1").withKind("Ingress").withNewMetadata()
                .withNamespace("default").withName("kn").endMetadata().build()).create();

        try (KubernetesSource source = start(KubernetesSettings.allNamespaces("default"))) {
            SourceRead read = source.read();
            assertThat(origins(read, "Ingress")).containsExactly("k8s:Ingress/default/web");
            assertThat(origins(read, "IngressClass")).containsExactly("k8s:IngressClass/ambassador");
            assertThat(origins(read, "Ingress.networking.internal.knative.dev")).isEmpty();
            RawDocument web = read.snapshot().documents().stream().filter(d -> d.location().origin()
                    .equals("k8s:Ingress/default/web")).findFirst().orElseThrow();
            assertThat(web.tree().path("metadata").has("annotations")).isFalse();
            assertThat(web.tree().path("spec").path("ingressClassName").asText()).isEqualTo("ambassador");
        }
        KubernetesSettings withKnative = KubernetesSettings.fromEnvironment(Map.of("AMBASSADOR_KNATIVE_SUPPORT",
                "TRUE"));
        try (KubernetesSource source = start(withKnative)) {
            assertThat(origins(source.read(), "Ingress.networking.internal.knative.dev"))
                    .containsExactly("k8s:Ingress.networking.internal.knative.dev/default/kn");
        }
    }

    @Test
    void anUnreachableApiServerDelaysTheFirstReadUpToItsTimeoutThenReportsIt() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (KubernetesClient unreachable = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("http://127.0.0.1:" + closedPort)
                        .withRequestRetryBackoffLimit(0).build()).build();
                KubernetesSource source = KubernetesSource.create(unreachable, KubernetesSettings.allNamespaces(
                        "default").withInitialSyncTimeout(Duration.ofSeconds(2)),
                        KubernetesSource.ClientOwnership.SHARED)) {
            source.start(() -> { });
            long t0 = System.nanoTime();
            SourceRead read = source.read();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
            assertThat(read.snapshot().documents()).isEmpty();
            assertThat(read.snapshot().loadDiagnostics()).isNotEmpty().allSatisfy(d ->
                    assertThat(d.source()).startsWith("kubernetes:"));
        }
    }
}
