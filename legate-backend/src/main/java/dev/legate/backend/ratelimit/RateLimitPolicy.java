package dev.legate.backend.ratelimit;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the rate-limit backend decides, from the descriptors alone (Envoy's rate-limit actions put everything into
 * them: a generic key's value, a header's value, the remote address):
 *
 * <ul>
 *   <li>a descriptor with an entry whose value is {@code over} (any case) is OVER_LIMIT, always;</li>
 *   <li>a descriptor with an entry whose value is {@code limit-N} (N &ge; 0) allows N hits per window: its hits (the
 *       request's {@code hits_addend}, 1 when unset) are counted per domain and descriptor (all its entries) in fixed
 *       windows, and it is OVER_LIMIT once they pass N;</li>
 *   <li>any other descriptor is OK.</li>
 * </ul>
 *
 * <p>A request is OVER_LIMIT when any of its descriptors is. Counts are kept for every descriptor seen; this is a test
 * backend, fed descriptors a test chooses. Thread-safe.
 */
public final class RateLimitPolicy {

    private static final Pattern LIMIT = Pattern.compile("limit-(\\d{1,9})");

    /** One descriptor entry, as Envoy sends it. */
    public record Entry(String key, String value) {
        public Entry {
            requireNonNull(key, "key");
            requireNonNull(value, "value");
        }
    }

    /**
     * The verdict on one descriptor.
     *
     * @param limit the descriptor's limit per window, when it has one
     * @param remaining hits left in the current window (0 when over, or without a limit)
     */
    public record Verdict(boolean overLimit, OptionalInt limit, int remaining) {
    }

    private record Bucket(String domain, List<Entry> entries) {
    }

    private record Window(long startNanos, long hits) {
    }

    private final Duration window;
    private final LongSupplier nanoTime;
    private final Map<Bucket, Window> windows = new ConcurrentHashMap<>();

    /**
     * @param window the length of a counting window
     * @param nanoTime the clock windows are measured with ({@code System::nanoTime})
     */
    public RateLimitPolicy(Duration window, LongSupplier nanoTime) {
        requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the window must be positive: " + window);
        }
        this.window = window;
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    }

    public Duration window() {
        return window;
    }

    /** The verdict on each descriptor, in order, counting {@code hits} against each one with a limit. */
    public List<Verdict> decide(String domain, List<List<Entry>> descriptors, int hits) {
        requireNonNull(domain, "domain");
        int counted = Math.max(1, hits);
        List<Verdict> verdicts = new ArrayList<>(descriptors.size());
        for (List<Entry> entries : descriptors) {
            verdicts.add(decideOne(domain, List.copyOf(entries), counted));
        }
        return verdicts;
    }

    private Verdict decideOne(String domain, List<Entry> entries, int hits) {
        OptionalInt limit = OptionalInt.empty();
        for (Entry e : entries) {
            if (e.value().toLowerCase(Locale.ROOT).equals("over")) {
                return new Verdict(true, OptionalInt.empty(), 0);
            }
            Matcher m = LIMIT.matcher(e.value());
            if (m.matches()) {
                limit = OptionalInt.of(Integer.parseInt(m.group(1)));
            }
        }
        if (limit.isEmpty()) {
            return new Verdict(false, OptionalInt.empty(), 0);
        }
        long now = nanoTime.getAsLong();
        Window w = windows.compute(new Bucket(domain, entries), (k, old) ->
                old == null || now - old.startNanos() >= window.toNanos() ? new Window(now, hits)
                        : new Window(old.startNanos(), old.hits() + hits));
        int max = limit.getAsInt();
        boolean over = w.hits() > max;
        return new Verdict(over, limit, over ? 0 : (int) (max - w.hits()));
    }
}
