package dev.legate.app.serve;

import dev.legate.compiler.envoy.EnvoyConfig;

/** Where a compiled configuration goes: the ADS server in production, a recorder in tests. */
public interface ConfigPublisher {

    /** Publishes {@code config} to every Envoy; it may refuse a configuration it finds inconsistent. */
    Outcome publish(EnvoyConfig config);

    /** What happened to a publish. */
    sealed interface Outcome {

        /** Published as {@code version}; {@code changed} is false when the content was the same as before. */
        record Published(String version, boolean changed) implements Outcome {
        }

        /** Not published; the previous configuration stays. */
        record Refused(String reason) implements Outcome {
        }
    }
}
