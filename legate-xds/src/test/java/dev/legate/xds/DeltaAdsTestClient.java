package dev.legate.xds;

import com.google.protobuf.Any;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A raw delta ADS client: subscribes to CDS and LDS as wildcards and to the other types by the names given, applies
 * {@code resources} and {@code removed_resources} to what it holds, and ACKs (or NACKs) every response.
 */
final class DeltaAdsTestClient implements AutoCloseable {

    /** One response as received. */
    record Received(XdsType type, String systemVersion, String nonce, List<String> names, List<String> removed) {
    }

    private final ManagedChannel channel;
    private final BlockingQueue<Received> queue = new LinkedBlockingQueue<>();
    private final Map<XdsType, Map<String, Resource>> held = new EnumMap<>(XdsType.class);
    private volatile Function<DeltaDiscoveryResponse, Optional<String>> nackPolicy = r -> Optional.empty();
    private @Nullable StreamObserver<DeltaDiscoveryRequest> requests;

    DeltaAdsTestClient(int port) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .maxInboundMessageSize(256 << 20).build();
    }

    DeltaAdsTestClient nackWhen(Function<DeltaDiscoveryResponse, Optional<String>> policy) {
        nackPolicy = policy;
        return this;
    }

    synchronized DeltaAdsTestClient start(String nodeId, Map<XdsType, List<String>> namedSubscriptions) {
        requests = AggregatedDiscoveryServiceGrpc.newStub(channel).deltaAggregatedResources(new StreamObserver<>() {
            @Override
            public void onNext(DeltaDiscoveryResponse response) {
                received(response);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        boolean first = true;
        for (XdsType type : List.of(XdsType.CLUSTER, XdsType.LISTENER, XdsType.ENDPOINT, XdsType.ROUTE,
                XdsType.SECRET)) {
            List<String> names = namedSubscriptions.getOrDefault(type, List.of());
            if (type != XdsType.CLUSTER && type != XdsType.LISTENER && names.isEmpty()) {
                continue;
            }
            DeltaDiscoveryRequest.Builder request = DeltaDiscoveryRequest.newBuilder()
                    .setTypeUrl(type.typeUrl())
                    .addAllResourceNamesSubscribe(names);
            if (first) {
                request.setNode(Node.newBuilder().setId(nodeId).setCluster("legate-test"));
                first = false;
            }
            requests.onNext(request.build());
        }
        return this;
    }

    private synchronized void received(DeltaDiscoveryResponse response) {
        XdsType type = XdsType.ofTypeUrl(response.getTypeUrl()).orElseThrow();
        List<String> names = response.getResourcesList().stream().map(Resource::getName).toList();
        Optional<String> error = nackPolicy.apply(response);
        DeltaDiscoveryRequest.Builder answer = DeltaDiscoveryRequest.newBuilder()
                .setTypeUrl(type.typeUrl())
                .setResponseNonce(response.getNonce());
        if (error.isPresent()) {
            answer.setErrorDetail(Status.newBuilder().setCode(3).setMessage(error.get()));
        } else {
            Map<String, Resource> resources = held.computeIfAbsent(type, t -> new HashMap<>());
            response.getResourcesList().forEach(r -> resources.put(r.getName(), r));
            response.getRemovedResourcesList().forEach(resources::remove);
        }
        queue.add(new Received(type, response.getSystemVersionInfo(), response.getNonce(), names,
                List.copyOf(response.getRemovedResourcesList())));
        if (requests != null) {
            requests.onNext(answer.build());
        }
    }

    @Nullable Received poll(Duration timeout) throws InterruptedException {
        return queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for the next response of {@code type}, skipping others; null after {@code timeout}. */
    @Nullable Received next(XdsType type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            Received r = queue.poll(left, TimeUnit.NANOSECONDS);
            if (r == null || r.type() == type) {
                return r;
            }
        }
    }

    synchronized Map<String, Any> held(XdsType type) {
        Map<String, Any> out = new HashMap<>();
        held.getOrDefault(type, Map.of()).forEach((n, r) -> out.put(n, r.getResource()));
        return out;
    }

    synchronized Map<String, String> heldVersions(XdsType type) {
        Map<String, String> out = new HashMap<>();
        held.getOrDefault(type, Map.of()).forEach((n, r) -> out.put(n, r.getVersion()));
        return out;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (requests != null) {
                try {
                    requests.onCompleted();
                } catch (RuntimeException e) {
                    // already closed
                }
            }
        }
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
