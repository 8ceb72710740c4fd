package dev.legate.xds;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * What one {@link XdsServer#publish} did. A refused configuration is data, not an exception: the reasons are in
 * {@link #errors()} and the last good configuration keeps being served.
 *
 * @param outcome what happened
 * @param versions the versions being served afterwards (on {@link Outcome#REJECTED}, the last good ones)
 * @param steps the snapshots that were set, in order (empty unless {@link Outcome#PUBLISHED})
 * @param errors why the configuration was refused (empty unless {@link Outcome#REJECTED})
 * @param laggingClients clients ({@code node@address}) that had not answered an intermediate step within the step
 *     timeout; the server went on without them, so they may briefly see a listener before its route configuration
 * @param elapsed wall time of the call, checks and waits included
 */
public record PublishResult(Outcome outcome, XdsVersions versions, List<Step> steps, List<String> errors,
        List<String> laggingClients, Duration elapsed) {

    public PublishResult {
        requireNonNull(outcome, "outcome");
        requireNonNull(versions, "versions");
        steps = List.copyOf(steps);
        errors = List.copyOf(errors);
        laggingClients = List.copyOf(laggingClients);
        requireNonNull(elapsed, "elapsed");
    }

    /** Whether the given configuration is now the one being served. */
    public boolean accepted() {
        return outcome == Outcome.PUBLISHED || outcome == Outcome.UNCHANGED;
    }

    /** What a publish did. */
    public enum Outcome {
        /** The configuration changed and was set; connected Envoys are being sent what changed. */
        PUBLISHED,
        /** The configuration has the same content as the one being served: nothing was sent. */
        UNCHANGED,
        /** The configuration is inconsistent (see {@link PublishResult#errors()}); the last good one stays. */
        REJECTED,
        /** The server is closed. */
        CLOSED
    }

    /**
     * One snapshot of a make-before-break publish. Each step only adds what the next one refers to, so a client that
     * processes the steps in order never holds a dangling reference. Steps with nothing to do are skipped; a publish
     * that only changes route contents, for instance, is a single {@link #ROUTES} step.
     */
    public enum Step {
        /** New and changed secrets are added; nothing refers to them yet. */
        SECRETS,
        /** New and changed clusters and their endpoints are added; old ones stay. */
        CLUSTERS,
        /** New and changed route configurations are added; old ones stay (the old listeners may name them). */
        ROUTES,
        /** The new listeners replace the old ones. */
        LISTENERS,
        /** What the new configuration no longer has is removed: the snapshot is now exactly the new one. */
        CLEANUP,
        /**
         * The whole configuration in one snapshot: a server's first publish while connected Envoys already hold a
         * configuration from an earlier server (building it up from nothing would first send them empty sets).
         */
        ALL
    }
}
