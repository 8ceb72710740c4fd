package dev.legate.backend.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rate-limit backend through a real gRPC RateLimitService client. */
@Timeout(60)
final class RateLimitBackendTest {

    private final List<AutoCloseable> closeables = new ArrayList<>();
    /** The backend's clock, moved by hand. */
    private final AtomicLong now = new AtomicLong();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    private RateLimitServiceGrpc.RateLimitServiceBlockingStub client() {
        RateLimitBackend backend = RateLimitBackend.start("rl", new InetSocketAddress("127.0.0.1", 0),
                new RateLimitPolicy(Duration.ofSeconds(1), now::get));
        closeables.add(backend);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", backend.port()).usePlaintext().build();
        closeables.add(() -> {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        });
        return RateLimitServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** A descriptor of (key, value) pairs. */
    private static RateLimitDescriptor descriptor(String... keysAndValues) {
        RateLimitDescriptor.Builder d = RateLimitDescriptor.newBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            d.addEntries(RateLimitDescriptor.Entry.newBuilder().setKey(keysAndValues[i])
                    .setValue(keysAndValues[i + 1]));
        }
        return d.build();
    }

    private static RateLimitRequest request(String domain, RateLimitDescriptor... descriptors) {
        return RateLimitRequest.newBuilder().setDomain(domain).addAllDescriptors(List.of(descriptors)).build();
    }

    @Test
    void aDescriptorValueForcesOverLimitAndOthersAreOk() {
        var client = client();
        RateLimitResponse ok = client.shouldRateLimit(request("ambassador",
                descriptor("generic_key", "free"), descriptor("remote_address", "10.0.0.1")));
        assertThat(ok.getOverallCode()).isEqualTo(Code.OK);
        assertThat(ok.getStatusesList()).extracting(RateLimitResponse.DescriptorStatus::getCode)
                .containsExactly(Code.OK, Code.OK);
        assertThat(ok.getResponseHeadersToAddList()).anySatisfy(h -> {
            assertThat(h.getKey()).isEqualTo("x-legate-ratelimit-backend");
            assertThat(h.getValue()).isEqualTo("rl");
        });

        // A request_headers action carries the header's value: "over" (any case) is over the limit.
        RateLimitResponse over = client.shouldRateLimit(request("ambassador",
                descriptor("generic_key", "free"), descriptor("x-limit-header", "OVER")));
        assertThat(over.getOverallCode()).isEqualTo(Code.OVER_LIMIT);
        assertThat(over.getStatusesList()).extracting(RateLimitResponse.DescriptorStatus::getCode)
                .containsExactly(Code.OK, Code.OVER_LIMIT);

        assertThat(client.shouldRateLimit(request("ambassador")).getOverallCode()).isEqualTo(Code.OK);
    }

    @Test
    void aCountingLimitAllowsNHitsPerWindowPerDescriptor() {
        var client = client();
        RateLimitDescriptor limited = descriptor("generic_key", "limit-2", "path", "/a/");
        List<RateLimitResponse> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(client.shouldRateLimit(request("ambassador", limited)));
        }
        assertThat(answers).extracting(RateLimitResponse::getOverallCode)
                .containsExactly(Code.OK, Code.OK, Code.OVER_LIMIT);
        assertThat(answers).extracting(r -> r.getStatuses(0).getLimitRemaining()).containsExactly(1, 0, 0);
        assertThat(answers.getFirst().getStatuses(0).getCurrentLimit().getRequestsPerUnit()).isEqualTo(2);
        assertThat(answers.getFirst().getStatuses(0).getCurrentLimit().getUnit())
                .isEqualTo(RateLimitResponse.RateLimit.Unit.SECOND);

        // Another descriptor, or the same in another domain, counts on its own.
        assertThat(client.shouldRateLimit(request("ambassador", descriptor("generic_key", "limit-2", "path", "/b/")))
                .getOverallCode()).isEqualTo(Code.OK);
        assertThat(client.shouldRateLimit(request("other", limited)).getOverallCode()).isEqualTo(Code.OK);

        // The next window starts afresh.
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(client.shouldRateLimit(request("ambassador", limited)).getOverallCode()).isEqualTo(Code.OK);

        // hits_addend counts as that many hits; a limit of 0 refuses everything.
        assertThat(client.shouldRateLimit(request("ambassador", descriptor("generic_key", "limit-2", "k", "x"))
                .toBuilder().setHitsAddend(3).build()).getOverallCode()).isEqualTo(Code.OVER_LIMIT);
        assertThat(client.shouldRateLimit(request("ambassador", descriptor("generic_key", "limit-0")))
                .getOverallCode()).isEqualTo(Code.OVER_LIMIT);
    }

    @Test
    void concurrentHitsAreCountedExactly() throws Exception {
        var client = client();
        RateLimitDescriptor limited = descriptor("generic_key", "limit-50");
        List<java.util.concurrent.Future<RateLimitResponse>> answers = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 200; i++) {
                answers.add(pool.submit(() -> client.shouldRateLimit(request("ambassador", limited))));
            }
        }
        int ok = 0;
        for (var a : answers) {
            ok += a.get().getOverallCode() == Code.OK ? 1 : 0;
        }
        assertThat(ok).isEqualTo(50);
    }
}
