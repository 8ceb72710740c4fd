package dev.legate.status;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import com.google.common.util.concurrent.RateLimiter;
import dev.legate.compiler.CompileResult;
import dev.legate.model.ResourceKey;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each resource's status, from the latest {@link StatusReport}, into the cluster.
 *
 * <ul>
 *   <li>{@link #publish} never blocks: it replaces the report waiting to be written (only the newest matters);
 *   <li>only while {@link Leadership#leading()}: on becoming leader it first reads what the cluster already holds
 *       (one list per kind), so a failover rewrites nothing that is already right;
 *   <li>a status is written only when the fields Legate owns would change, through the {@code status}
 *       subresource (other status fields, and the spec, are never touched); at most
 *       {@link StatusSettings#writesPerSecond()} writes a second;
 *   <li>Ingresses get the gateway Service's {@code status.loadBalancer}; a change of that Service (watched here)
 *       rewrites them without waiting for a compile;
 *   <li>a failed write is logged and tried again later; an object that no longer exists is skipped.
 * </ul>
 * One thread does all the writing; the state below is confined to it unless marked otherwise.
 */
public final class StatusWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final StatusSettings settings;
    private final Leadership leadership;
    private final Clock clock;
    private final RateLimiter limiter;
    private final Thread worker;
    private final @Nullable SharedIndexInformer<Service> serviceInformer;

    /** Shared: the newest report, and a wake-up for the worker (publish, leadership, Service change, close). */
    private final AtomicReference<Supplier<StatusReport>> latest = new AtomicReference<>(() -> StatusReport.EMPTY);
    private final AtomicLong reportNumber = new AtomicLong();
    private final AtomicLong leadershipChanges = new AtomicLong();
    private final BlockingQueue<Boolean> wake = new ArrayBlockingQueue<>(1);
    private volatile boolean closed;

    /** Shared counters, for diagnostics and tests. */
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong passes = new AtomicLong();

    // Worker-confined.
    /** The owned status fields last written or seen, per object, since this replica started leading. */
    private final Map<ResourceKey, ObjectNode> known = new HashMap<>();
    private boolean seeded;
    private boolean retryPending;
    private long seenLeadershipChanges = -1;

    /** Counters of one writer. */
    public record Stats(long writes, long failures, long passes) {
    }

    private StatusWriter(KubernetesClient client, StatusSettings settings, Leadership leadership, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.leadership = leadership;
        this.clock = clock;
        this.limiter = RateLimiter.create(settings.writesPerSecond());
        this.serviceInformer = settings.kinds().contains("Ingress") ? watchGatewayService() : null;
        this.worker = new Thread(this::run, "legate-status-writer");
        this.worker.setDaemon(true);
    }

    /**
     * Starts the writer. It writes nothing until the first {@link #publish} and while {@code leadership} says
     * another replica leads.
     */
    public static StatusWriter start(KubernetesClient client, StatusSettings settings, Leadership leadership,
            Clock clock) {
        StatusWriter writer = new StatusWriter(requireNonNull(client, "client"), requireNonNull(settings, "settings"),
                requireNonNull(leadership, "leadership"), requireNonNull(clock, "clock"));
        leadership.onChange(() -> {
            writer.leadershipChanges.incrementAndGet();
            writer.poke();
        });
        writer.worker.start();
        return writer;
    }

    /** The statuses to write now; replaces any report not written yet. Never blocks. */
    public void publish(StatusReport report) {
        requireNonNull(report, "report");
        offer(() -> report);
    }

    /**
     * {@code publish(StatusReport.from(result))}, with the outcomes worked out on the writer's thread rather than the
     * caller's (a reconfiguration should not wait for them).
     */
    public void publish(CompileResult result) {
        requireNonNull(result, "result");
        offer(Suppliers.memoize(() -> StatusReport.from(result)));
    }

    private void offer(Supplier<StatusReport> report) {
        latest.set(report);
        reportNumber.incrementAndGet();
        poke();
    }

    public Stats stats() {
        return new Stats(writes.get(), failures.get(), passes.get());
    }

    private void poke() {
        wake.offer(Boolean.TRUE);
    }

    private void run() {
        boolean again = false;
        while (!closed) {
            try {
                if (!again) {
                    // Sleep until something happens; with failed writes to retry, no longer than retryAfter.
                    if (retryPending) {
                        wake.poll(settings.retryAfter().toMillis(), TimeUnit.MILLISECONDS);
                    } else {
                        wake.take();
                    }
                }
                if (closed) {
                    return;
                }
                again = pass();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // Never let one bad pass end the writer; the next wake-up (or the retry timer) tries again.
                LOG.error("status writer: unexpected error; will try again", e);
                again = false;
            }
        }
    }

    /** One pass over the newest report. Returns true when it should run again at once (something newer came). */
    private boolean pass() throws InterruptedException {
        passes.incrementAndGet();
        long changes = leadershipChanges.get();
        if (changes != seenLeadershipChanges) {
            seenLeadershipChanges = changes;
            known.clear();
            seeded = false;
        }
        retryPending = false;
        if (!leadership.leading()) {
            known.clear();
            seeded = false;
            return false;
        }
        if (!seeded) {
            if (!seed()) {
                retryPending = true; // the API server could not be read: compare (and write) later
                return false;
            }
            seeded = true;
        }
        long number = reportNumber.get();
        StatusReport report = latest.get().get();
        Optional<JsonNode> loadBalancer = gatewayLoadBalancer();
        int failed = 0;
        Set<ResourceKey> current = new HashSet<>();
        for (ResourceOutcome outcome : report.outcomes()) {
            ResourceKey key = outcome.key();
            current.add(key);
            if (!settings.kinds().contains(key.kind())
                    || key.kind().equals("Ingress") && loadBalancer.isEmpty()) {
                continue;
            }
            ObjectNode previous = known.getOrDefault(key, JSON.createObjectNode());
            ObjectNode wanted = StatusDocuments.desired(outcome, previous, loadBalancer.orElse(null),
                    clock.instant());
            if (wanted.equals(previous)) {
                continue;
            }
            if (reportNumber.get() != number || leadershipChanges.get() != changes || closed) {
                return !closed; // start again from the newest report (or with the new leadership)
            }
            limiter.acquire();
            if (!leadership.leading()) {
                return false;
            }
            if (write(key, wanted)) {
                known.put(key, wanted);
            } else {
                failed++;
            }
        }
        // Forget objects no longer reported: if one comes back, it is compared afresh.
        known.keySet().retainAll(current);
        retryPending = failed > 0;
        if (failed > 0) {
            LOG.warn("status writer: {} status writes failed; trying again in {} s", failed,
                    settings.retryAfter().toSeconds());
        }
        return false;
    }

    /**
     * Writes one object's status through the {@code status} subresource: the object is read, its owned status
     * fields replaced, and the difference sent as a JSON patch (so fields other controllers own are kept, and the
     * spec is never written). True when written, or when there is nothing to write to.
     */
    private boolean write(ResourceKey key, ObjectNode wanted) {
        try {
            client.genericKubernetesResources(StatusTargets.of(key.kind())).inNamespace(key.namespace())
                    .withName(key.name()).editStatus(current -> {
                        JsonNode status = JSON.valueToTree(current.getAdditionalProperties().get("status"));
                        current.setAdditionalProperty("status", JSON.convertValue(
                                StatusDocuments.apply(key.kind(), status, wanted), Map.class));
                        return current;
                    });
            writes.incrementAndGet();
            LOG.debug("status writer: {} status {}", key, wanted);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                // Deleted since the compile, or defined in an annotation (no object of its own): nothing to write.
                LOG.debug("status writer: {} not found; skipped", key);
                return true;
            }
            failures.incrementAndGet();
            LOG.warn("status writer: could not write the status of {}: {}", key, e.getMessage());
            return false;
        }
    }

    /**
     * Reads the statuses already in the cluster, so that only what differs is written. False when the cluster could
     * not be read (a kind whose CRD is not installed is not a failure: its objects have no status to compare).
     */
    private boolean seed() {
        known.clear();
        for (String kind : settings.kinds()) {
            ResourceDefinitionContext context = StatusTargets.of(kind);
            try {
                var operation = client.genericKubernetesResources(context);
                List<GenericKubernetesResource> items = settings.namespace().isPresent()
                        ? operation.inNamespace(settings.namespace().get()).list().getItems()
                        : operation.inAnyNamespace().list().getItems();
                for (GenericKubernetesResource item : items) {
                    ResourceKey key = new ResourceKey(kind, item.getMetadata().getName(),
                            item.getMetadata().getNamespace());
                    JsonNode status = JSON.valueToTree(item.getAdditionalProperties().get("status"));
                    known.put(key, StatusDocuments.owned(kind, status));
                }
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    LOG.warn("status writer: could not list {} to compare statuses: {}; trying again in {} s", kind,
                            e.getMessage(), settings.retryAfter().toSeconds());
                    known.clear();
                    return false;
                }
                LOG.info("status writer: {} is not served (its CRD is not installed?)", kind);
            }
        }
        return true;
    }

    private @Nullable SharedIndexInformer<Service> watchGatewayService() {
        GatewayService target = settings.gatewayService();
        var services = client.services().inNamespace(target.namespace());
        SharedIndexInformer<Service> informer = switch (target) {
            case GatewayService.Named named -> services.withName(named.name()).inform();
            case GatewayService.Labelled labelled ->
                services.withLabel(GatewayService.COMPONENT_LABEL, GatewayService.COMPONENT_VALUE).inform();
        };
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Service service) {
                poke();
            }

            @Override
            public void onUpdate(Service before, Service after) {
                poke();
            }

            @Override
            public void onDelete(Service service, boolean unknownFinalState) {
                poke();
            }
        });
        return informer;
    }

    /** The gateway Service's {@code status.loadBalancer}, when a gateway Service is known. */
    private Optional<JsonNode> gatewayLoadBalancer() {
        if (serviceInformer == null) {
            return Optional.empty();
        }
        GatewayService target = settings.gatewayService();
        return serviceInformer.getStore().list().stream()
                .filter(s -> switch (target) {
                    case GatewayService.Named named -> s.getMetadata().getName().equals(named.name());
                    case GatewayService.Labelled labelled -> labelled.matches(s.getMetadata().getNamespace(),
                            Optional.ofNullable(s.getMetadata().getLabels()).orElse(Map.of()),
                            Optional.ofNullable(s.getSpec()).map(spec -> spec.getSelector()).filter(
                                    java.util.Objects::nonNull).orElse(Map.of()));
                })
                .min(Comparator.comparing(s -> s.getMetadata().getName()))
                .map(s -> s.getStatus() == null || s.getStatus().getLoadBalancer() == null
                        ? JSON.createObjectNode()
                        : JSON.valueToTree(s.getStatus().getLoadBalancer()));
    }

    /** Stops writing (a write under way completes). Does not touch the Lease: close the election separately. */
    @Override
    public void close() {
        closed = true;
        poke();
        worker.interrupt();
        if (serviceInformer != null) {
            serviceInformer.close();
        }
        try {
            worker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
