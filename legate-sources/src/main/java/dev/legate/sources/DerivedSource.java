package dev.legate.sources;

import dev.legate.compiler.config.ResourceSnapshot;

/**
 * A source whose watches depend on what the other sources hold: the Consul catalog watcher watches exactly the
 * services that Mappings with a ConsulResolver name. Each read gets the other sources' snapshot, adjusts its watches
 * to it, and returns its own documents.
 */
public interface DerivedSource extends AutoCloseable {

    void start(Runnable onChange);

    /** Adjusts the watches to {@code base} and returns this source's documents (not including {@code base}'s). */
    SourceRead read(ResourceSnapshot base);

    String describe();

    @Override
    void close();
}
