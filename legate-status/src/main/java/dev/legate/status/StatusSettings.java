package dev.legate.status;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the status writer writes, and how fast.
 *
 * @param kinds the kinds that get a status (a subset of {@link StatusReport#KINDS})
 * @param namespace the one namespace Legate watches ({@code AMBASSADOR_SINGLE_NAMESPACE}), or empty for all: the
 *     writer reads existing statuses there when it starts leading
 * @param gatewayService the Service whose {@code status.loadBalancer} Ingresses get
 * @param writesPerSecond at most this many status writes per second (a burst after a big change is spread out)
 * @param retryAfter a write that failed (other than for a missing object) is tried again after this long
 */
public record StatusSettings(Set<String> kinds, Optional<String> namespace, GatewayService gatewayService,
        double writesPerSecond, Duration retryAfter) {

    public static final double WRITES_PER_SECOND = 50;
    public static final Duration RETRY_AFTER = Duration.ofSeconds(10);

    public StatusSettings {
        kinds = java.util.Collections.unmodifiableSet(new TreeSet<>(kinds));
        if (!StatusReport.KINDS.containsAll(kinds)) {
            throw new IllegalArgumentException("kinds: " + kinds + " (expected a subset of " + StatusReport.KINDS
                    + ")");
        }
        requireNonNull(namespace, "namespace");
        requireNonNull(gatewayService, "gatewayService");
        if (!(writesPerSecond > 0)) {
            throw new IllegalArgumentException("writesPerSecond: " + writesPerSecond + " (expected > 0)");
        }
        requireNonNull(retryAfter, "retryAfter");
    }

    /**
     * From the environment Emissary's users already set:
     * <ul>
     *   <li>{@code AMBASSADOR_UPDATE_MAPPING_STATUS}: {@code false} leaves Mappings' status alone. Unlike Emissary
     *       (whose default is {@code false}), Legate writes Mapping status unless told not to: it writes only what
     *       changed, from one replica, at a bounded rate, which is what made Emissary turn it off by default;
     *   <li>{@code AMBASSADOR_SINGLE_NAMESPACE} with {@code AMBASSADOR_NAMESPACE}: the one namespace watched;
     *   <li>{@code LEGATE_GATEWAY_SERVICE}, else Emissary's label rule (see {@link GatewayService});
     *   <li>{@code LEGATE_STATUS_WRITES_PER_SECOND}: the write rate (default 50).
     * </ul>
     */
    public static StatusSettings fromEnvironment(Map<String, String> env) {
        return fromEnvironment(env, GatewayService.EMISSARY_POD_LABELS);
    }

    static StatusSettings fromEnvironment(Map<String, String> env, Path podLabelsFile) {
        Set<String> kinds = new TreeSet<>(StatusReport.KINDS);
        if ("false".equalsIgnoreCase(env.getOrDefault("AMBASSADOR_UPDATE_MAPPING_STATUS", "").strip())) {
            kinds.remove("Mapping");
        }
        String single = env.getOrDefault("AMBASSADOR_SINGLE_NAMESPACE", "").strip();
        // As in Emissary, any non-empty value means one namespace.
        Optional<String> namespace = !single.isEmpty()
                ? Optional.of(Optional.ofNullable(env.get("AMBASSADOR_NAMESPACE")).filter(s -> !s.isBlank())
                        .map(String::strip).orElse("default"))
                : Optional.empty();
        double rate = WRITES_PER_SECOND;
        String rateText = env.get("LEGATE_STATUS_WRITES_PER_SECOND");
        if (rateText != null && !rateText.isBlank()) {
            try {
                rate = Double.parseDouble(rateText.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("LEGATE_STATUS_WRITES_PER_SECOND: " + rateText
                        + " (expected a number > 0)");
            }
        }
        return new StatusSettings(kinds, namespace, GatewayService.fromEnvironment(env, podLabelsFile), rate,
                RETRY_AFTER);
    }
}
