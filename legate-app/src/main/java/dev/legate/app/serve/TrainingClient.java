package dev.legate.app.serve;

import dev.legate.xds.XdsType;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The client of the launcher's training run ({@code legate serve --exit-after-first-configuration}): fetches the
 * configuration once over ADS, as Envoy's first connection does, so that what serving a client loads and runs is in
 * the start-up cache too. Not a general xDS client: it asks for every type, acknowledges what comes, and hangs up.
 */
final class TrainingClient {

    private TrainingClient() {
    }

    /** Fetches clusters, listeners and routes from the ADS server on 127.0.0.1:{@code port}; true when all came. */
    static boolean fetchOnce(int port, Duration timeout) throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            Node node = Node.newBuilder().setId("legate-training").setCluster("legate-training").build();
            Set<XdsType> wanted = EnumSet.of(XdsType.CLUSTER, XdsType.LISTENER, XdsType.ROUTE);
            Set<XdsType> received = EnumSet.noneOf(XdsType.class);
            CountDownLatch done = new CountDownLatch(1);
            @SuppressWarnings("unchecked")
            StreamObserver<DiscoveryRequest>[] requests = new StreamObserver[1];
            StreamObserver<DiscoveryResponse> responses = new StreamObserver<>() {
                @Override
                public void onNext(DiscoveryResponse response) {
                    synchronized (received) {
                        requests[0].onNext(DiscoveryRequest.newBuilder().setNode(node)
                                .setTypeUrl(response.getTypeUrl()).setVersionInfo(response.getVersionInfo())
                                .setResponseNonce(response.getNonce()).build());
                        XdsType.ofTypeUrl(response.getTypeUrl()).ifPresent(received::add);
                        if (received.containsAll(wanted)) {
                            done.countDown();
                        }
                    }
                }

                @Override
                public void onError(Throwable t) {
                    done.countDown();
                }

                @Override
                public void onCompleted() {
                    done.countDown();
                }
            };
            synchronized (received) {
                requests[0] = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(responses);
                for (XdsType type : wanted) {
                    requests[0].onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type.typeUrl())
                            .build());
                }
            }
            boolean all = done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            synchronized (received) {
                requests[0].onCompleted();
                return all && received.containsAll(wanted);
            }
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
