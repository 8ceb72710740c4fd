package dev.legate.xds;

import dev.legate.xds.ClientStatus.Nack;
import dev.legate.xds.ClientStatus.Protocol;
import dev.legate.xds.ClientStatus.TypeStatus;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every ADS stream through java-control-plane's callbacks: what each Envoy subscribed to, what it was sent
 * (version and nonce), what it acknowledged and what it rejected. It is both the ACK/NACK view
 * ({@link #clients()}) and the barrier between the steps of a publish ({@link #awaitAnswers}).
 *
 * <p>Protocol rules it applies: a request whose {@code response_nonce} names a response and that carries
 * {@code error_detail} is a NACK of that response's version; one without, carrying a version (state of the world) or
 * answering a known nonce (delta), is an ACK. On reconnecting, a state-of-the-world Envoy's first request carries the
 * version it holds with an empty nonce; that counts as acknowledged too, since it is what the Envoy runs.
 *
 * <p>Thread-safe: callbacks arrive on gRPC threads, responses also on the publishing thread. All state is guarded by
 * one lock, held only for map updates, never while calling out. State of a stream goes when the stream closes, by
 * whichever of java-control-plane's close callbacks or the call's own completion comes first.
 */
final class ClientTracker implements DiscoveryServerCallbacks {

    private static final Logger LOG = LoggerFactory.getLogger(ClientTracker.class);

    /** How many unanswered nonces per type are remembered (a client answers the latest; older ones are stale). */
    private static final int NONCES_KEPT = 16;

    /** Set by {@link XdsServer}'s interceptor for the lifetime of each call. */
    static final Context.Key<StreamContext> STREAM = Context.key("legate-xds-stream");

    /** What the transport knows about a call, filled in as java-control-plane reveals its stream id. */
    static final class StreamContext {
        final String address;
        final Protocol protocol;
        volatile long streamId = -1;
        volatile io.grpc.stub.@Nullable StreamObserver<?> requestObserver;

        StreamContext(String address, Protocol protocol) {
            this.address = address;
            this.protocol = protocol;
        }
    }

    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition answered = lock.newCondition();
    /** Guarded by {@link #lock}. */
    private final Map<Long, StreamState> streams = new HashMap<>();
    /** Guarded by {@link #lock}. */
    private boolean closed;
    /** Totals since start, for metrics. */
    private final LongAdder streamsOpened = new LongAdder();
    private final LongAdder responsesSent = new LongAdder();
    private final LongAdder nacksReceived = new LongAdder();

    ClientTracker(Clock clock) {
        this.clock = clock;
    }

    // ---------------------------------------------------------------------------------------------- callbacks

    @Override
    public void onStreamOpen(long streamId, String typeUrl) {
        StreamContext context = STREAM.get();
        String address = context == null ? "" : context.address;
        Protocol protocol = context == null ? Protocol.STATE_OF_THE_WORLD : context.protocol;
        if (context != null) {
            context.streamId = streamId;
        }
        streamsOpened.increment();
        lock.lock();
        try {
            streams.put(streamId, new StreamState(streamId, protocol, address, clock.instant()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onStreamClose(long streamId, String typeUrl) {
        remove(streamId);
    }

    @Override
    public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
        remove(streamId);
    }

    @Override
    public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
        Optional<XdsType> type = XdsType.ofTypeUrl(request.getTypeUrl());
        @Nullable Nack nack = null;
        String node = "";
        lock.lock();
        try {
            StreamState stream = streams.get(streamId);
            if (stream == null) {
                return;
            }
            stream.requested(request.hasNode() ? request.getNode() : null);
            if (type.isEmpty()) {
                return;
            }
            TypeState state = stream.type(type.get());
            state.subscribed = true;
            state.wildcard = request.getResourceNamesCount() == 0;
            state.names = new TreeSet<>(request.getResourceNamesList());
            String nonce = request.getResponseNonce();
            @Nullable Sent sentResponse = nonce.isEmpty() ? null : state.sentByNonce.remove(nonce);
            @Nullable String sent = sentResponse == null ? null : sentResponse.version();
            Instant now = clock.instant();
            if (request.hasErrorDetail()) {
                nack = new Nack(sent == null ? "" : sent, nonce, request.getErrorDetail().getCode(),
                        request.getErrorDetail().getMessage(), now);
                state.lastNack = nack;
                state.answered(sent, nonce);
                node = stream.describe();
            } else {
                if (!request.getVersionInfo().isEmpty()) {
                    state.ackedVersion = request.getVersionInfo();
                    state.ackedAt = now;
                    state.holds = true;
                }
                if (sent != null) {
                    state.answered(sent, nonce);
                } else if (nonce.isEmpty() && !request.getVersionInfo().isEmpty()) {
                    state.answered(request.getVersionInfo(), nonce);
                }
            }
            answered.signalAll();
        } finally {
            lock.unlock();
        }
        if (nack != null) {
            nacksReceived.increment();
            LOG.warn("{} rejected {} version {}: {}", node, type.get(), nack.version(), nack.message());
        }
    }

    @Override
    public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
        Optional<XdsType> type = XdsType.ofTypeUrl(request.getTypeUrl());
        @Nullable Nack nack = null;
        String node = "";
        lock.lock();
        try {
            StreamState stream = streams.get(streamId);
            if (stream == null) {
                return;
            }
            stream.requested(request.hasNode() ? request.getNode() : null);
            if (type.isEmpty()) {
                return;
            }
            TypeState state = stream.type(type.get());
            state.subscribed = true;
            // java-control-plane treats delta CDS and LDS as wildcard and every other type as named subscriptions.
            state.wildcard = type.get() == XdsType.CLUSTER || type.get() == XdsType.LISTENER;
            state.names.removeAll(request.getResourceNamesUnsubscribeList());
            state.names.addAll(request.getResourceNamesSubscribeList());
            if (request.getInitialResourceVersionsCount() > 0) {
                state.holds = true;
            }
            String nonce = request.getResponseNonce();
            @Nullable Sent sentResponse = nonce.isEmpty() ? null : state.sentByNonce.remove(nonce);
            @Nullable String sent = sentResponse == null ? null : sentResponse.version();
            Instant now = clock.instant();
            if (request.hasErrorDetail()) {
                nack = new Nack(sent == null ? "" : sent, nonce, request.getErrorDetail().getCode(),
                        request.getErrorDetail().getMessage(), now);
                state.lastNack = nack;
                state.rejectedResources = sentResponse == null ? Map.of() : sentResponse.resources();
                state.answered(sent, nonce);
                node = stream.describe();
            } else if (sent != null) {
                state.ackedVersion = sent;
                state.ackedAt = now;
                state.holds = true;
                state.answered(sent, nonce);
            }
            answered.signalAll();
        } finally {
            lock.unlock();
        }
        if (nack != null) {
            nacksReceived.increment();
            LOG.warn("{} rejected {} version {} (delta): {}", node, type.get(), nack.version(), nack.message());
        }
    }

    @Override
    public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {
        sent(streamId, response.getTypeUrl(), new Sent(response.getVersionInfo(), Map.of()), response.getNonce());
    }

    @Override
    public void onV3StreamDeltaResponse(long streamId, DeltaDiscoveryRequest request,
            DeltaDiscoveryResponse response) {
        Map<String, String> resources = new HashMap<>();
        response.getResourcesList().forEach(r -> resources.put(r.getName(), r.getVersion()));
        sent(streamId, response.getTypeUrl(), new Sent(response.getSystemVersionInfo(), Map.copyOf(resources)),
                response.getNonce());
    }

    // ---------------------------------------------------------------------------------------------- for XdsServer

    /** Totals since the server started. */
    XdsStats stats() {
        return new XdsStats(streamsOpened.sum(), responsesSent.sum(), nacksReceived.sum());
    }

    /** Forgets a stream whose call has ended (covers closes that java-control-plane reports through no callback). */
    void ended(StreamContext context) {
        if (context.streamId >= 0) {
            remove(context.streamId);
        }
    }

    /** Ends every wait in {@link #awaitAnswers}, now and later: the server is closing. */
    void close() {
        lock.lock();
        try {
            closed = true;
            answered.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The version the stream's NACK of {@code nonce} rejected, if that is its last NACK of the type. */
    @Nullable String rejectedVersion(long streamId, XdsType type, String nonce) {
        lock.lock();
        try {
            StreamState stream = streams.get(streamId);
            TypeState state = stream == null ? null : stream.types.get(type);
            Nack nack = state == null ? null : state.lastNack;
            return nack != null && nack.nonce().equals(nonce) && !nack.version().isEmpty() ? nack.version() : null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The resources (name to per-resource version) of the delta response the stream's NACK of {@code nonce} rejected,
     * if that is its last NACK of the type; empty otherwise.
     */
    Map<String, String> rejectedResources(long streamId, XdsType type, String nonce) {
        lock.lock();
        try {
            StreamState stream = streams.get(streamId);
            TypeState state = stream == null ? null : stream.types.get(type);
            Nack nack = state == null ? null : state.lastNack;
            return nack != null && nack.nonce().equals(nonce) ? state.rejectedResources : Map.of();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a connected client holds a configuration: it acknowledged a version, or reconnected with one. */
    boolean anyClientHoldsConfiguration() {
        lock.lock();
        try {
            return streams.values().stream().anyMatch(s -> s.types.values().stream().anyMatch(t -> t.holds));
        } finally {
            lock.unlock();
        }
    }

    /** The connected clients, oldest stream first. */
    List<ClientStatus> clients() {
        lock.lock();
        try {
            return streams.values().stream()
                    .sorted((a, b) -> Long.compare(a.id, b.id))
                    .map(StreamState::status)
                    .toList();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every client that will be sent something of {@code step} has answered it (ACK or NACK), so the
     * next step cannot overtake it on any stream. A client is waited for, per type that changed, when it subscribed
     * to the type and its subscription covers a changed name (a wildcard covers all), unless it is a
     * state-of-the-world subscription naming a resource {@code step} lacks (java-control-plane does not answer those
     * in ADS mode) or the client lags on that type. Clients still not done at the deadline are marked lagging on the
     * types they did not answer, until they next answer a response of that type, and returned.
     *
     * @param changed per type, the names added or changed by {@code step}
     * @return the clients that did not answer in time, as {@code node@address}
     */
    List<String> awaitAnswers(ContentSnapshot step, Map<XdsType, Set<String>> changed, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                Map<StreamState, Set<XdsType>> waiting = new LinkedHashMap<>();
                if (!closed) {
                    for (StreamState stream : streams.values()) {
                        Set<XdsType> types = stream.waitsFor(step, changed);
                        if (!types.isEmpty()) {
                            waiting.put(stream, types);
                        }
                    }
                }
                if (waiting.isEmpty()) {
                    return List.of();
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    List<String> lagging = new ArrayList<>();
                    waiting.forEach((stream, types) -> {
                        types.forEach(t -> stream.type(t).lagging = true);
                        lagging.add(stream.describe());
                    });
                    return List.copyOf(lagging);
                }
                answered.awaitNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(500)));
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------- internals

    private void sent(long streamId, String typeUrl, Sent sent, String nonce) {
        Optional<XdsType> type = XdsType.ofTypeUrl(typeUrl);
        if (type.isEmpty()) {
            return;
        }
        responsesSent.increment();
        lock.lock();
        try {
            StreamState stream = streams.get(streamId);
            if (stream != null) {
                TypeState state = stream.type(type.get());
                state.sentVersion = sent.version();
                state.lastNonce = nonce;
                state.awaitingAnswer = true;
                state.sentByNonce.put(nonce, sent);
            }
        } finally {
            lock.unlock();
        }
    }

    private void remove(long streamId) {
        lock.lock();
        try {
            if (streams.remove(streamId) != null) {
                answered.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A response sent: its version, and for delta its resources' names and versions. */
    private record Sent(String version, Map<String, String> resources) {
    }

    /** One ADS stream. Guarded by the tracker's lock. */
    private static final class StreamState {
        final long id;
        final Protocol protocol;
        final String address;
        final Instant connectedSince;
        final EnumMap<XdsType, TypeState> types = new EnumMap<>(XdsType.class);
        @Nullable Node node;

        StreamState(long id, Protocol protocol, String address, Instant connectedSince) {
            this.id = id;
            this.protocol = protocol;
            this.address = address;
            this.connectedSince = connectedSince;
        }

        void requested(@Nullable Node requestNode) {
            if (requestNode != null) {
                node = requestNode;
            }
        }

        TypeState type(XdsType type) {
            return types.computeIfAbsent(type, t -> new TypeState());
        }

        /** The types of {@code step} this client has yet to answer (empty when it need not be waited for). */
        Set<XdsType> waitsFor(ContentSnapshot step, Map<XdsType, Set<String>> changed) {
            Set<XdsType> waiting = EnumSet.noneOf(XdsType.class);
            for (Map.Entry<XdsType, Set<String>> e : changed.entrySet()) {
                XdsType type = e.getKey();
                TypeState state = types.get(type);
                if (e.getValue().isEmpty() || state == null || !state.subscribed || state.lagging) {
                    continue;
                }
                if (!state.wildcard) {
                    if (Collections.disjoint(state.names, e.getValue())) {
                        continue;
                    }
                    if (protocol == Protocol.STATE_OF_THE_WORLD
                            && !step.set(type).entries().keySet().containsAll(state.names)) {
                        continue;
                    }
                }
                if (!step.set(type).version().equals(state.answeredVersion)) {
                    waiting.add(type);
                }
            }
            return waiting;
        }

        String describe() {
            String id = node == null || node.getId().isEmpty() ? "stream-" + this.id : node.getId();
            return id + "@" + address;
        }

        ClientStatus status() {
            List<TypeStatus> typeStatuses = new ArrayList<>();
            types.forEach((type, s) -> typeStatuses.add(new TypeStatus(type, s.wildcard,
                    s.wildcard ? List.of() : List.copyOf(s.names), s.sentVersion, s.lastNonce, s.awaitingAnswer,
                    s.ackedVersion, s.ackedAt, s.lastNack)));
            Node n = node == null ? Node.getDefaultInstance() : node;
            String userAgent = n.getUserAgentName();
            if (n.hasUserAgentVersion()) {
                userAgent = userAgent + "/" + n.getUserAgentVersion();
            } else if (n.hasUserAgentBuildVersion() && n.getUserAgentBuildVersion().hasVersion()) {
                var v = n.getUserAgentBuildVersion().getVersion();
                userAgent = userAgent + "/" + v.getMajorNumber() + "." + v.getMinorNumber() + "." + v.getPatch();
            }
            return new ClientStatus(id, protocol, n.getId(), n.getCluster(), userAgent, address, connectedSince,
                    typeStatuses);
        }
    }

    /** One type on one stream. Guarded by the tracker's lock. */
    private static final class TypeState {
        boolean subscribed;
        boolean wildcard;
        /** Whether the client holds resources of this type (acknowledged some, or reconnected with some). */
        boolean holds;
        Set<String> names = new TreeSet<>();
        @Nullable String sentVersion;
        @Nullable String lastNonce;
        boolean awaitingAnswer;
        @Nullable String ackedVersion;
        @Nullable Instant ackedAt;
        @Nullable Nack lastNack;
        /** The version of the last response the client answered, ACK or NACK: what the barrier waits for. */
        @Nullable String answeredVersion;
        /** Set when the client did not answer within a step timeout; cleared by its next answer of this type. */
        boolean lagging;
        /** Delta: the resources (name to version) of the last NACKed response; see {@link NackHoldingWatcher}. */
        Map<String, String> rejectedResources = Map.of();
        final Map<String, Sent> sentByNonce = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Sent> eldest) {
                return size() > NONCES_KEPT;
            }
        };

        void answered(@Nullable String version, String nonce) {
            lagging = false;
            if (version != null) {
                answeredVersion = version;
            }
            if (nonce.equals(lastNonce)) {
                awaitingAnswer = false;
            }
        }
    }
}
