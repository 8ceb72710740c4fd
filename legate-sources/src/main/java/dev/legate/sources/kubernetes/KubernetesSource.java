package dev.legate.sources.kubernetes;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.Diagnostic;
import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.sources.ChangedKinds;
import dev.legate.sources.SnapshotSource;
import dev.legate.sources.SourceRead;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a Kubernetes cluster with one fabric8 informer per kind and reads the informers' caches as one
 * {@link ResourceSnapshot}.
 *
 * <p>Which getambassador.io version is watched comes from discovery: the most preferred served version of each kind
 * (v3alpha1, then v2, then v1), exactly one per kind, since the API server returns every object in every served
 * version. A kind that is not served (its CRD is not installed, or RBAC forbids listing it) is reported as a load
 * diagnostic and logged, never fatal: its informer keeps retrying with backoff, so installing the CRD later starts
 * the watch without a restart.
 *
 * <p>Every read is rebuilt from the informers' caches, never from a log of events: after a watch error, a 410 Gone or
 * an API server restart the informers relist, their caches converge on the server's state, and the next read does
 * too. Events only say that something changed (and which kind); an update that changes nothing the compiler reads
 * (status, resourceVersion) is not reported as a change.
 */
public final class KubernetesSource implements SnapshotSource {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesSource.class);

    /** Whether closing the source closes the client too. */
    public enum ClientOwnership {
        CLOSE_WITH_SOURCE, SHARED
    }

    /** How one kind's watch is doing. */
    public sealed interface WatchState {
        /** Started, first list not answered yet. */
        record Starting() implements WatchState {
        }

        /** Listed, and watching. */
        record Synced() implements WatchState {
        }

        /** The API server does not serve the kind (404): its CRD is not installed. Retried. */
        record NotServed(String message) implements WatchState {
        }

        /** Listing or watching fails for another reason (403 without RBAC, connection refused...). Retried. */
        record Failing(String message) implements WatchState {
        }
    }

    private final KubernetesClient client;
    private final KubernetesSettings settings;
    private final ClientOwnership ownership;
    private final Set<String> changedKinds = ConcurrentHashMap.newKeySet();
    /** Written by start(), read by informer callbacks and reads that may run meanwhile. */
    private final List<KindWatch> watches = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Runnable onChange = () -> { };
    /** Open once start() has created every watch: the first read must not see only some of them. */
    private final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean closing;
    /** The first read reports everything as changed. */
    private boolean firstRead = true;

    private KubernetesSource(KubernetesClient client, KubernetesSettings settings, ClientOwnership ownership) {
        this.client = client;
        this.settings = settings;
        this.ownership = ownership;
    }

    /** A source over {@code client}, not yet started. */
    public static KubernetesSource create(KubernetesClient client, KubernetesSettings settings,
            ClientOwnership ownership) {
        return new KubernetesSource(requireNonNull(client, "client"), requireNonNull(settings, "settings"),
                requireNonNull(ownership, "ownership"));
    }

    /** The client, for the parts of Legate that write to the cluster (status). */
    public KubernetesClient client() {
        return client;
    }

    public KubernetesSettings settings() {
        return settings;
    }

    /**
     * Discovers the served versions and starts one informer per kind. Returns at once; the first {@link #read()}
     * waits for the first lists.
     */
    @Override
    public synchronized void start(Runnable onChange) {
        this.onChange = requireNonNull(onChange, "onChange");
        if (!watches.isEmpty()) {
            throw new IllegalStateException("already started");
        }
        List<WatchedKind> kinds = new ArrayList<>();
        Map<String, String> versions = discoverAmbassadorVersions();
        for (String kind : WatchedKinds.AMBASSADOR_KINDS) {
            WatchedKind k = WatchedKinds.ambassador(kind);
            kinds.add(k.withVersion(versions.getOrDefault(k.plural(), k.version())));
        }
        kinds.addAll(WatchedKinds.kubernetes(settings));
        for (WatchedKind kind : kinds) {
            KindWatch watch = new KindWatch(kind);
            watches.add(watch);
            watch.start();
        }
        started.countDown();
        LOG.info("Kubernetes: watching {} kinds in {}{}{}", watches.size(),
                settings.watchedNamespace().map(ns -> "namespace " + ns).orElse("all namespaces"),
                settings.labelSelector().map(l -> ", labels " + l).orElse(""),
                settings.fieldSelector().map(f -> ", fields " + f).orElse(""));
    }

    /**
     * Waits (up to the settings' initial sync timeout) until every kind has been listed or found missing, so that
     * the first compile sees the whole cluster rather than whichever kinds happened to arrive first.
     */
    private void awaitInitialSync() {
        long deadline = System.nanoTime() + settings.initialSyncTimeout().toNanos();
        try {
            // An event may trigger the first read while start() is still creating watches.
            if (!started.await(settings.initialSyncTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.warn("Kubernetes: the watches were not all started within {} s",
                        settings.initialSyncTimeout().toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (KindWatch watch : List.copyOf(watches)) {
            try {
                watch.firstOutcome.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                LOG.warn("{}: not listed within {} s; starting without it (it keeps trying)", watch.kind,
                        settings.initialSyncTimeout().toSeconds());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.debug("{}: {}", watch.kind, e.getCause().toString());
            }
        }
        LOG.info("Kubernetes: initial list done: {}", List.copyOf(watches).stream()
                .map(w -> w.kind.resourceName() + describeState(w.state.get())).collect(Collectors.joining(", ")));
    }

    private static String describeState(WatchState state) {
        return switch (state) {
            case WatchState.Synced s -> "";
            case WatchState.Starting s -> " (listing)";
            case WatchState.NotServed s -> " (not served)";
            case WatchState.Failing f -> " (failing)";
        };
    }

    /**
     * The most preferred served version of each getambassador.io kind, by plural. Kinds not found are left out
     * (they are then watched in v3alpha1 and reported missing until their CRD is installed).
     */
    private Map<String, String> discoverAmbassadorVersions() {
        Map<String, String> found = new java.util.HashMap<>();
        for (String version : WatchedKinds.AMBASSADOR_VERSIONS.reversed()) {
            APIResourceList list;
            try {
                list = client.getApiResources(WatchedKinds.GETAMBASSADOR + "/" + version);
            } catch (KubernetesClientException e) {
                LOG.debug("discovery of {}/{}: {}", WatchedKinds.GETAMBASSADOR, version, e.getMessage());
                continue;
            }
            if (list == null || list.getResources() == null) {
                continue;
            }
            for (APIResource r : list.getResources()) {
                // Later (more preferred) versions overwrite earlier ones.
                if (!r.getName().contains("/")) {
                    found.put(r.getName(), version);
                }
            }
        }
        return found;
    }

    @Override
    public SourceRead read() {
        boolean first;
        synchronized (this) {
            first = firstRead;
        }
        if (first) {
            awaitInitialSync();
        }
        List<RawDocument> documents = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        Set<String> changed;
        synchronized (this) {
            changed = new HashSet<>(changedKinds);
            changedKinds.removeAll(changed);
            if (firstRead) {
                firstRead = false;
                watches.forEach(w -> changed.add(w.kind.kind()));
            }
        }
        for (KindWatch watch : List.copyOf(watches)) {
            documents.addAll(watch.documents());
            watch.diagnostic().ifPresent(diagnostics::add);
        }
        return new SourceRead(new ResourceSnapshot(documents, diagnostics), ChangedKinds.of(changed));
    }

    /** Each kind's watch state, for diagnostics and tests. */
    public Map<WatchedKind, WatchState> states() {
        Map<WatchedKind, WatchState> out = new java.util.LinkedHashMap<>();
        for (KindWatch w : List.copyOf(watches)) {
            out.put(w.kind, w.state.get());
        }
        return out;
    }

    @Override
    public String describe() {
        return "Kubernetes " + client.getMasterUrl() + " ("
                + settings.watchedNamespace().map(ns -> "namespace " + ns).orElse("all namespaces") + ")";
    }

    @Override
    public synchronized void close() {
        closing = true;
        for (KindWatch w : watches) {
            w.stop();
        }
        if (ownership == ClientOwnership.CLOSE_WITH_SOURCE) {
            client.close();
        }
    }

    private void changed(String kind) {
        changedKinds.add(kind);
        onChange.run();
    }

    /** The objects of one kind converted once each: the informer's cached instance and its document. */
    private record Converted(GenericKubernetesResource object, RawDocument document) {
    }

    /** One kind: its informer, its state and its converted documents. */
    private final class KindWatch implements ResourceEventHandler<GenericKubernetesResource> {

        private final WatchedKind kind;
        private final AtomicReference<WatchState> state = new AtomicReference<>(new WatchState.Starting());
        private final CompletableFuture<Void> firstOutcome = new CompletableFuture<>();
        private final FieldSelector fields;
        /** By namespace/name. Written by the informer's thread, read by the reading thread. */
        private final Map<String, Converted> converted = new ConcurrentHashMap<>();
        private volatile @Nullable SharedIndexInformer<GenericKubernetesResource> informer;

        KindWatch(WatchedKind kind) {
            this.kind = kind;
            this.fields = FieldSelector.parse(kind.ownFieldSelector().orElse("")).and(settings.fieldSelector());
        }

        void start() {
            SharedIndexInformer<GenericKubernetesResource> i = scoped().runnableInformer(0);
            i.itemStore(new TrimmingItemStore());
            i.addEventHandler(this);
            i.exceptionHandler((started, t) -> {
                failed(t);
                // Keep trying, whatever the failure: a CRD installed later, RBAC granted later, or an API server
                // back from a restart is then picked up without restarting Legate.
                return !closing;
            });
            informer = i;
            i.start().whenComplete((ok, error) -> {
                if (error == null) {
                    synced();
                }
            });
        }

        private FilterWatchListDeletable<GenericKubernetesResource, ?, Resource<GenericKubernetesResource>>
                scoped() {
            var all = client.genericKubernetesResources(kind.context());
            FilterWatchListDeletable<GenericKubernetesResource, ?, Resource<GenericKubernetesResource>> op;
            if (kind.scope() == WatchedKind.Scope.CLUSTER) {
                op = all;
            } else {
                op = settings.watchedNamespace().<FilterWatchListDeletable<GenericKubernetesResource, ?,
                        Resource<GenericKubernetesResource>>>map(all::inNamespace).orElseGet(all::inAnyNamespace);
            }
            if (settings.labelSelector().isPresent()) {
                op = op.withLabelSelector(settings.labelSelector().get());
            }
            for (FieldSelector.Requirement r : fields.requirements()) {
                op = r.operator() == FieldSelector.Operator.EQUALS ? op.withField(r.field(), r.value())
                        : op.withoutField(r.field(), r.value());
            }
            return op;
        }

        private void synced() {
            WatchState previous = state.getAndSet(new WatchState.Synced());
            firstOutcome.complete(null);
            if (previous instanceof WatchState.NotServed || previous instanceof WatchState.Failing) {
                LOG.info("{}: now listed and watched", kind);
                // The diagnostic about it goes away even if the kind has no objects.
                changed(kind.kind());
            }
        }

        private void failed(Throwable t) {
            if (closing) {
                return;
            }
            WatchState next;
            KubernetesClientException k = t instanceof KubernetesClientException e ? e
                    : t.getCause() instanceof KubernetesClientException e ? e : null;
            if (k != null && k.getCode() == 404) {
                next = new WatchState.NotServed(kind.resourceName() + " is not served by the API server ("
                        + (kind.group().equals(WatchedKinds.GETAMBASSADOR) ? "is its CRD installed?"
                                : "not available in this cluster") + "); watching it once it is");
            } else {
                next = new WatchState.Failing("cannot list or watch " + kind.resourceName() + ": "
                        + (k != null && k.getCode() == 403 ? "forbidden (RBAC: list and watch are needed)"
                                : String.valueOf(t.getMessage())) + "; retrying");
            }
            WatchState previous = state.getAndSet(next);
            boolean wasSynced = previous instanceof WatchState.Synced;
            if (!previous.getClass().equals(next.getClass())) {
                if (next instanceof WatchState.NotServed n && kind.importance() == WatchedKind.Importance.OPTIONAL) {
                    LOG.info("{}", n.message());
                } else if (next instanceof WatchState.NotServed n) {
                    LOG.warn("{}", n.message());
                } else if (next instanceof WatchState.Failing f) {
                    LOG.warn("{}", f.message());
                }
                if (wasSynced) {
                    // The cached objects are kept (the informer relists on recovery); say why anyway.
                    changed(kind.kind());
                }
            }
            // A kind that is not served, or not allowed, will not be listed soon: start without it. A connection
            // failure may be an API server still starting: the first read keeps waiting (up to its timeout) rather
            // than sending Envoy a configuration without the cluster's objects.
            if (k != null && (k.getCode() == 404 || k.getCode() == 403)) {
                firstOutcome.complete(null);
            }
        }

        void stop() {
            if (informer != null) {
                informer.stop();
            }
        }

        Optional<Diagnostic> diagnostic() {
            String source = "kubernetes:" + kind.resourceName();
            return switch (state.get()) {
                case WatchState.NotServed n -> kind.importance() == WatchedKind.Importance.OPTIONAL ? Optional.empty()
                        : Optional.of(Diagnostic.warning(source, n.message()));
                case WatchState.Failing f -> Optional.of(Diagnostic.error(source, f.message()));
                case WatchState.Starting s -> Optional.of(Diagnostic.warning(source, kind.resourceName()
                        + " has not been listed yet; its objects are missing from this configuration"));
                case WatchState.Synced s -> Optional.empty();
            };
        }

        /** The informer's cache, as documents, sorted by namespace and name. */
        List<RawDocument> documents() {
            SharedIndexInformer<GenericKubernetesResource> i = informer;
            if (i == null) {
                return List.of();
            }
            List<GenericKubernetesResource> objects = new ArrayList<>(i.getStore().list());
            objects.sort(Comparator.comparing(KubernetesSource::namespaceOf).thenComparing(KubernetesSource::nameOf));
            List<RawDocument> out = new ArrayList<>(objects.size());
            for (GenericKubernetesResource o : objects) {
                if (!fields.matches(o)) {
                    continue;
                }
                Converted c = converted.get(key(o));
                // The cache holds the instance the informer holds: anything else (a relist that replaced it) is
                // converted afresh.
                out.add(c != null && c.object() == o ? c.document() : KubernetesDocuments.document(kind, o));
            }
            return out;
        }

        @Override
        public void onAdd(GenericKubernetesResource obj) {
            if (!fields.matches(obj)) {
                return;
            }
            converted.put(key(obj), new Converted(obj, KubernetesDocuments.document(kind, obj)));
            changed(kind.kind());
        }

        @Override
        public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
            if (!fields.matches(newObj)) {
                if (converted.remove(key(newObj)) != null) {
                    changed(kind.kind());
                }
                return;
            }
            RawDocument next = KubernetesDocuments.document(kind, newObj);
            Converted previous = converted.put(key(newObj), new Converted(newObj, next));
            RawDocument before = previous != null ? previous.document() : KubernetesDocuments.document(kind, oldObj);
            if (!KubernetesDocuments.sameContent(before, next)) {
                changed(kind.kind());
            }
        }

        @Override
        public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
            if (converted.remove(key(obj)) != null || fields.matches(obj)) {
                changed(kind.kind());
            }
        }
    }

    private static String key(GenericKubernetesResource o) {
        return namespaceOf(o) + "/" + nameOf(o);
    }

    private static String namespaceOf(GenericKubernetesResource o) {
        String ns = o.getMetadata() == null ? null : o.getMetadata().getNamespace();
        return ns == null ? "" : ns;
    }

    private static String nameOf(GenericKubernetesResource o) {
        String name = o.getMetadata() == null ? null : o.getMetadata().getName();
        return name == null ? "" : name;
    }
}
