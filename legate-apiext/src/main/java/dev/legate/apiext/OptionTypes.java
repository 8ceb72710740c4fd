package dev.legate.apiext;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** picocli converters for durations ({@code 30d}, {@code 12h}, {@code PT1H}) and sizes ({@code 32Mi}). */
final class OptionTypes {

    private OptionTypes() {}

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})(|k|ki|m|mi|g|gi)");

    /** {@code 500ms}, {@code 45s}, {@code 30m}, {@code 12h}, {@code 365d}, or ISO-8601 ({@code P30D}). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return duration(value);
        }
    }

    /** A byte count: {@code 1048576}, {@code 1024k} / {@code 1024Ki}, {@code 32m} / {@code 32Mi}, {@code 1g}. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return size(value);
        }
    }

    static Duration duration(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use 500ms, 45s, "
                    + "30m, 12h, 365d or ISO-8601 such as P30D");
        }
    }

    static long size(String value) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size: use bytes, or a number "
                    + "with k, m or g (powers of 1024), such as 32m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "k", "ki" -> n << 10;
            case "m", "mi" -> n << 20;
            case "g", "gi" -> n << 30;
            default -> n;
        };
    }
}
