package dev.legate.apiext;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificates made at start and kept in memory only (for {@code --no-kubernetes}): a restart makes a new CA.
 * Renewed in place when they come within the renewal margin.
 */
final class InMemoryCertificateSource implements CertificateSource {

    private static final Logger LOG = LoggerFactory.getLogger(InMemoryCertificateSource.class);

    private final CertificatePolicy policy;
    private final Clock clock;
    private final Duration checkInterval;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Threads.daemon("legate-apiext-certs"));
    private volatile @Nullable CertificateBundle current;
    private @Nullable Consumer<CertificateBundle> listener;

    InMemoryCertificateSource(CertificatePolicy policy, Clock clock, Duration checkInterval) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.checkInterval = Objects.requireNonNull(checkInterval, "checkInterval");
    }

    @Override
    public void start(Consumer<CertificateBundle> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        CertificateBundle bundle = policy.create(clock.instant());
        LOG.info("in-memory certificates: {}", bundle.describe());
        current = bundle;
        listener.accept(bundle);
        long every = Math.max(1, checkInterval.toMillis());
        scheduler.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    /** Renews when due. */
    void check() {
        try {
            CertificateBundle bundle = Objects.requireNonNull(current);
            CertificatePolicy.Assessment assessment = policy.assess(bundle, clock.instant());
            if (assessment.verdict() != CertificatePolicy.Verdict.KEEP) {
                CertificateBundle renewed = policy.renew(bundle, assessment, clock.instant());
                LOG.info("renewed the in-memory certificates ({}): {}", assessment.reason(), renewed.describe());
                current = renewed;
                Objects.requireNonNull(listener).accept(renewed);
            }
        } catch (RuntimeException e) {
            LOG.error("checking the in-memory certificates failed", e);
        }
    }

    @Override
    public @Nullable CertificateBundle current() {
        return current;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
