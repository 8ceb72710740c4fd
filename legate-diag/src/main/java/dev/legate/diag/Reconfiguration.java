package dev.legate.diag;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One reconfiguration attempt, as the history shows it.
 *
 * @param number the attempt's number (1 for the first)
 * @param at when it ended
 * @param outcome what it did
 * @param version the version served afterwards (null when nothing has been served yet)
 * @param reason why it failed (null unless {@link Outcome#FAILED})
 * @param timings where its time went (zero for the steps it did not reach)
 * @param resources how many resources it accepted (0 when it failed)
 * @param errors how many error diagnostics its compile reported (0 when it failed)
 */
public record Reconfiguration(long number, Instant at, Outcome outcome, @Nullable String version,
        @Nullable String reason, ServedConfiguration.Timings timings, int resources, long errors) {

    public Reconfiguration {
        requireNonNull(at, "at");
        requireNonNull(outcome, "outcome");
        requireNonNull(timings, "timings");
    }

    /** What an attempt did. */
    public enum Outcome {
        /** A new configuration went out. */
        PUBLISHED,
        /** It compiled to what was already served: nothing was sent. */
        UNCHANGED,
        /** It could not be read, compiled or published; the last good configuration stays. */
        FAILED
    }
}
