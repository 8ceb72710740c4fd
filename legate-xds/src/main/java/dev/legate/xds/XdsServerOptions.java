package dev.legate.xds;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;

/**
 * How an {@link XdsServer} behaves beyond its address.
 *
 * @param clock the clock for connection, ACK and NACK times (a fixed clock makes {@link ClientStatus} testable)
 * @param stepTimeout how long a multi-step publish waits for connected clients to answer one step before the next;
 *     a client that does not answer in time is reported in {@link PublishResult#laggingClients()} and not waited for
 *     again on that type until it answers a response of it, so one stuck Envoy cannot stall every publish
 * @param shutdownTimeout how long {@link XdsServer#close()} waits for streams and connections to end before forcing
 *     them
 */
public record XdsServerOptions(Clock clock, Duration stepTimeout, Duration shutdownTimeout) {

    public XdsServerOptions {
        requireNonNull(clock, "clock");
        requireNonNull(stepTimeout, "stepTimeout");
        requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (stepTimeout.isNegative()) {
            throw new IllegalArgumentException("stepTimeout: " + stepTimeout + " (expected: >= 0)");
        }
        if (shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("shutdownTimeout: " + shutdownTimeout + " (expected: >= 0)");
        }
    }

    /** The system clock, a 5 s step timeout and a 5 s shutdown timeout. */
    public static XdsServerOptions defaults() {
        return new XdsServerOptions(Clock.systemUTC(), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    public XdsServerOptions withClock(Clock clock) {
        return new XdsServerOptions(clock, stepTimeout, shutdownTimeout);
    }

    public XdsServerOptions withStepTimeout(Duration stepTimeout) {
        return new XdsServerOptions(clock, stepTimeout, shutdownTimeout);
    }

    public XdsServerOptions withShutdownTimeout(Duration shutdownTimeout) {
        return new XdsServerOptions(clock, stepTimeout, shutdownTimeout);
    }
}
