package dev.legate.status;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election over a coordination.k8s.io Lease, with fabric8's {@code LeaderElector}. A replica that loses the
 * Lease (or cannot renew it in time) stops leading at once and stands again as a candidate; {@link #close()}
 * releases the Lease so another replica takes over without waiting for it to expire.
 */
public final class LeaderElection implements Leadership, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    private final KubernetesClient client;
    private final LeaseSettings settings;
    private final AtomicBoolean leading = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** Restarts a candidacy after a term ends; one thread, so candidacies never overlap. */
    private final ScheduledExecutorService restarts;
    /** The current candidacy or term. Written only on the restarts thread (and by close). */
    private volatile @Nullable CompletableFuture<?> running;

    private LeaderElection(KubernetesClient client, LeaseSettings settings) {
        this.client = client;
        this.settings = settings;
        this.restarts = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "legate-leader-election");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts standing for the Lease; returns at once. */
    public static LeaderElection start(KubernetesClient client, LeaseSettings settings) {
        LeaderElection election = new LeaderElection(requireNonNull(client, "client"),
                requireNonNull(settings, "settings"));
        election.restarts.execute(election::stand);
        return election;
    }

    public LeaseSettings settings() {
        return settings;
    }

    @Override
    public boolean leading() {
        return leading.get();
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(requireNonNull(listener, "listener"));
    }

    private void stand() {
        if (closed.get()) {
            return;
        }
        CompletableFuture<?> term = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(settings.name())
                .withLock(new LeaseLock(settings.namespace(), settings.name(), settings.identity()))
                .withLeaseDuration(settings.leaseDuration())
                .withRenewDeadline(settings.renewDeadline())
                .withRetryPeriod(settings.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(() -> set(true), () -> set(false),
                        holder -> LOG.info("status writer: Lease {}/{} {}", settings.namespace(), settings.name(),
                                holder == null || holder.isEmpty() ? "released" : "is held by " + holder)))
                .build()).build().start();
        running = term;
        if (closed.get()) {
            term.cancel(true); // close() ran while this candidacy was being set up
        }
        // A term ends when the Lease is lost or cannot be renewed (or acquiring failed): stand again, after a pause
        // so that a broken API server is not hammered.
        term.whenComplete((ignored, failure) -> {
            set(false);
            if (!closed.get()) {
                if (failure != null) {
                    LOG.warn("status writer: leader election for Lease {}/{} ended: {}; standing again",
                            settings.namespace(), settings.name(), failure.toString());
                }
                restarts.schedule(this::stand, settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private void set(boolean now) {
        if (leading.getAndSet(now) != now) {
            LOG.info("status writer: {} leading (Lease {}/{}, identity {})", now ? "started" : "stopped",
                    settings.namespace(), settings.name(), settings.identity());
            listeners.forEach(Runnable::run);
        }
    }

    /** Stops standing and releases the Lease if this replica holds it. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        CompletableFuture<?> term = running;
        if (term != null) {
            term.cancel(true);
        }
        set(false);
        restarts.shutdownNow();
    }
}
