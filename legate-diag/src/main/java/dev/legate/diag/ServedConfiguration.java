package dev.legate.diag;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.CompileResult;
import java.time.Instant;

/**
 * The configuration being served: the last one that was compiled and published.
 *
 * @param number the reconfiguration that produced it (1 for the first)
 * @param version the published version (a content hash)
 * @param at when it was published
 * @param result everything its compile produced
 * @param timings where that reconfiguration's time went
 */
public record ServedConfiguration(long number, String version, Instant at, CompileResult result, Timings timings) {

    public ServedConfiguration {
        requireNonNull(version, "version");
        requireNonNull(at, "at");
        requireNonNull(result, "result");
        requireNonNull(timings, "timings");
    }

    /** Where one reconfiguration's time went, in milliseconds. */
    public record Timings(long readMs, long compileMs, long publishMs) {

        public static final Timings NONE = new Timings(0, 0, 0);

        public long totalMs() {
            return readMs + compileMs + publishMs;
        }
    }
}
