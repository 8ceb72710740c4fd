package dev.legate.sources.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.model.SourceLocation;
import dev.legate.sources.SourceRead;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The Consul watcher against {@link FakeConsul}, a local implementation of the Consul HTTP API it uses. */
final class ConsulCatalogWatcherTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static RawDocument doc(String yamlLikeJson) throws Exception {
        return new RawDocument((ObjectNode) MAPPER.readTree(yamlLikeJson), new SourceLocation("test", 1));
    }

    private static ResourceSnapshot snapshot(String address, String... mappingServices) throws Exception {
        List<RawDocument> docs = new ArrayList<>();
        docs.add(doc("{\"apiVersion\":\"getambassador.io/v3alpha1\",\"kind\":\"ConsulResolver\",\"metadata\":"
                + "{\"name\":\"consul-dc1\",\"namespace\":\"gw\"},\"spec\":{\"address\":\"" + address
                + "\",\"datacenter\":\"dc1\"}}"));
        int n = 0;
        for (String service : mappingServices) {
            docs.add(doc("{\"apiVersion\":\"getambassador.io/v3alpha1\",\"kind\":\"Mapping\",\"metadata\":"
                    + "{\"name\":\"m" + (n++) + "\",\"namespace\":\"default\"},\"spec\":{\"prefix\":\"/x/\","
                    + "\"service\":\"" + service + "\",\"resolver\":\"consul-dc1\"}}"));
        }
        // Not ours: another ambassador_id, and a Mapping without a resolver.
        docs.add(doc("{\"apiVersion\":\"getambassador.io/v3alpha1\",\"kind\":\"Mapping\",\"metadata\":"
                + "{\"name\":\"other\",\"namespace\":\"default\"},\"spec\":{\"prefix\":\"/y/\",\"service\":\"ignored\","
                + "\"resolver\":\"consul-dc1\",\"ambassador_id\":[\"someone-else\"]}}"));
        docs.add(doc("{\"apiVersion\":\"getambassador.io/v3alpha1\",\"kind\":\"Mapping\",\"metadata\":"
                + "{\"name\":\"plain\",\"namespace\":\"default\"},\"spec\":{\"prefix\":\"/z/\",\"service\":\"plain\"}}"));
        return ResourceSnapshot.of(docs);
    }

    private static List<String> endpoints(SourceRead read, String service) {
        List<String> out = new ArrayList<>();
        for (RawDocument d : read.snapshot().documents()) {
            JsonNode spec = d.tree().path("spec");
            if (spec.path("service").asText().equals(service)) {
                spec.path("endpoints").forEach(e -> out.add(e.path("address").asText() + ":" + e.path("port")
                        .asInt()));
            }
        }
        return out;
    }

    @Test
    void watchesTheServicesMappingsResolveThroughConsul() throws Exception {
        AtomicInteger changes = new AtomicInteger();
        // A short wait: a query sent with the old index just after the restore below is held, as Consul holds it,
        // until the wait ends (the index only went down); with 30 s that outlasted the test's awaits.
        try (FakeConsul consul = new FakeConsul("dc1");
                ConsulCatalogWatcher watcher = new ConsulCatalogWatcher("default", Duration.ofSeconds(3))) {
            consul.register(new FakeConsul.Instance("node-1", "10.0.0.1", "web-1", "web", "10.1.0.1", 8080,
                    List.of("v1"), true));
            consul.register(new FakeConsul.Instance("node-2", "10.0.0.2", "web-2", "web", "", 8080, List.of(),
                    true));
            consul.register(new FakeConsul.Instance("node-3", "10.0.0.3", "web-3", "web", "10.1.0.3", 8080,
                    List.of(), false));
            watcher.start(changes::incrementAndGet);
            ResourceSnapshot base = snapshot(consul.address(), "web");

            SourceRead first = watcher.read(base);
            assertThat(watcher.watched()).extracting(ConsulTarget::service).containsExactly("web");
            await().atMost(Duration.ofSeconds(10)).until(() -> changes.get() > 0);
            SourceRead read = watcher.read(base);
            // Healthy instances only; a service without an address is reached at its node's address.
            assertThat(endpoints(read, "web")).containsExactly("10.0.0.2:8080", "10.1.0.1:8080");
            assertThat(read.changes().kinds()).contains(new java.util.TreeSet<>(List.of("ConsulServiceEntries")));
            assertThat(read.changes().endpointsOnly()).isTrue();
            RawDocument entries = read.snapshot().documents().getFirst();
            assertThat(entries.tree().path("kind").asText()).isEqualTo(ConsulCatalogWatcher.KIND);
            assertThat(entries.tree().path("metadata").path("name").asText()).isEqualTo("consul-dc1--web");
            assertThat(entries.tree().path("metadata").path("namespace").asText()).isEqualTo("gw");
            assertThat(entries.tree().path("spec").path("datacenter").asText()).isEqualTo("dc1");

            // A change arrives through the blocking query that was waiting.
            int before = changes.get();
            consul.register(new FakeConsul.Instance("node-4", "10.0.0.4", "web-4", "web", "10.1.0.4", 9090,
                    List.of(), true));
            await().atMost(Duration.ofSeconds(10)).until(() -> changes.get() > before);
            assertThat(endpoints(watcher.read(base), "web")).containsExactly("10.0.0.2:8080", "10.1.0.1:8080",
                    "10.1.0.4:9090");
            assertThat(consul.blockingQueries()).isPositive();

            consul.deregister("web", "web-1");
            await().atMost(Duration.ofSeconds(10)).until(() -> endpoints(watcher.read(base), "web").size() == 2);

            // The index going backwards (a restore) restarts the loop from 0, and changes keep arriving.
            consul.resetIndex();
            consul.register(new FakeConsul.Instance("node-5", "10.0.0.5", "web-5", "web", "10.1.0.5", 80,
                    List.of(), true));
            await().atMost(Duration.ofSeconds(10)).until(() -> endpoints(watcher.read(base), "web")
                    .contains("10.1.0.5:80"));

            // A Mapping in a Service's getambassador.io/config annotation counts too, as in Emissary.
            List<RawDocument> annotated = new ArrayList<>(base.documents());
            annotated.add(doc("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"api\","
                    + "\"namespace\":\"default\",\"annotations\":{\"getambassador.io/config\":\"---\\n"
                    + "apiVersion: getambassador.io/v2\\nkind: Mapping\\nname: api\\nprefix: /api/\\n"
                    + "service: api-svc\\nresolver: consul-dc1\\n\"}}}"));
            watcher.read(ResourceSnapshot.of(annotated));
            assertThat(watcher.watched()).extracting(ConsulTarget::service).containsExactlyInAnyOrder("web",
                    "api-svc");

            // No Mapping needs it any more: the watch stops and its document goes.
            SourceRead none = watcher.read(snapshot(consul.address()));
            assertThat(watcher.watched()).isEmpty();
            assertThat(none.snapshot().documents()).isEmpty();
            assertThat(first.snapshot().loadDiagnostics()).isEmpty();
        }
    }

    @Test
    void anUnreachableConsulIsReportedAndRetried() throws Exception {
        AtomicInteger changes = new AtomicInteger();
        try (FakeConsul consul = new FakeConsul("dc2");
                ConsulCatalogWatcher watcher = new ConsulCatalogWatcher("default", Duration.ofSeconds(30))) {
            watcher.start(changes::incrementAndGet);
            // The resolver asks for dc1; this Consul only knows dc2.
            ResourceSnapshot base = snapshot(consul.address(), "web");
            watcher.read(base);
            await().atMost(Duration.ofSeconds(10)).until(() -> !watcher.read(base).snapshot().loadDiagnostics()
                    .isEmpty());
            assertThat(watcher.read(base).snapshot().loadDiagnostics()).singleElement().satisfies(d -> {
                assertThat(d.source()).isEqualTo("ConsulResolver/consul-dc1.gw");
                assertThat(d.message()).contains("No path to datacenter");
            });
        }
    }

    @Test
    void documentsAlreadySeenAreNotReadAgainAndGiveTheSameTargets() throws Exception {
        // Documents whose trees were let go after compiling (legate serve does that) are recognized by instance:
        // their trees are not built again on the next read, and the targets are those of fresh documents.
        AtomicInteger rebuilt = new AtomicInteger();
        List<RawDocument> released = new ArrayList<>();
        for (RawDocument d : snapshot("127.0.0.1:1", "web", "api").documents()) {
            ObjectNode tree = d.tree();
            released.add(RawDocument.rebuildable(tree, d.location(), () -> {
                rebuilt.incrementAndGet();
                return tree.deepCopy();
            }));
        }
        // A Service whose annotation asks for one more service through the resolver.
        ObjectNode service = (ObjectNode) MAPPER.readTree("{\"apiVersion\":\"v1\",\"kind\":\"Service\","
                + "\"metadata\":{\"name\":\"annotated\",\"namespace\":\"default\",\"annotations\":"
                + "{\"getambassador.io/config\":\"apiVersion: getambassador.io/v3alpha1\\nkind: Mapping\\n"
                + "name: from-annotation\\nprefix: /a/\\nservice: billing\\nresolver: consul-dc1\\n\"}},"
                + "\"spec\":{}}");
        released.add(new RawDocument(service, new SourceLocation("service", 1)));
        ResourceSnapshot base = ResourceSnapshot.of(released);
        try (ConsulCatalogWatcher fresh = new ConsulCatalogWatcher("default", Duration.ofSeconds(3));
                ConsulCatalogWatcher watcher = new ConsulCatalogWatcher("default", Duration.ofSeconds(3))) {
            List<RawDocument> copies = new ArrayList<>();
            for (RawDocument d : released) {
                copies.add(new RawDocument(d.tree().deepCopy(), d.location()));
            }
            Set<ConsulTarget> expected = fresh.wantedTargets(ResourceSnapshot.of(copies), new ArrayList<>());
            assertThat(expected).extracting(ConsulTarget::service).containsExactlyInAnyOrder("web", "api", "billing");

            assertThat(watcher.wantedTargets(base, new ArrayList<>())).isEqualTo(expected);
            released.forEach(RawDocument::releaseTree);
            rebuilt.set(0);
            assertThat(watcher.wantedTargets(base, new ArrayList<>())).isEqualTo(expected);
            assertThat(rebuilt).as("trees built again for documents already seen").hasValue(0);

            // A changed document (a new instance) is read; the others still are not.
            List<RawDocument> edited = new ArrayList<>(released);
            edited.remove(1);
            assertThat(watcher.wantedTargets(ResourceSnapshot.of(edited), new ArrayList<>()))
                    .extracting(ConsulTarget::service).containsExactlyInAnyOrder("api", "billing");
            assertThat(rebuilt).hasValue(0);
        }
    }

    @Test
    void targetsAndNames() {
        ConsulTarget t = new ConsulTarget("r", "ns", "consul.example:8500", Optional.empty(), "My_Service");
        assertThat(t.baseUri().toString()).isEqualTo("http://consul.example:8500");
        assertThat(new ConsulTarget("r", "ns", "https://c:8501/", Optional.empty(), "s").baseUri().toString())
                .isEqualTo("https://c:8501");
        assertThat(new ConsulTarget("r", "ns", "", Optional.empty(), "s").baseUri().toString())
                .isEqualTo("http://127.0.0.1:8500");
        assertThat(ConsulCatalogWatcher.documentName(t)).startsWith("r--my-service-").matches("[a-z0-9.-]+");
        assertThat(FakeConsul.parseDuration("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(FakeConsul.parseDuration("1500ms")).isEqualTo(Duration.ofMillis(1500));
    }
}
