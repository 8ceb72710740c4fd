package dev.legate.xds;

import static java.util.Objects.requireNonNull;

import dev.legate.xds.ClientStatus.Protocol;
import dev.legate.xds.ClientTracker.StreamContext;
import dev.legate.xds.ContentSnapshot.Entry;
import dev.legate.xds.ContentSnapshot.TypeSet;
import dev.legate.xds.PublishResult.Outcome;
import dev.legate.xds.PublishResult.Step;
import io.envoyproxy.controlplane.cache.SimpleCache;
import io.envoyproxy.controlplane.server.DefaultExecutorGroup;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Legate's ADS server: serves one configuration to every connected Envoy over the Aggregated Discovery Service, both
 * state-of-the-world ({@code StreamAggregatedResources}) and delta ({@code DeltaAggregatedResources}), v3 only,
 * gRPC over plaintext HTTP/2. Built on java-control-plane's {@code V3DiscoveryServer} and {@code SimpleCache}, with
 * one node group: every Envoy gets the same configuration.
 *
 * <h2>Versions</h2>
 * Each type's version is a hash of its content (see {@link XdsVersions}), and each resource's delta version a hash
 * of its bytes (for a route configuration, of its own fields and of the hashes of the chunks of routes it is made
 * of; see {@link RouteBytes}). Publishing identical content therefore sends nothing, replicas agree, and an Envoy that reconnects to
 * a restarted server holding the same configuration is not sent its listeners and clusters again.
 *
 * <h2>Consistency</h2>
 * An Envoy must never hold a listener whose route configuration it has not been sent, nor a route to a cluster it
 * has not been sent, nor a TLS context naming a secret it has not been sent. Two mechanisms ensure it.
 *
 * <p><b>Refusal.</b> Before anything is sent, {@link #publish} checks every reference of the new configuration
 * (listener to RDS route configuration, route and TCP proxy to cluster, EDS cluster to endpoint assignment, TLS
 * context to SDS secret). An inconsistent configuration is refused with the reasons and the last good one keeps
 * being served.
 *
 * <p><b>Make before break.</b> java-control-plane's {@code setSnapshot} answers the watches that are open at that
 * moment in the order CDS, EDS, LDS, RDS, SDS. That order does not protect a new listener (LDS goes before RDS), and
 * it only covers watches that are open: a client that has not yet acknowledged its previous RDS response has no RDS
 * watch, gets the new route configurations only when it does, and can meanwhile be sent the new listeners. So a
 * publish goes through up to five snapshots, each adding only what the next one will refer to, every one of them
 * consistent by itself:
 *
 * <ol>
 *   <li>{@link Step#SECRETS}: the old configuration plus new and changed secrets;
 *   <li>{@link Step#CLUSTERS}: plus new and changed clusters and endpoint assignments;
 *   <li>{@link Step#ROUTES}: plus new and changed route configurations (the old ones stay: old listeners name them);
 *   <li>{@link Step#LISTENERS}: with the new listeners instead of the old;
 *   <li>{@link Step#CLEANUP}: exactly the new configuration (what nothing refers to any more goes).
 * </ol>
 *
 * Steps that change nothing are skipped: changing a route's contents is one {@code ROUTES} step, a new Mapping on a new
 * Service is {@code CLUSTERS} then {@code ROUTES}, a new Listener is {@code ROUTES} then {@code LISTENERS}. Between
 * two steps the server waits until every client that will be sent something of the earlier step has answered it
 * (ACK or NACK) — on one stream responses arrive in order, so the later step cannot overtake it. Only clients whose
 * subscription covers a changed resource are waited for. A client that does not answer within
 * {@link XdsServerOptions#stepTimeout()} is reported in {@link PublishResult#laggingClients()}, and is not waited for
 * again on that type until it answers a response of it, so one stuck Envoy cannot stall every publish.
 *
 * <p>What a client receives of a step depends on what it subscribes to. A client that subscribes to every route
 * configuration (a wildcard RDS request, as a raw ADS client may send) receives a new route configuration in the
 * {@code ROUTES} step, before the listener naming it. Envoy subscribes to RDS by name, for the names its listeners
 * carry, so it cannot ask for a new route configuration before it has the listener naming it; it keeps that listener
 * warming (not serving) until the route configuration arrives, which the server answers at once because the route
 * configuration is already in the snapshot. Clusters come before the routes naming them to every client, since
 * Envoy subscribes to CDS as a wildcard, and a route can only name a cluster (and its endpoints) that every
 * subscribed client has answered. Endpoint assignments and secrets are subscribed to by name, like route
 * configurations: Envoy asks for them once it has the cluster or listener naming them and keeps that cluster or
 * listener warming until they arrive; a wildcard client receives them in their step, before any user (within the
 * {@code CLUSTERS} step it may see a cluster just before its endpoints).
 * Removal is the mirror image: a listener goes in {@code LISTENERS}, the route configuration it named in
 * {@code CLEANUP}. Delta clients are sent {@code removed_resources}; state-of-the-world clients find the resource
 * missing from the next response.
 *
 * <p>The first publish of a server is built up from an empty configuration in the same steps, unless a connected
 * client already holds a configuration (an Envoy that reconnected after a restart of Legate): building up from
 * nothing would first send it empty listener and cluster sets, so that publish is one {@link Step#ALL} snapshot.
 * Before a server's first snapshot no response has been sent, so every subscribed type has an open watch and
 * java-control-plane answers them in its CDS, EDS, LDS, RDS, SDS order; an Envoy whose content is unchanged is sent
 * nothing at all, since the versions are content hashes.
 *
 * <h2>Clients</h2>
 * {@link #clients()} lists every open stream with what it subscribed to, was sent, acknowledged and rejected (see
 * {@link ClientStatus}); a stream's entry goes when it closes. A rejected version is not sent to that client again:
 * the next response of that type waits for a new version (java-control-plane on its own would resend the rejected
 * version at once, forever; see {@code NackHoldingWatcher}).
 *
 * <p>Thread-safe. Publishes are serialized; {@link #clients()} may be called at any time.
 */
public final class XdsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(XdsServer.class);
    /** The one node group: every Envoy gets the same configuration. */
    private static final String GROUP = "legate";

    private final Server server;
    private final XdsServerOptions options;
    private final SimpleCache<String, ContentSnapshot> cache;
    private final ClientTracker tracker;
    private final PackedSerializer serializer;
    private final Set<StreamContext> activeStreams = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReentrantLock publishLock = new ReentrantLock();
    /** The snapshot last set on the cache. Guarded by {@link #publishLock}. */
    private @Nullable ContentSnapshot current;
    /** The wire form of the routes being served, reused by the next publish. Guarded by {@link #publishLock}. */
    private final RouteBytes routeBytes = new RouteBytes();
    /** The configuration last accepted, in full. */
    private volatile @Nullable ContentSnapshot published;

    private XdsServer(InetSocketAddress address, XdsServerOptions options) throws IOException {
        this.options = options;
        this.tracker = new ClientTracker(options.clock());
        this.serializer = new PackedSerializer();
        this.cache = new SimpleCache<>(node -> GROUP) { };
        V3DiscoveryServer discovery = new V3DiscoveryServer(List.of(tracker),
                new NackHoldingWatcher(cache, tracker), new DefaultExecutorGroup(), serializer);
        AggregatedDiscoveryServiceImplBase ads = new TrackedAds(discovery.getAggregatedDiscoveryServiceImpl());
        this.server = NettyServerBuilder.forAddress(address)
                .addService(ServerInterceptors.intercept(ads, new StreamInterceptor()))
                .withOption(ChannelOption.SO_REUSEADDR, true)
                // Envoy may be configured with HTTP/2 keepalives on its xDS cluster: do not answer them with GOAWAY.
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .build()
                .start();
        LOG.info("ADS server listening on {}", server.getListenSockets());
    }

    /** Starts listening (gRPC over plaintext HTTP/2) on the given address, e.g. 127.0.0.1:8003; port 0 picks one. */
    public static XdsServer start(InetSocketAddress address) throws IOException {
        return start(address, XdsServerOptions.defaults());
    }

    /** Like {@link #start(InetSocketAddress)}, with a clock and timeouts. */
    public static XdsServer start(InetSocketAddress address, XdsServerOptions options) throws IOException {
        return new XdsServer(requireNonNull(address, "address"), requireNonNull(options, "options"));
    }

    /** The port the server listens on (the one picked, when started with port 0). */
    public int port() {
        return server.getPort();
    }

    /**
     * Publishes a configuration to every connected and future Envoy, in as many steps as it takes for no client to
     * hold a dangling reference (see the class description). Returns when the last step has been set; between steps
     * it waits for clients to answer, at most {@link XdsServerOptions#stepTimeout()} per step.
     *
     * @return {@link Outcome#PUBLISHED}; {@link Outcome#UNCHANGED} when the content equals what is being served
     *     (nothing is sent); {@link Outcome#REJECTED} with the reasons when the configuration refers to resources it
     *     lacks (the last good configuration stays); or {@link Outcome#CLOSED}
     */
    public PublishResult publish(XdsResources resources) {
        requireNonNull(resources, "resources");
        long start = System.nanoTime();
        if (closed.get()) {
            return result(Outcome.CLOSED, versions(), List.of(), List.of(), List.of(), start);
        }
        publishLock.lock();
        try {
            ContentSnapshot previous = current;
            ContentSnapshot target = ContentSnapshot.of(resources, previous, routeBytes);
            // The check reads the clusters of each route configuration from the chunks just assembled.
            List<String> errors = ConsistencyCheck.check(resources, routeBytes::clusters);
            routeBytes.nextGeneration();
            if (!errors.isEmpty()) {
                LOG.warn("refused an inconsistent configuration ({} problems), still serving {}: {}", errors.size(),
                        versions(), errors.size() > 5 ? errors.subList(0, 5) + " ..." : errors);
                return result(Outcome.REJECTED, versions(), List.of(), errors, List.of(), start);
            }
            if (previous != null && target.versions().equals(previous.versions())) {
                return result(Outcome.UNCHANGED, previous.versions(), List.of(), List.of(), List.of(), start);
            }
            List<Map.Entry<Step, ContentSnapshot>> plan;
            if (previous != null) {
                plan = plan(previous, target);
            } else if (tracker.anyClientHoldsConfiguration()) {
                // Envoys that reconnected from a previous server hold a configuration this one knows nothing of:
                // steps built up from nothing would first send them empty listener and cluster sets.
                plan = List.of(Map.entry(Step.ALL, target));
            } else {
                plan = plan(ContentSnapshot.of(XdsResources.empty(), null), target);
            }
            List<Step> steps = new ArrayList<>();
            Set<String> lagging = new LinkedHashSet<>();
            ContentSnapshot before = previous;
            for (int i = 0; i < plan.size(); i++) {
                if (closed.get()) {
                    return result(Outcome.CLOSED, versions(), steps, List.of(), List.copyOf(lagging), start);
                }
                Step step = plan.get(i).getKey();
                ContentSnapshot snapshot = plan.get(i).getValue();
                serializer.retain(snapshot, before);
                cache.setSnapshot(GROUP, snapshot);
                current = snapshot;
                steps.add(step);
                if (i < plan.size() - 1) {
                    lagging.addAll(tracker.awaitAnswers(snapshot, changed(before, snapshot), options.stepTimeout()));
                }
                before = snapshot;
            }
            published = target;
            // Every response of the steps has been built (java-control-plane answers open watches while the snapshot
            // is set): the wire form of the configuration replaced need not be kept any longer. (A response still
            // being built from it on another thread packs its resources itself.)
            serializer.retain(current, null);
            if (!lagging.isEmpty()) {
                LOG.warn("published {} in steps {}; clients that did not answer a step within {}: {}",
                        target.versions(), steps, options.stepTimeout(), lagging);
            } else {
                LOG.debug("published {} in steps {}", target.versions(), steps);
            }
            return result(Outcome.PUBLISHED, target.versions(), steps, List.of(), List.copyOf(lagging), start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return result(Outcome.CLOSED, versions(), List.of(), List.of("interrupted while publishing"), List.of(),
                    start);
        } finally {
            publishLock.unlock();
        }
    }

    /** The versions of the configuration last accepted ({@link XdsVersions#isEmpty()} before the first). */
    public XdsVersions versions() {
        ContentSnapshot p = published;
        return p == null ? XdsVersions.NONE : p.versions();
    }

    /** The configuration last accepted, each list sorted by name; empty before the first. */
    public XdsResources resources() {
        ContentSnapshot p = published;
        return p == null ? XdsResources.empty() : p.resources();
    }

    /**
     * The per-connected-Envoy state: node id, cluster, address, and per type what was sent (version, nonce), acked,
     * and last NACKed (version, error message, time by the configured clock); connected since. Oldest stream first.
     */
    public List<ClientStatus> clients() {
        return tracker.clients();
    }

    /** Streams opened, responses sent and NACKs received since the server started (for metrics). */
    public XdsStats stats() {
        return tracker.stats();
    }

    /**
     * Stops the server gracefully: refuses new streams and publishes, ends every open stream (each Envoy sees its ADS
     * stream end and reconnects, with backoff, to wherever the ADS cluster points), then waits up to
     * {@link XdsServerOptions#shutdownTimeout()} for connections to drain before forcing them.
     *
     * <p>Streams are ended with status OK through java-control-plane's own stream observer, which marks the stream
     * closing first: ending them at the gRPC level instead would make a concurrent response fail inside
     * java-control-plane, and any non-OK, non-CANCELLED status is logged by it as an error with a stack trace.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        tracker.close();
        server.shutdown();
        for (StreamContext stream : activeStreams) {
            StreamObserver<?> observer = stream.requestObserver;
            if (observer != null) {
                try {
                    observer.onCompleted();
                } catch (RuntimeException e) {
                    LOG.debug("ending stream {}", stream.streamId, e);
                }
            }
        }
        try {
            long timeout = options.shutdownTimeout().toMillis();
            if (!server.awaitTermination(timeout, TimeUnit.MILLISECONDS)) {
                LOG.warn("ADS server did not stop within {} ms; forcing", timeout);
                server.shutdownNow();
                server.awaitTermination(Math.min(timeout, 1000), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("ADS server stopped");
    }

    // ---------------------------------------------------------------------------------------------- planning

    /** The make-before-break snapshots from {@code from} to {@code to}, skipping those that change nothing. */
    static List<Map.Entry<Step, ContentSnapshot>> plan(ContentSnapshot from, ContentSnapshot to) {
        List<Map.Entry<Step, ContentSnapshot>> steps = new ArrayList<>();
        ContentSnapshot s = from;
        s = step(steps, Step.SECRETS, s, s.with(union(s, to, XdsType.SECRET)));
        s = step(steps, Step.CLUSTERS, s,
                s.with(union(s, to, XdsType.CLUSTER)).with(union(s, to, XdsType.ENDPOINT)));
        s = step(steps, Step.ROUTES, s, s.with(union(s, to, XdsType.ROUTE)));
        s = step(steps, Step.LISTENERS, s, s.with(to.set(XdsType.LISTENER)));
        step(steps, Step.CLEANUP, s, to);
        return steps;
    }

    private static ContentSnapshot step(List<Map.Entry<Step, ContentSnapshot>> steps, Step step,
            ContentSnapshot before, ContentSnapshot after) {
        if (after.versions().equals(before.versions())) {
            return before;
        }
        steps.add(Map.entry(step, after));
        return after;
    }

    /** The resources of {@code type} in {@code a} or {@code b}; {@code b}'s where both have a name. */
    private static TypeSet union(ContentSnapshot a, ContentSnapshot b, XdsType type) {
        Map<String, Entry> merged = new LinkedHashMap<>(a.set(type).entries());
        merged.putAll(b.set(type).entries());
        return TypeSet.of(type, merged.values());
    }

    /** Per type, the names {@code after} adds or changes relative to {@code before}. */
    private static Map<XdsType, Set<String>> changed(@Nullable ContentSnapshot before, ContentSnapshot after) {
        Map<XdsType, Set<String>> changed = new EnumMap<>(XdsType.class);
        for (XdsType type : XdsType.values()) {
            Map<String, Entry> old = before == null ? Map.of() : before.set(type).entries();
            Set<String> names = new HashSet<>();
            after.set(type).entries().forEach((name, entry) -> {
                Entry o = old.get(name);
                if (o == null || !o.version().equals(entry.version())) {
                    names.add(name);
                }
            });
            changed.put(type, names);
        }
        return changed;
    }

    private static PublishResult result(Outcome outcome, XdsVersions versions, List<Step> steps, List<String> errors,
            List<String> lagging, long startNanos) {
        return new PublishResult(outcome, versions, steps, errors, lagging,
                Duration.ofNanos(System.nanoTime() - startNanos));
    }

    // ---------------------------------------------------------------------------------------------- gRPC plumbing

    /** Records each stream's request observer, so {@link #close()} can end the stream through java-control-plane. */
    private static final class TrackedAds extends AggregatedDiscoveryServiceImplBase {
        private final AggregatedDiscoveryServiceImplBase delegate;

        TrackedAds(AggregatedDiscoveryServiceImplBase delegate) {
            this.delegate = delegate;
        }

        @Override
        public StreamObserver<DiscoveryRequest> streamAggregatedResources(
                StreamObserver<DiscoveryResponse> responseObserver) {
            return remember(delegate.streamAggregatedResources(responseObserver));
        }

        @Override
        public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(
                StreamObserver<DeltaDiscoveryResponse> responseObserver) {
            return remember(delegate.deltaAggregatedResources(responseObserver));
        }

        private static <T> StreamObserver<T> remember(StreamObserver<T> requestObserver) {
            StreamContext context = ClientTracker.STREAM.get();
            if (context != null) {
                context.requestObserver = requestObserver;
            }
            return requestObserver;
        }
    }

    /**
     * Gives every call a {@link StreamContext} (peer address, protocol) that java-control-plane's callbacks can read,
     * since they run in the call's gRPC context, and forgets the stream when the call ends however it ends.
     */
    private final class StreamInterceptor implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            Protocol protocol = call.getMethodDescriptor().getFullMethodName()
                    .equals(AggregatedDiscoveryServiceGrpc.getDeltaAggregatedResourcesMethod().getFullMethodName())
                    ? Protocol.DELTA : Protocol.STATE_OF_THE_WORLD;
            StreamContext stream = new StreamContext(address(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)),
                    protocol);
            activeStreams.add(stream);
            ServerCall.Listener<Q> listener;
            try {
                listener = Contexts.interceptCall(Context.current().withValue(ClientTracker.STREAM, stream), call,
                        headers, next);
            } catch (RuntimeException e) {
                activeStreams.remove(stream);
                throw e;
            }
            return new SimpleForwardingServerCallListener<>(listener) {
                @Override
                public void onComplete() {
                    try {
                        super.onComplete();
                    } finally {
                        forget(stream);
                    }
                }

                @Override
                public void onCancel() {
                    try {
                        super.onCancel();
                    } finally {
                        forget(stream);
                    }
                }
            };
        }

        private void forget(StreamContext stream) {
            activeStreams.remove(stream);
            tracker.ended(stream);
        }

        private static String address(@Nullable SocketAddress address) {
            if (address instanceof InetSocketAddress inet) {
                return inet.getHostString() + ":" + inet.getPort();
            }
            return address == null ? "" : address.toString();
        }
    }
}
