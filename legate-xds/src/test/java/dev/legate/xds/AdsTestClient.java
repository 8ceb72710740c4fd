package dev.legate.xds;

import com.google.protobuf.Any;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A raw state-of-the-world ADS client built from the Envoy protos' generated stubs, behaving like Envoy on the wire:
 * it subscribes to all five types, answers every response (ACK with the response's version and nonce, or NACK with
 * the last good version and an {@code error_detail}), and on reconnecting sends the versions it holds with empty
 * nonces. Subscriptions are wildcards unless {@link #envoyLikeRds()} makes RDS follow the listeners' names.
 *
 * <p>Everything received is recorded in order ({@link #events()}) and queued ({@link #poll}).
 */
public final class AdsTestClient implements AutoCloseable {

    /** One response as received. */
    public record Received(int seq, XdsType type, String version, String nonce, List<String> names, long nanos,
            DiscoveryResponse response) {
    }

    private final String nodeId;
    private final ManagedChannel channel;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ads-test-client");
        t.setDaemon(true);
        return t;
    });
    private final List<Received> events = new ArrayList<>();
    private final BlockingQueue<Received> queue = new LinkedBlockingQueue<>();
    private final Map<XdsType, String> acked = new ConcurrentHashMap<>();
    private final Map<XdsType, String> lastNonce = new ConcurrentHashMap<>();
    private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    private final Map<XdsType, Map<String, Any>> held = new EnumMap<>(XdsType.class);
    private final Map<XdsType, Duration> ackDelays = new ConcurrentHashMap<>();
    private final AtomicInteger seq = new AtomicInteger();
    private final AtomicInteger connects = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile Function<DiscoveryResponse, Optional<String>> nackPolicy = r -> Optional.empty();
    private volatile boolean reconnect;
    private volatile boolean envoyLikeRds;
    private volatile boolean closed;
    private @Nullable StreamObserver<DiscoveryRequest> requests;
    private List<String> rdsNames = List.of();

    /**
     * Envoy's default HTTP/2 flow-control window, per stream and per connection, on the gRPC cluster it reaches its
     * management server through ({@code Http2ProtocolOptions.initial_stream_window_size} and
     * {@code initial_connection_window_size}: 268435456, 256 MiB). grpc-java's own default is 1 MiB, grown by
     * bandwidth probes: a response of 20 MB then waits for window updates that Envoy would never need.
     */
    public static final int ENVOY_FLOW_CONTROL_WINDOW = 256 << 20;

    /** A client with grpc-java's default flow control (a 1 MiB window, grown by bandwidth probes). */
    public AdsTestClient(int port, String nodeId) {
        this.nodeId = nodeId;
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .maxInboundMessageSize(256 << 20)
                .build();
    }

    /**
     * A client whose HTTP/2 stream and connection windows are {@code flowControlWindow} bytes, fixed (e.g.
     * {@link #ENVOY_FLOW_CONTROL_WINDOW}, to receive as Envoy does).
     */
    public AdsTestClient(int port, String nodeId, int flowControlWindow) {
        this.nodeId = nodeId;
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .maxInboundMessageSize(256 << 20)
                .flowControlWindow(flowControlWindow)
                .build();
    }

    /** Reconnects (every 100 ms, at most 100 times in a row) when the stream ends. */
    public AdsTestClient reconnecting() {
        reconnect = true;
        return this;
    }

    /** Subscribes to RDS by the names the listeners carry, as Envoy does, instead of a wildcard. */
    public AdsTestClient envoyLikeRds() {
        envoyLikeRds = true;
        return this;
    }

    public AdsTestClient nackWhen(Function<DiscoveryResponse, Optional<String>> policy) {
        nackPolicy = policy;
        return this;
    }

    /** Answers responses of {@code type} only after {@code delay} (a slow Envoy). */
    public AdsTestClient delayAnswers(XdsType type, Duration delay) {
        ackDelays.put(type, delay);
        return this;
    }

    /** Answers every type at once again (undoes {@link #delayAnswers}). */
    public AdsTestClient answerPromptly() {
        ackDelays.clear();
        return this;
    }

    /**
     * Drops the stream the way a dying client or a broken connection does: the call is cancelled, with whatever it
     * had received left unanswered. A {@link #reconnecting()} client then opens a new stream, sending the versions
     * it had ACKed.
     */
    public void dropStream() {
        synchronized (this) {
            if (requests != null) {
                requests.onError(io.grpc.Status.CANCELLED.withDescription("dropped by the test")
                        .asRuntimeException());
                requests = null;
            }
        }
    }

    public AdsTestClient start() {
        connect();
        return this;
    }

    private synchronized void connect() {
        if (closed) {
            return;
        }
        connects.incrementAndGet();
        lastNonce.clear();
        requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryResponse response) {
                received(response);
            }

            @Override
            public void onError(Throwable t) {
                ended();
            }

            @Override
            public void onCompleted() {
                ended();
            }
        });
        boolean first = true;
        for (XdsType type : List.of(XdsType.CLUSTER, XdsType.LISTENER, XdsType.ENDPOINT, XdsType.ROUTE,
                XdsType.SECRET)) {
            DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder()
                    .setTypeUrl(type.typeUrl())
                    .setVersionInfo(acked.getOrDefault(type, ""));
            if (type == XdsType.ROUTE && envoyLikeRds) {
                if (rdsNames.isEmpty()) {
                    continue;
                }
                request.addAllResourceNames(rdsNames);
            }
            if (first) {
                request.setNode(Node.newBuilder().setId(nodeId).setCluster("legate-test")
                        .setUserAgentName("ads-test-client").setUserAgentVersion("1.0"));
                first = false;
            }
            requests.onNext(request.build());
        }
    }

    private void ended() {
        // Bounded: at most 100 attempts 100 ms apart without a response in between.
        if (reconnect && !closed && failures.incrementAndGet() <= 100) {
            try {
                scheduler.schedule(this::connect, 100, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed meanwhile
            }
        }
    }

    private void received(DiscoveryResponse response) {
        failures.set(0);
        XdsType type = XdsType.ofTypeUrl(response.getTypeUrl()).orElseThrow();
        List<String> names = response.getResourcesList().stream().map(AdsTestClient::name).toList();
        long now = System.nanoTime();
        firstSeen.putIfAbsent(type + "/" + response.getVersionInfo(), now);
        Received r = new Received(seq.incrementAndGet(), type, response.getVersionInfo(), response.getNonce(), names,
                now, response);
        synchronized (this) {
            events.add(r);
            lastNonce.put(type, response.getNonce());
        }
        queue.add(r);
        Duration delay = ackDelays.get(type);
        if (delay == null) {
            answer(type, response);
        } else {
            scheduler.schedule(() -> answer(type, response), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void answer(XdsType type, DiscoveryResponse response) {
        Optional<String> error = nackPolicy.apply(response);
        DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder()
                .setTypeUrl(type.typeUrl())
                .setResponseNonce(response.getNonce());
        if (type == XdsType.ROUTE && envoyLikeRds) {
            request.addAllResourceNames(rdsNames);
        }
        if (error.isPresent()) {
            request.setVersionInfo(acked.getOrDefault(type, ""))
                    .setErrorDetail(Status.newBuilder().setCode(3).setMessage(error.get()));
        } else {
            acked.put(type, response.getVersionInfo());
            Map<String, Any> resources = new LinkedHashMap<>();
            response.getResourcesList().forEach(a -> resources.put(name(a), a));
            held.put(type, resources);
            request.setVersionInfo(response.getVersionInfo());
        }
        if (requests != null) {
            requests.onNext(request.build());
        }
        if (type == XdsType.LISTENER && envoyLikeRds && error.isEmpty()) {
            List<String> names = response.getResourcesList().stream()
                    .map(AdsTestClient::rdsName).filter(n -> !n.isEmpty()).distinct().sorted().toList();
            if (!names.equals(rdsNames)) {
                rdsNames = names;
                if (requests != null) {
                    // A subscription change carries the last nonce of the type, as Envoy's does: java-control-plane
                    // ignores requests whose nonce is not the latest it sent.
                    requests.onNext(DiscoveryRequest.newBuilder().setTypeUrl(XdsType.ROUTE.typeUrl())
                            .setVersionInfo(acked.getOrDefault(XdsType.ROUTE, ""))
                            .setResponseNonce(lastNonce.getOrDefault(XdsType.ROUTE, ""))
                            .addAllResourceNames(names).build());
                }
            }
        }
    }

    /** The next response received, or null after {@code timeout}. */
    public @Nullable Received poll(Duration timeout) throws InterruptedException {
        return queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void drain() {
        queue.clear();
    }

    public synchronized List<Received> events() {
        return List.copyOf(events);
    }

    /** The version last ACKed per type. */
    public Map<XdsType, String> acked() {
        return Map.copyOf(acked);
    }

    public synchronized Map<String, Any> held(XdsType type) {
        return Map.copyOf(held.getOrDefault(type, Map.of()));
    }

    /** When a response of {@code type} at {@code version} first arrived ({@link System#nanoTime()}), or 0. */
    public long firstSeen(XdsType type, String version) {
        return firstSeen.getOrDefault(type + "/" + version, 0L);
    }

    public int connects() {
        return connects.get();
    }

    public String nodeId() {
        return nodeId;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (requests != null) {
                try {
                    requests.onCompleted();
                } catch (RuntimeException e) {
                    // already closed
                }
            }
        }
        scheduler.shutdownNow();
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The name of a packed resource without parsing all of it: in all five types the name is field 1
     * ({@code name}, or {@code cluster_name} for endpoints), which comes first on the wire.
     */
    public static String name(Any any) {
        try {
            CodedInputStream in = any.getValue().newCodedInput();
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    return "";
                }
                if (WireFormat.getTagFieldNumber(tag) == 1) {
                    return in.readStringRequireUtf8();
                }
                in.skipField(tag);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The RDS name of a packed listener's first HTTP connection manager, or "". */
    public static String rdsName(Any listener) {
        try {
            Listener l = listener.unpack(Listener.class);
            for (var chain : l.getFilterChainsList()) {
                for (var filter : chain.getFiltersList()) {
                    if (filter.getTypedConfig().is(io.envoyproxy.envoy.extensions.filters.network
                            .http_connection_manager.v3.HttpConnectionManager.class)) {
                        return filter.getTypedConfig().unpack(io.envoyproxy.envoy.extensions.filters.network
                                .http_connection_manager.v3.HttpConnectionManager.class).getRds().getRouteConfigName();
                    }
                }
            }
            return "";
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
