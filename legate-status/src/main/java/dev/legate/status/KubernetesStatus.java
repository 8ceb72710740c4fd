package dev.legate.status;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.CompileResult;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Map;

/**
 * Status in a cluster, assembled: a {@link LeaderElection} over the Lease from {@link LeaseSettings}, and a
 * {@link StatusWriter} that writes while this replica leads, both configured from the environment Emissary's users
 * set. {@code legate serve} starts one when it watches Kubernetes and calls {@link #publish} after each compile.
 */
public final class KubernetesStatus implements AutoCloseable {

    private final LeaderElection election;
    private final StatusWriter writer;

    private KubernetesStatus(LeaderElection election, StatusWriter writer) {
        this.election = election;
        this.writer = writer;
    }

    /** Starts standing for the Lease and the writer; returns at once. */
    public static KubernetesStatus start(KubernetesClient client, Map<String, String> env, Clock clock) {
        requireNonNull(client, "client");
        requireNonNull(env, "env");
        requireNonNull(clock, "clock");
        LeaderElection election = LeaderElection.start(client, LeaseSettings.fromEnvironment(env));
        StatusWriter writer = StatusWriter.start(client, StatusSettings.fromEnvironment(env), election, clock);
        return new KubernetesStatus(election, writer);
    }

    /** The statuses of {@code result}'s resources, written (by the leader) in the background. Never blocks. */
    public void publish(CompileResult result) {
        writer.publish(result);
    }

    public boolean leading() {
        return election.leading();
    }

    public StatusWriter.Stats stats() {
        return writer.stats();
    }

    /** Stops writing, then releases the Lease so another replica takes over at once. */
    @Override
    public void close() {
        writer.close();
        election.close();
    }
}
