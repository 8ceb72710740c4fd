package dev.legate.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

final class DebouncerTest {

    @Test
    void aBurstOfChangesRunsTheActionOnce() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch ran = new CountDownLatch(1);
        try (Debouncer d = new Debouncer(Duration.ofMillis(100), Duration.ofSeconds(5), () -> {
            runs.incrementAndGet();
            ran.countDown();
        })) {
            for (int i = 0; i < 1000; i++) {
                d.changed();
            }
            assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(300);
            assertThat(runs.get()).isEqualTo(1);
        }
    }

    @Test
    void aSteadyTrickleCannotDelayBeyondTheMaximum() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        try (Debouncer d = new Debouncer(Duration.ofMillis(200), Duration.ofMillis(400), ran::countDown)) {
            long start = System.nanoTime();
            // A change every 50 ms keeps resetting the 200 ms holdoff; the 400 ms maximum still fires.
            while (ran.getCount() > 0 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
                d.changed();
                Thread.sleep(50);
            }
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(ran.getCount()).isZero();
            assertThat(elapsed).isBetween(350L, 2000L);
        }
    }

    @Test
    void aFailingActionDoesNotStopLaterRuns() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch second = new CountDownLatch(2);
        try (Debouncer d = new Debouncer(Duration.ZERO, Duration.ofMillis(10), () -> {
            runs.incrementAndGet();
            second.countDown();
            throw new IllegalStateException("boom");
        })) {
            d.changed();
            Thread.sleep(100);
            d.changed();
            assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void saysWhetherARunWaitsForItsHoldoff() {
        try (Debouncer d = new Debouncer(java.time.Duration.ofHours(1), java.time.Duration.ofHours(1), () -> { })) {
            assertThat(d.nothingPending()).isTrue();
            d.changed();
            assertThat(d.nothingPending()).isFalse();
        }
    }
}
