package dev.legate.sources;

import java.io.IOException;

/**
 * Where one reconfiguration's input comes from: a directory, a Kubernetes cluster, or several of these layered. A
 * source is started once with a callback it calls (quickly, from any thread) whenever something it watches changed;
 * the reconfiguration then calls {@link #read()} on its own thread, which returns everything the source holds now
 * (never a delta), and which kinds changed since the previous read.
 */
public interface SnapshotSource extends AutoCloseable {

    /** Starts watching. {@code onChange} may be called before this returns. */
    void start(Runnable onChange) throws IOException;

    /** Everything the source holds now; called on one thread at a time. */
    SourceRead read() throws IOException;

    /** For logs: what is being watched. */
    String describe();

    @Override
    void close();
}
