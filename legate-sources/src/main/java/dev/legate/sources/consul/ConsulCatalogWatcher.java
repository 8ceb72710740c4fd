package dev.legate.sources.consul;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.legate.compiler.Diagnostic;
import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.model.SourceLocation;
import dev.legate.sources.ChangedKinds;
import dev.legate.sources.DerivedSource;
import dev.legate.sources.SourceRead;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches Consul's catalog for the services that Mappings and TCPMappings resolve through a ConsulResolver, as
 * Emissary does (cmd/entrypoint/consul.go): resolvers are found by name in any namespace, only resources whose
 * {@code ambassador_id} includes this instance's count, and each (resolver, service) pair gets one watch that lives
 * as long as some Mapping needs it.
 *
 * <p>Each watch is a loop of HTTP blocking queries on {@code /v1/health/service/<service>?passing=1} (the query
 * Emissary's watch plan makes, with {@code dc} when the resolver names a datacenter): the first without an index,
 * then with {@code index=<last X-Consul-Index>&wait=<wait>}, which Consul holds until the service changes or the
 * wait ends. As Consul's documentation asks, an index that goes backwards resets the loop to 0, an index below 1 is
 * treated as 1, and errors back off (1 s doubling to 30 s).
 *
 * <p>What a watch found goes into the snapshot as one document per watched service:
 *
 * <pre>
 * apiVersion: legate.dev/v1alpha1
 * kind: ConsulServiceEntries
 * metadata: {name: &lt;resolver&gt;--&lt;service, made a valid name&gt;, namespace: &lt;the resolver's namespace&gt;}
 * spec:
 *   resolver: &lt;ConsulResolver name&gt;
 *   address: &lt;its address&gt;
 *   datacenter: &lt;its datacenter, if any&gt;
 *   service: &lt;Consul service name&gt;
 *   index: &lt;X-Consul-Index of this answer&gt;
 *   endpoints: [{address, port, node, nodeId, serviceId, tags}]   # healthy instances, sorted by address and port
 * </pre>
 *
 * A service that has not answered yet has no document; a failing watch keeps its last entries and adds a warning
 * on the ConsulResolver.
 */
public final class ConsulCatalogWatcher implements DerivedSource {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulCatalogWatcher.class);

    public static final String API_VERSION = "legate.dev/v1alpha1";
    public static final String KIND = "ConsulServiceEntries";
    public static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
    static final String ANNOTATION = "getambassador.io/config";

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();
    private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final String ambassadorId;
    private final Duration wait;
    /**
     * Made when the first service is watched: most configurations have no Consul resolver, and a client costs a
     * start-up its TLS set-up (the JDK's trust store is read and parsed). Guarded by {@link #httpLock}.
     */
    private @Nullable HttpClient http;
    private final Object httpLock = new Object();
    /** Guarded by this. */
    private final Map<ConsulTarget, ServiceWatch> watches = new HashMap<>();
    private final AtomicBoolean changed = new AtomicBoolean();
    /** The last read's documents, by instance, and what each said. */
    private volatile Map<RawDocument, Said> said = Map.of();
    private volatile Runnable onChange = () -> { };
    private volatile boolean closed;

    /**
     * @param ambassadorId this instance's {@code AMBASSADOR_ID}
     * @param wait how long Consul may hold each blocking query (Consul caps it at 10 minutes)
     */
    public ConsulCatalogWatcher(String ambassadorId, Duration wait) {
        this.ambassadorId = requireNonNull(ambassadorId, "ambassadorId");
        this.wait = requireNonNull(wait, "wait");
    }

    private HttpClient http() {
        synchronized (httpLock) {
            if (http == null) {
                http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            }
            return http;
        }
    }

    @Override
    public void start(Runnable onChange) {
        this.onChange = requireNonNull(onChange, "onChange");
    }

    @Override
    public String describe() {
        return "Consul catalog";
    }

    /** The services watched now, for tests and diagnostics. */
    public synchronized Set<ConsulTarget> watched() {
        return Set.copyOf(watches.keySet());
    }

    @Override
    public SourceRead read(ResourceSnapshot base) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        Set<ConsulTarget> wanted = wantedTargets(base, diagnostics);
        List<RawDocument> documents = new ArrayList<>();
        boolean watchesChanged = false;
        synchronized (this) {
            for (var it = watches.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (!wanted.contains(e.getKey())) {
                    LOG.info("Consul: no longer watching {} (resolver {})", e.getKey().service(),
                            e.getKey().resolver());
                    e.getValue().stop();
                    it.remove();
                    watchesChanged = true;
                }
            }
            for (ConsulTarget t : wanted) {
                if (!closed && !watches.containsKey(t)) {
                    ServiceWatch w;
                    try {
                        w = new ServiceWatch(t, t.baseUri());
                    } catch (IllegalArgumentException e) {
                        diagnostics.add(Diagnostic.error("ConsulResolver/" + t.resolver() + "." + t.resolverNamespace(),
                                "address: " + e.getMessage()));
                        continue;
                    }
                    LOG.info("Consul: watching {} at {} (resolver {}{})", t.service(), w.base, t.resolver(),
                            t.datacenter().map(dc -> ", datacenter " + dc).orElse(""));
                    watches.put(t, w);
                    w.start();
                }
            }
            List<ServiceWatch> sorted = new ArrayList<>(watches.values());
            sorted.sort(java.util.Comparator.comparing(w -> documentName(w.target)));
            for (ServiceWatch w : sorted) {
                ServiceWatch.Answer a = w.answer;
                if (a != null) {
                    documents.add(document(w.target, a));
                }
                String problem = w.problem;
                if (problem != null) {
                    diagnostics.add(Diagnostic.warning("ConsulResolver/" + w.target.resolver() + "."
                            + w.target.resolverNamespace(), "Consul service " + w.target.service() + ": " + problem
                            + " (retrying; the last answer is kept)"));
                }
            }
        }
        boolean entriesChanged = changed.getAndSet(false);
        return new SourceRead(new ResourceSnapshot(documents, diagnostics),
                ChangedKinds.of(entriesChanged || watchesChanged ? Set.of(KIND) : Set.of()));
    }

    @Override
    public synchronized void close() {
        closed = true;
        watches.values().forEach(ServiceWatch::stop);
        watches.clear();
    }

    /** The (resolver, service) pairs that the snapshot's Mappings and TCPMappings ask for. */
    Set<ConsulTarget> wantedTargets(ResourceSnapshot base, List<Diagnostic> diagnostics) {
        // What each document says is remembered by document instance: sources hand over the same instance for an
        // unchanged document, whose parsed tree may have been let go since (RawDocument#releaseTree), so only new
        // documents are read.
        Map<RawDocument, Said> before = said;
        Map<RawDocument, Said> now = new IdentityHashMap<>(base.documents().size() * 2);
        Map<String, Resolver> resolvers = new TreeMap<>();
        List<Wanted> wanted = new ArrayList<>();
        List<Wanted> fromAnnotations = new ArrayList<>();
        for (RawDocument d : base.documents()) {
            Said s = before.get(d);
            if (s == null) {
                s = said(d);
            }
            now.put(d, s);
            s.resolver().ifPresent(r -> resolvers.putIfAbsent(r.name(), r));
            wanted.addAll(s.wanted());
            fromAnnotations.addAll(s.fromAnnotations());
        }
        said = now;
        wanted.addAll(fromAnnotations);
        Set<ConsulTarget> out = new HashSet<>();
        for (Wanted w : wanted) {
            Resolver resolver = resolvers.get(w.resolver());
            if (resolver == null) {
                continue;
            }
            out.add(new ConsulTarget(w.resolver(), resolver.namespace(), resolver.address(), resolver.datacenter(),
                    w.service()));
        }
        return out;
    }

    /** A ConsulResolver for this instance, as far as watching goes. */
    private record Resolver(String name, String namespace, String address, Optional<String> datacenter) {
    }

    /** A Mapping or TCPMapping for this instance that resolves {@code service} through {@code resolver}. */
    private record Wanted(String resolver, String service) {
    }

    /** What one document tells the watcher: a resolver, or services wanted (its own, and its annotation's). */
    private record Said(Optional<Resolver> resolver, List<Wanted> wanted, List<Wanted> fromAnnotations) {
        static final Said NOTHING = new Said(Optional.empty(), List.of(), List.of());
    }

    private Said said(RawDocument d) {
        if (d.apiVersion().startsWith("getambassador.io/")) {
            if (!d.kind().equals("ConsulResolver") && !d.kind().equals("Mapping") && !d.kind().equals("TCPMapping")) {
                return Said.NOTHING;
            }
            ObjectNode tree = d.tree();
            if (!forThisInstance(tree)) {
                return Said.NOTHING;
            }
            if (d.kind().equals("ConsulResolver")) {
                JsonNode spec = tree.path("spec");
                String dc = spec.path("datacenter").asText("");
                return new Said(Optional.of(new Resolver(tree.path("metadata").path("name").asText(),
                        tree.path("metadata").path("namespace").asText("default"), spec.path("address").asText(""),
                        dc.isEmpty() ? Optional.empty() : Optional.of(dc))), List.of(), List.of());
            }
            return wanted(tree).map(w -> new Said(Optional.empty(), List.of(w), List.of())).orElse(Said.NOTHING);
        }
        if (!d.hasConfigAnnotation()) {
            return Said.NOTHING;
        }
        List<Wanted> out = new ArrayList<>();
        for (RawDocument embedded : withAnnotations(List.of(d))) {
            if (embedded == d) {
                continue;
            }
            ObjectNode tree = embedded.tree();
            if (tree.path("apiVersion").asText().startsWith("getambassador.io/") && forThisInstance(tree)) {
                wanted(tree).ifPresent(out::add);
            }
        }
        return out.isEmpty() ? Said.NOTHING : new Said(Optional.empty(), List.of(), List.copyOf(out));
    }

    /** The (resolver, service) a Mapping or TCPMapping asks for, when it names both. */
    private static Optional<Wanted> wanted(ObjectNode mapping) {
        String resolverName = mapping.path("spec").path("resolver").asText("");
        String service = mapping.path("spec").path("service").asText("");
        return resolverName.isEmpty() || service.isEmpty() ? Optional.empty()
                : Optional.of(new Wanted(resolverName, service));
    }

    /**
     * The documents, plus the Mappings and TCPMappings written in {@code getambassador.io/config} annotations of
     * other objects (Services, Ingresses), which Emissary also watches Consul for. ConsulResolvers count only as
     * resources of their own, as in Emissary.
     */
    private static List<RawDocument> withAnnotations(List<RawDocument> documents) {
        List<RawDocument> out = new ArrayList<>(documents);
        for (RawDocument d : documents) {
            if (d.apiVersion().startsWith("getambassador.io/")) {
                continue;
            }
            JsonNode annotation = d.tree().path("metadata").path("annotations").path(ANNOTATION);
            if (!annotation.isTextual()) {
                continue;
            }
            for (RawDocument embedded : dev.legate.compiler.config.YamlDocuments.parse(
                    d.location().origin() + " annotation", annotation.asText()).documents()) {
                String kind = embedded.tree().path("kind").asText();
                if (kind.equals("Mapping") || kind.equals("TCPMapping")) {
                    out.add(embedded.tree().has("spec") ? embedded : withSpec(embedded));
                }
            }
        }
        return out;
    }

    /** An annotation's flat form ({@code name}, {@code prefix}, ... at the top) with its fields under spec. */
    private static RawDocument withSpec(RawDocument flat) {
        ObjectNode tree = MAPPER.createObjectNode();
        ObjectNode spec = flat.tree().deepCopy();
        tree.set("apiVersion", spec.remove("apiVersion"));
        tree.set("kind", spec.remove("kind"));
        tree.putObject("metadata").set("name", spec.remove("name"));
        tree.set("spec", spec);
        return new RawDocument(tree, flat.location());
    }

    /** {@code ambassador_id} absent means {@code default}; a string or a list of strings otherwise. */
    private boolean forThisInstance(ObjectNode tree) {
        JsonNode ids = tree.path("spec").path("ambassador_id");
        if (ids.isMissingNode() || ids.isNull()) {
            return ambassadorId.equals("default");
        }
        if (ids.isTextual()) {
            return ids.asText().equals(ambassadorId);
        }
        if (ids.isArray()) {
            for (JsonNode id : ids) {
                if (id.asText().equals(ambassadorId)) {
                    return true;
                }
            }
            return ids.isEmpty() && ambassadorId.equals("default");
        }
        return false;
    }

    static String documentName(ConsulTarget t) {
        String service = t.service().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
        String name = t.resolver() + "--" + service;
        if (!service.equals(t.service()) || name.length() > 253) {
            // Different Consul names may clean up to the same name: keep them apart.
            String hash = Integer.toHexString(t.service().hashCode());
            name = name.substring(0, Math.min(name.length(), 240)) + "-" + hash;
        }
        return name;
    }

    private static RawDocument document(ConsulTarget t, ServiceWatch.Answer answer) {
        ObjectNode tree = MAPPER.createObjectNode();
        tree.put("apiVersion", API_VERSION);
        tree.put("kind", KIND);
        ObjectNode metadata = tree.putObject("metadata");
        metadata.put("name", documentName(t));
        metadata.put("namespace", t.resolverNamespace());
        ObjectNode spec = tree.putObject("spec");
        spec.put("resolver", t.resolver());
        spec.put("address", t.address());
        t.datacenter().ifPresent(dc -> spec.put("datacenter", dc));
        spec.put("service", t.service());
        spec.put("index", answer.index());
        ArrayNode endpoints = spec.putArray("endpoints");
        for (ConsulEndpoint e : answer.endpoints()) {
            ObjectNode o = endpoints.addObject();
            o.put("address", e.address());
            o.put("port", e.port());
            o.put("node", e.node());
            o.put("nodeId", e.nodeId());
            o.put("serviceId", e.serviceId());
            ArrayNode tags = o.putArray("tags");
            e.tags().forEach(tags::add);
        }
        return new RawDocument(tree, new SourceLocation("consul:" + t.address() + "/"
                + t.datacenter().orElse("") + "/" + t.service(), 0));
    }

    /** Healthy instances from a {@code /v1/health/service} answer, sorted. */
    static List<ConsulEndpoint> parseHealth(JsonNode body) {
        List<ConsulEndpoint> out = new ArrayList<>();
        for (JsonNode entry : body) {
            JsonNode node = entry.path("Node");
            JsonNode service = entry.path("Service");
            String address = service.path("Address").asText("");
            if (address.isEmpty()) {
                // Services outside Kubernetes often register no address: the node's is the one to use.
                address = node.path("Address").asText("");
            }
            List<String> tags = new ArrayList<>();
            service.path("Tags").forEach(tag -> tags.add(tag.asText()));
            out.add(new ConsulEndpoint(node.path("Node").asText(""), node.path("ID").asText(""),
                    service.path("ID").asText(""), address, service.path("Port").asInt(0), tags));
        }
        out.sort(ConsulEndpoint.ORDER);
        return List.copyOf(out);
    }

    /** One blocking-query loop. */
    private final class ServiceWatch {

        record Answer(long index, List<ConsulEndpoint> endpoints) {
        }

        private final ConsulTarget target;
        private final URI base;
        private volatile @Nullable Answer answer;
        private volatile @Nullable String problem;
        private volatile boolean stopped;
        private @Nullable Thread thread;

        ServiceWatch(ConsulTarget target, URI base) {
            this.target = target;
            this.base = base;
        }

        void start() {
            thread = Thread.ofVirtual().name("legate-consul-" + target.service()).start(this::loop);
        }

        void stop() {
            stopped = true;
            if (thread != null) {
                thread.interrupt();
            }
        }

        private URI uri(long index) {
            StringBuilder q = new StringBuilder("passing=1");
            target.datacenter().ifPresent(dc -> q.append("&dc=").append(URLEncoder.encode(dc,
                    StandardCharsets.UTF_8)));
            if (index > 0) {
                q.append("&index=").append(index).append("&wait=").append(wait.toMillis()).append("ms");
            }
            return URI.create(base + "/v1/health/service/"
                    + URLEncoder.encode(target.service(), StandardCharsets.UTF_8).replace("+", "%20") + "?" + q);
        }

        private void loop() {
            long index = 0;
            Duration backoff = MIN_BACKOFF;
            while (!stopped && !closed) {
                try {
                    // Consul adds up to wait/16 of jitter to the wait: allow for it, and for the network.
                    HttpRequest request = HttpRequest.newBuilder(uri(index)).GET()
                            .timeout(wait.plus(wait.dividedBy(16)).plusSeconds(10)).build();
                    HttpResponse<byte[]> response = http().send(request, HttpResponse.BodyHandlers.ofByteArray());
                    if (response.statusCode() != 200) {
                        throw new IOException("HTTP " + response.statusCode() + ": "
                                + new String(response.body(), StandardCharsets.UTF_8).strip());
                    }
                    long next = response.headers().firstValueAsLong("X-Consul-Index").orElse(0);
                    List<ConsulEndpoint> endpoints = parseHealth(MAPPER.readTree(response.body()));
                    if (next < index) {
                        // The index went backwards (a Consul restart, a snapshot restore): start over.
                        next = 0;
                    } else if (next < 1) {
                        next = 1;
                    }
                    index = next;
                    backoff = MIN_BACKOFF;
                    Answer previous = answer;
                    boolean recovered = problem != null;
                    problem = null;
                    if (previous == null || !previous.endpoints().equals(endpoints) || recovered) {
                        answer = new Answer(index, endpoints);
                        LOG.debug("Consul: {} has {} healthy instances (index {})", target.service(), endpoints.size(),
                                index);
                        changed.set(true);
                        onChange.run();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    if (stopped || closed) {
                        return;
                    }
                    String message = e.getMessage() == null ? e.toString() : e.getMessage();
                    if (!message.equals(problem)) {
                        LOG.warn("Consul: watching {} at {}: {}; retrying", target.service(), base, message);
                        problem = message;
                        changed.set(true);
                        onChange.run();
                    }
                    index = 0;
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException ie) {
                        return;
                    }
                    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF
                            : backoff.multipliedBy(2);
                }
            }
        }
    }
}
