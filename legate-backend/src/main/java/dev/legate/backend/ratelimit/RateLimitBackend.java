package dev.legate.backend.ratelimit;

import static java.util.Objects.requireNonNull;

import dev.legate.backend.GrpcListener;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A rate-limit backend speaking Envoy's gRPC rate-limit service v3 ({@code envoy.service.ratelimit.v3.RateLimitService/
 * ShouldRateLimit}), the protocol of a RateLimitService with {@code protocol_version: v3}. It decides with
 * {@link RateLimitPolicy} (one-second windows unless told otherwise): the overall code is OVER_LIMIT when any
 * descriptor is, each descriptor gets its status (with its limit and the hits remaining when it has one), and every
 * response asks the gateway to add {@code x-legate-ratelimit-backend: NAME} to the client's response.
 *
 * <p>Use: {@code RateLimitBackend rl = RateLimitBackend.start("ratelimit", new InetSocketAddress("127.0.0.1", 0));}
 * then point a RateLimitService at {@code 127.0.0.1:rl.port()}; {@code rl.close()} stops it. Thread-safe.
 */
public final class RateLimitBackend implements AutoCloseable {

    private final String name;
    private final RateLimitPolicy policy;
    private final GrpcListener listener;
    private final AtomicLong requests = new AtomicLong();

    private RateLimitBackend(String name, InetSocketAddress address, RateLimitPolicy policy) {
        this.name = name;
        this.policy = policy;
        this.listener = GrpcListener.start(address, new Service(), "rate-limit backend");
    }

    /** Starts the backend on {@code address} (port 0: an ephemeral port, see {@link #port()}), one-second windows. */
    public static RateLimitBackend start(String name, InetSocketAddress address) {
        return start(name, address, new RateLimitPolicy(Duration.ofSeconds(1), System::nanoTime));
    }

    /**
     * Starts the backend with its own policy (another window, another clock).
     *
     * @param name how the backend identifies itself (response header {@code x-legate-ratelimit-backend})
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static RateLimitBackend start(String name, InetSocketAddress address, RateLimitPolicy policy) {
        requireNonNull(name, "name");
        requireNonNull(address, "address");
        requireNonNull(policy, "policy");
        return new RateLimitBackend(name, address, policy);
    }

    public String name() {
        return name;
    }

    /** The port it listens on. */
    public int port() {
        return listener.port();
    }

    /** How many requests it has answered. */
    public long requests() {
        return requests.get();
    }

    static RateLimitResponse response(String name, RateLimitPolicy policy, RateLimitRequest request) {
        List<List<RateLimitPolicy.Entry>> descriptors = request.getDescriptorsList().stream()
                .map(d -> d.getEntriesList().stream()
                        .map(e -> new RateLimitPolicy.Entry(e.getKey(), e.getValue())).toList())
                .toList();
        List<RateLimitPolicy.Verdict> verdicts = policy.decide(request.getDomain(), descriptors,
                request.getHitsAddend());
        RateLimitResponse.Builder response = RateLimitResponse.newBuilder()
                .setOverallCode(verdicts.stream().anyMatch(RateLimitPolicy.Verdict::overLimit)
                        ? RateLimitResponse.Code.OVER_LIMIT : RateLimitResponse.Code.OK)
                .addResponseHeadersToAdd(HeaderValue.newBuilder().setKey("x-legate-ratelimit-backend")
                        .setValue(name));
        for (RateLimitPolicy.Verdict v : verdicts) {
            RateLimitResponse.DescriptorStatus.Builder status = RateLimitResponse.DescriptorStatus.newBuilder()
                    .setCode(v.overLimit() ? RateLimitResponse.Code.OVER_LIMIT : RateLimitResponse.Code.OK)
                    .setLimitRemaining(v.remaining());
            v.limit().ifPresent(limit -> status.setCurrentLimit(RateLimitResponse.RateLimit.newBuilder()
                    .setRequestsPerUnit(limit).setUnit(unit(policy.window()))));
            response.addStatuses(status);
        }
        return response.build();
    }

    /** The unit of a window of one second, minute, hour or day; UNKNOWN for any other window. */
    private static RateLimitResponse.RateLimit.Unit unit(Duration window) {
        if (window.equals(Duration.ofSeconds(1))) {
            return RateLimitResponse.RateLimit.Unit.SECOND;
        } else if (window.equals(Duration.ofMinutes(1))) {
            return RateLimitResponse.RateLimit.Unit.MINUTE;
        } else if (window.equals(Duration.ofHours(1))) {
            return RateLimitResponse.RateLimit.Unit.HOUR;
        } else if (window.equals(Duration.ofDays(1))) {
            return RateLimitResponse.RateLimit.Unit.DAY;
        }
        return RateLimitResponse.RateLimit.Unit.UNKNOWN;
    }

    private final class Service extends RateLimitServiceGrpc.RateLimitServiceImplBase {
        @Override
        public void shouldRateLimit(RateLimitRequest request, StreamObserver<RateLimitResponse> responses) {
            requests.incrementAndGet();
            responses.onNext(response(name, policy, request));
            responses.onCompleted();
        }
    }

    @Override
    public void close() {
        listener.close();
    }
}
