package dev.legate.compiler.ir;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Kubernetes (Go) durations such as {@code 3s}, {@code 500ms}, {@code 1m30s}, {@code 1.5s}. */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private Durations() {
    }

    /** The duration in milliseconds (rounded), or null when {@code text} is not one. */
    public static @Nullable Long millis(String text) {
        String s = text.strip();
        Matcher m = PART.matcher(s);
        double total = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            double value = Double.parseDouble(m.group(1));
            total += switch (m.group(2)) {
                case "ms" -> value;
                case "s" -> value * 1000;
                case "m" -> value * 60_000;
                default -> value * 3_600_000;
            };
            end = m.end();
        }
        return end == 0 || end != s.length() ? null : Math.round(total);
    }
}
