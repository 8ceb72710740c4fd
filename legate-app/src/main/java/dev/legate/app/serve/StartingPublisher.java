package dev.legate.app.serve;

import static java.util.Objects.requireNonNull;

import dev.legate.compiler.envoy.EnvoyConfig;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A publisher whose server is still starting: the first configuration is compiled while the ADS server starts, and
 * its publish waits for the server. When the server could not start, every publish is refused.
 */
final class StartingPublisher implements ConfigPublisher {

    private final CompletableFuture<? extends ConfigPublisher> publisher;

    StartingPublisher(CompletableFuture<? extends ConfigPublisher> publisher) {
        this.publisher = requireNonNull(publisher, "publisher");
    }

    @Override
    public Outcome publish(EnvoyConfig config) {
        ConfigPublisher started;
        try {
            started = publisher.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Outcome.Refused("the ADS server did not start: " + cause.getMessage());
        }
        return started.publish(config);
    }
}
