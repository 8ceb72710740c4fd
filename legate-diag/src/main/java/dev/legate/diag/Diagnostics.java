package dev.legate.diag;

import static java.util.Objects.requireNonNull;

import dev.legate.diag.Rows.EnvoyRow;
import dev.legate.diag.Rows.NackRow;
import dev.legate.diag.Rows.RouteRow;
import dev.legate.diag.Rows.SourceRow;
import dev.legate.diag.Rows.XdsTypeRow;
import dev.legate.compiler.output.Reports;
import dev.legate.model.Resource;
import dev.legate.xds.ClientStatus;
import java.lang.ref.SoftReference;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The diagnostics of one running gateway: keeps the reconfiguration history, builds the read-only views the pages
 * show (once per configuration), and feeds the metrics. Thread-safe: {@link #record} is called by the
 * reconfiguration thread, everything else by HTTP threads.
 */
public final class Diagnostics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Diagnostics.class);
    /** How many reconfigurations the history keeps. */
    public static final int HISTORY = 20;

    private final DiagOptions options;
    private final GatewayState gateway;
    private final Clock clock;
    private final GatewayMetrics metrics;
    private final EnvoyAdmin envoyAdmin;
    private final Deque<Reconfiguration> history = new ArrayDeque<>();
    private final ReentrantLock viewLock = new ReentrantLock();
    /**
     * How long after a page was last looked at the tables of each new configuration are still built in advance. At
     * 10,000 Mappings the tables and their search texts hold about 60 MB: a gateway nobody is looking at does not
     * keep them.
     */
    static final long PREBUILD_AFTER_A_LOOK_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(10);

    /**
     * The view of the configuration last looked at. Written under {@link #viewLock}. Softly held: a view nobody
     * looked at lately is let go when the heap runs short (the next page view builds it again), so the diagnostics
     * never cost the gateway its memory.
     */
    private volatile @Nullable SoftReference<ConfigView> view;
    /** {@link System#nanoTime()} when a page last used the view; empty before the first. */
    private volatile OptionalLong lastLook = OptionalLong.empty();
    private final ExecutorService prebuild = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "legate-diag-view");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean prebuildQueued = new AtomicBoolean();

    public Diagnostics(DiagOptions options, GatewayState gateway, Clock clock) {
        this.options = requireNonNull(options, "options");
        this.gateway = requireNonNull(gateway, "gateway");
        this.clock = requireNonNull(clock, "clock");
        this.envoyAdmin = new EnvoyAdmin(options.envoyAdminPort());
        this.metrics = new GatewayMetrics(gateway, envoyAdmin);
    }

    public DiagOptions options() {
        return options;
    }

    GatewayState gateway() {
        return gateway;
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    EnvoyAdmin envoyAdmin() {
        return envoyAdmin;
    }

    /** Records a reconfiguration attempt: history, metrics, and (in the background) the new view. */
    public void record(Reconfiguration attempt) {
        requireNonNull(attempt, "attempt");
        synchronized (history) {
            history.addFirst(attempt);
            while (history.size() > HISTORY) {
                history.removeLast();
            }
        }
        metrics.record(attempt);
        if (attempt.outcome() == Reconfiguration.Outcome.PUBLISHED && !lookedAtLately()) {
            // Nobody is looking: the tables of the configuration replaced are of no use any more, and the next
            // page view builds the new ones.
            view = null;
        } else if (attempt.outcome() == Reconfiguration.Outcome.PUBLISHED && prebuildQueued.compareAndSet(false, true)) {
            // Someone is looking: build the new tables (and their search texts) now, off the reconfiguration thread,
            // so the next page view and search do not wait.
            prebuild.execute(() -> {
                prebuildQueued.set(false);
                try {
                    view().ifPresent(ConfigView::prepareSearch);
                } catch (RuntimeException e) {
                    LOG.warn("could not prepare the diagnostics view", e);
                }
            });
        }
    }

    /** The reconfigurations, newest first. */
    public List<Reconfiguration> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** The view held now, if any (for tests). */
    Optional<ConfigView> heldView() {
        SoftReference<ConfigView> ref = view;
        return Optional.ofNullable(ref == null ? null : ref.get());
    }

    /** Whether a page used the view within {@link #PREBUILD_AFTER_A_LOOK_NANOS}. */
    private boolean lookedAtLately() {
        OptionalLong last = lastLook;
        return last.isPresent() && System.nanoTime() - last.getAsLong() < PREBUILD_AFTER_A_LOOK_NANOS;
    }

    /** The tables of the configuration being served, for a page: built on first use. */
    Optional<ConfigView> currentView() {
        lastLook = OptionalLong.of(System.nanoTime());
        return view();
    }

    /** The tables of the configuration being served, built if there are none for it. */
    private Optional<ConfigView> view() {
        Optional<ServedConfiguration> served = gateway.served();
        if (served.isEmpty()) {
            return Optional.empty();
        }
        SoftReference<ConfigView> ref = view;
        ConfigView v = ref == null ? null : ref.get();
        if (v != null && sameConfiguration(v.served, served.get())) {
            return Optional.of(v);
        }
        viewLock.lock();
        try {
            ref = view;
            v = ref == null ? null : ref.get();
            if (v == null || !sameConfiguration(v.served, served.get())) {
                view = null; // the old tables can go while the new ones are built
                long t0 = System.nanoTime();
                v = ConfigView.of(served.get());
                view = new SoftReference<>(v);
                LOG.debug("diagnostics view of reconfiguration {} built in {} ms ({} routes)", served.get().number(),
                        (System.nanoTime() - t0) / 1_000_000, v.routes.size());
            }
            return Optional.of(v);
        } finally {
            viewLock.unlock();
        }
    }

    private static boolean sameConfiguration(ServedConfiguration a, ServedConfiguration b) {
        return a.number() == b.number() && a.result() == b.result();
    }

    /** The overview's data for one query. */
    public Overview overview(OverviewQuery query) {
        requireNonNull(query, "query");
        Optional<ConfigView> v = currentView();
        Optional<ServedConfiguration> served = v.map(x -> x.served);
        List<Reconfiguration> reconfigurations = history();
        Reconfiguration lastFailure = reconfigurations.stream()
                .filter(r -> r.outcome() == Reconfiguration.Outcome.FAILED)
                .filter(r -> served.isEmpty() || r.number() > served.get().number())
                .findFirst().orElse(null);
        boolean enabled = served.map(s -> s.result().ir().settings().diagnosticsEnabled()).orElse(true);
        boolean nonLocal = served.map(s -> s.result().ir().settings().diagnosticsAllowNonLocal()).orElse(false);
        Overview.SystemInfo system = new Overview.SystemInfo(legateVersion(), options.ambassadorId(),
                gateway.ready() ? "ready" : "not ready", served.map(ServedConfiguration::version).orElse(null),
                served.map(s -> s.at().toString()).orElse(null),
                reconfigurations.isEmpty() ? 0 : reconfigurations.get(0).number(),
                options.envoyAdminPort().isPresent() ? "supervised" : "external", LogLevels.current(),
                envoyAdmin.lastLevel(),
                enabled, nonLocal, clock.instant().toString());
        int size = query.pageSize();
        if (v.isEmpty()) {
            return new Overview(system, lastFailure, java.util.Map.of(), java.util.Map.of(),
                    Page.of(List.of(), List.of(), query.sourceQuery(), 1, size),
                    Page.of(List.of(), List.of(), query.routeQuery(), 1, size),
                    Page.of(List.of(), List.of(), query.clusterQuery(), 1, size),
                    List.of(), List.of(), List.of(), envoys(), reconfigurations);
        }
        ConfigView c = v.get();
        return new Overview(system, lastFailure, c.resourcesByKind, c.diagnosticsBySeverity,
                c.sources(query.sourceQuery(), query.sourcePage(), size),
                c.routes(query.routeQuery(), query.routePage(), size),
                c.clusters(query.clusterQuery(), query.clusterPage(), size),
                c.listeners, c.hosts, c.tlsContexts, envoys(), reconfigurations);
    }

    /** The page of one source ({@code Kind/name.namespace} or {@code file:PATH}), if the configuration has it. */
    public Optional<ResourceDetail> resource(String key) {
        requireNonNull(key, "key");
        Optional<ConfigView> v = currentView();
        if (v.isEmpty()) {
            return Optional.empty();
        }
        ConfigView c = v.get();
        SourceRow source = c.source(key);
        if (source == null) {
            return Optional.empty();
        }
        Resource<?> resource = c.resource(key);
        String yaml = resource == null ? "" : Reports.snapshotYaml(List.of(resource));
        List<RouteRow> routes = c.routesMadeBy(key);
        return Optional.of(new ResourceDetail(source, yaml, routes.size(),
                routes.subList(0, Math.min(routes.size(), ResourceDetail.ROUTE_LIMIT)),
                c.clusters.stream().filter(x -> ConfigView.madeBy(x.sources(), key)).toList(),
                c.hosts.stream().filter(x -> ConfigView.madeBy(x.sources(), key)).toList(),
                c.tlsContexts.stream().filter(x -> ConfigView.madeBy(x.sources(), key)).toList(),
                c.listeners.stream().filter(x -> ConfigView.madeBy(x.sources(), key)).toList()));
    }

    /** The connected Envoys and, per type, what they accepted or rejected. */
    List<EnvoyRow> envoys() {
        List<EnvoyRow> rows = new ArrayList<>();
        for (ClientStatus c : gateway.clients()) {
            List<XdsTypeRow> types = c.types().stream().map(t -> {
                ClientStatus.Nack nack = t.lastNack();
                String state;
                if (t.sentVersion() == null) {
                    state = "SUBSCRIBED";
                } else if (t.awaitingAnswer()) {
                    state = "WAITING";
                } else if (nack != null && nack.version().equals(t.sentVersion())
                        && !t.sentVersion().equals(t.ackedVersion())) {
                    state = "NACKED";
                } else {
                    state = "ACKED";
                }
                return new XdsTypeRow(t.type().name(), state, t.sentVersion(), t.ackedVersion(),
                        t.ackedAt() == null ? null : t.ackedAt().toString(), nack == null ? null
                                : new NackRow(nack.version(), nack.code(), nack.message(), nack.at().toString()));
            }).toList();
            rows.add(new EnvoyRow(c.nodeId(), c.cluster(), c.userAgent(), c.address(), c.protocol().name(),
                    c.connectedSince().toString(), types));
        }
        return rows;
    }

    Instant now() {
        return clock.instant();
    }

    static String legateVersion() {
        String v = Diagnostics.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    @Override
    public void close() {
        prebuild.shutdownNow();
    }
}
