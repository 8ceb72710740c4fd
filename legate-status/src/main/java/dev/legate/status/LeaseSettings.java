package dev.legate.status;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The coordination.k8s.io Lease the replicas compete for.
 *
 * @param identity this replica's name in the Lease ({@code holderIdentity}): the Pod's name
 * @param leaseDuration how long a leader that stopped renewing keeps the Lease (the failover time)
 * @param renewDeadline how long the leader keeps retrying a renewal before it gives up leading
 * @param retryPeriod how often candidates try to acquire, and the leader renews
 */
public record LeaseSettings(String namespace, String name, String identity, Duration leaseDuration,
        Duration renewDeadline, Duration retryPeriod) {

    public static final Duration LEASE_DURATION = Duration.ofSeconds(15);
    public static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
    public static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

    public LeaseSettings {
        requireNonNull(namespace, "namespace");
        requireNonNull(name, "name");
        requireNonNull(identity, "identity");
        requireNonNull(leaseDuration, "leaseDuration");
        requireNonNull(renewDeadline, "renewDeadline");
        requireNonNull(retryPeriod, "retryPeriod");
        if (renewDeadline.compareTo(leaseDuration) >= 0) {
            throw new IllegalArgumentException("renewDeadline: " + renewDeadline + " (expected < leaseDuration "
                    + leaseDuration + ")");
        }
        // fabric8's elector jitters the retry period by up to 20 %; it must still fit in the renew deadline.
        if (retryPeriod.multipliedBy(12).dividedBy(10).compareTo(renewDeadline) >= 0) {
            throw new IllegalArgumentException("retryPeriod: " + retryPeriod + " (expected 1.2 x retryPeriod < "
                    + "renewDeadline " + renewDeadline + ")");
        }
    }

    /**
     * The Lease {@code legate-status} (with {@code -<AMBASSADOR_ID>} when that is not {@code default}, so that
     * instances with different ids each have their writer) in {@code AMBASSADOR_NAMESPACE}; identity
     * {@code POD_NAME}, else {@code HOSTNAME} (a Pod's name), else a random one.
     */
    public static LeaseSettings fromEnvironment(Map<String, String> env) {
        String namespace = nonBlank(env.get("AMBASSADOR_NAMESPACE"), "default");
        String id = nonBlank(env.get("AMBASSADOR_ID"), "default");
        String identity = nonBlank(env.get("POD_NAME"), nonBlank(env.get("HOSTNAME"), "legate-" + UUID.randomUUID()));
        return new LeaseSettings(namespace, leaseName(id), identity, LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD);
    }

    /** {@code legate-status}, or {@code legate-status-<id>} with the id made a valid object name. */
    static String leaseName(String ambassadorId) {
        if (ambassadorId.equals("default")) {
            return "legate-status";
        }
        String cleaned = ambassadorId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-")
                .replaceAll("-+", "-").replaceAll("^-|-$", "");
        String name = "legate-status-" + (cleaned.isEmpty() ? "x" : cleaned);
        return name.length() <= 63 ? name : name.substring(0, 63).replaceAll("-$", "");
    }

    private static String nonBlank(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
