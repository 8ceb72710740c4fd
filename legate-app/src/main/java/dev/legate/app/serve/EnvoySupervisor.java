package dev.legate.app.serve;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Envoy as a child process: starts it on the bootstrap, forwards its output to Legate's log, restarts it with
 * exponential backoff when it dies, and drains it (admin {@code /drain_listeners?graceful}) before stopping it.
 */
public final class EnvoySupervisor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EnvoySupervisor.class);
    static final Duration MIN_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** A run this long counts as healthy: the next crash starts backing off from the minimum again. */
    static final Duration STABLE_RUN = Duration.ofSeconds(60);

    private final List<String> command;
    private final int adminPort;
    private final Duration drainTime;
    private final Thread thread;
    /** Made on first use, when Envoy has started (its TLS set-up is not for the start-up to pay). Guarded by this. */
    private @Nullable HttpClient http;
    private volatile boolean stopping;
    private volatile @Nullable Process process;
    private volatile int starts;
    private boolean begun;

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        }
        return http;
    }

    private EnvoySupervisor(List<String> command, int adminPort, Duration drainTime) {
        this.command = List.copyOf(command);
        this.adminPort = adminPort;
        this.drainTime = drainTime;
        this.thread = new Thread(this::superviseLoop, "legate-envoy-supervisor");
        this.thread.setDaemon(true);
    }

    /**
     * The Envoy binary to run: {@code ENVOY_BIN} if set, else {@code envoy} on the PATH; empty when there is none.
     */
    public static Optional<Path> findEnvoy(Map<String, String> env) {
        String explicit = env.get("ENVOY_BIN");
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit.strip());
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "envoy");
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Starts supervising {@code envoy -c bootstrap ...}. */
    public static EnvoySupervisor start(Path envoy, Path bootstrap, int adminPort, Duration drainTime,
            List<String> extraArgs) {
        EnvoySupervisor s = create(envoy, bootstrap, adminPort, drainTime, extraArgs);
        s.begin();
        return s;
    }

    /** A supervisor of {@code envoy -c bootstrap ...} that starts Envoy when {@link #begin()} is called. */
    public static EnvoySupervisor create(Path envoy, Path bootstrap, int adminPort, Duration drainTime,
            List<String> extraArgs) {
        List<String> command = new ArrayList<>(List.of(envoy.toString(), "-c", bootstrap.toString(),
                "--drain-time-s", Long.toString(Math.max(1, drainTime.toSeconds())), "--log-level", "info"));
        command.addAll(extraArgs);
        return new EnvoySupervisor(command, adminPort, requireNonNull(drainTime, "drainTime"));
    }

    /** Starts Envoy (and restarts it when it dies); a second call does nothing. */
    public synchronized void begin() {
        if (!begun && !stopping) {
            begun = true;
            thread.start();
        }
    }

    /** How many times Envoy has been started (1 + restarts). */
    public int starts() {
        return starts;
    }

    public boolean running() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Envoy's own readiness: its admin {@code /ready} answers 200 once it has its initial configuration. */
    public boolean ready() {
        if (!running()) {
            return false;
        }
        try {
            HttpResponse<Void> r = http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                    + "/ready")).timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void superviseLoop() {
        Duration backoff = MIN_BACKOFF;
        while (!stopping) {
            long started = System.nanoTime();
            int exit;
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                process = p;
                starts++;
                LOG.info("Envoy started (pid {}): {}", p.pid(), String.join(" ", command));
                forward(p.getInputStream());
                exit = p.waitFor();
            } catch (IOException e) {
                LOG.error("cannot start Envoy ({}): {}", command.get(0), e.getMessage());
                exit = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (stopping) {
                LOG.info("Envoy stopped (exit status {})", exit);
                return;
            }
            Duration ran = Duration.ofNanos(System.nanoTime() - started);
            if (ran.compareTo(STABLE_RUN) >= 0) {
                backoff = MIN_BACKOFF;
            }
            LOG.warn("Envoy exited with status {} after {} ms; restarting in {} ms", exit, ran.toMillis(),
                    backoff.toMillis());
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private static void forward(InputStream output) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    LOG.info("[envoy] {}", line);
                }
            } catch (IOException e) {
                LOG.debug("Envoy's output closed: {}", e.getMessage());
            }
        }, "legate-envoy-log");
        t.setDaemon(true);
        t.start();
    }

    /** Drains Envoy's listeners, waits up to the drain time, then stops it. */
    @Override
    public void close() {
        stopping = true;
        Process p = process;
        if (p != null && p.isAlive()) {
            try {
                http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                        + "/drain_listeners?graceful")).timeout(Duration.ofSeconds(2))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
                LOG.info("draining Envoy for up to {} s", drainTime.toSeconds());
                p.waitFor(drainTime.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (IOException e) {
                LOG.debug("Envoy's admin did not take the drain request: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            p.destroy();
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        thread.interrupt();
    }
}
