package dev.legate.acceptance;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code legate serve} as a child process, from legate-app's packaged jar: the real command, with its own class
 * path. ADS, probes and (when asked) Envoy's admin on ports it picks; API-listener views on.
 */
final class ServeProcess implements AutoCloseable {

    private static final Pattern PORTS = Pattern.compile("ADS on [^:]+:(\\d+); probes on [^:]+:(\\d+)");

    private final Process process;
    private final Path stateDir;
    private final Path log;
    private final int adsPort;
    private final int probePort;

    private ServeProcess(Process process, Path stateDir, Path log, int adsPort, int probePort) {
        this.process = process;
        this.stateDir = stateDir;
        this.log = log;
        this.adsPort = adsPort;
        this.probePort = probePort;
    }

    /** The packaged {@code legate} jar (built by legate-app before this module's tests). */
    static Path appJar() {
        String configured = System.getProperty("legate.app.jar", "../legate-app/target/legate-app.jar");
        return Path.of(configured).toAbsolutePath().normalize();
    }

    /**
     * Starts serving {@code configDir}. With {@code envoy} present, serve runs that Envoy itself (admin on
     * {@code adminPort}); otherwise no Envoy.
     */
    static ServeProcess start(Path configDir, Path workDir, Optional<Path> envoy, int adminPort) throws IOException {
        requireNonNull(configDir, "configDir");
        Path jar = appJar();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build legate-app first (./mvnw package)");
        }
        Path stateDir = Files.createDirectories(workDir.resolve("state"));
        Path log = workDir.resolve("serve.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString(), "serve",
                "--config-dir", configDir.toString(), "--source", "directory",
                "--ads-address", "127.0.0.1:0", "--probe-address", "127.0.0.1:0", "--no-snapshot-server",
                "--state-dir", stateDir.toString(), "--holdoff", "0ms", "--api-listeners",
                "--admin-port", Integer.toString(adminPort), "--node-id", "legate-acceptance"));
        if (envoy.isPresent()) {
            command.add("--envoy");
            command.add(envoy.get().toString());
        } else {
            command.add("--no-envoy");
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            Matcher m = PORTS.matcher(text);
            if (m.find()) {
                return new ServeProcess(process, stateDir, log, Integer.parseInt(m.group(1)),
                        Integer.parseInt(m.group(2)));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("legate serve exited with " + process.exitValue() + ":\n" + text);
            }
            pause();
        }
        process.destroyForcibly();
        throw new IllegalStateException("legate serve did not report its ports in 90 s:\n"
                + Files.readString(log, StandardCharsets.UTF_8));
    }

    int adsPort() {
        return adsPort;
    }

    /** Waits until /ambassador/v0/check_ready answers 200 (a configuration is out, and Envoy is up if run). */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        URI ready = URI.create("http://127.0.0.1:" + probePort + "/ambassador/v0/check_ready");
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("legate serve exited:\n" + logText());
            }
            pause();
        }
        throw new IllegalStateException("legate serve was not ready in " + timeout + ":\n" + logText());
    }

    /** A file of the latest configuration on disk (written just after it is published): waits for it. */
    Path latest(String file) throws InterruptedException {
        Path path = stateDir.resolve("snapshots").resolve("latest").resolve(file);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.isRegularFile(path)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + path + " after 60 s:\n" + logText());
            }
            pause();
        }
        return path;
    }

    Path bootstrap() {
        return stateDir.resolve("bootstrap-ads.json");
    }

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50); // polling a child process's log and probe: there is nothing to await on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
