package dev.legate.sources.consul;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the parts of Consul's HTTP API that Legate uses, written from Consul's documentation
 * (developer.hashicorp.com/consul/api-docs: "Blocking Queries", "Health: List Service Instances", "Catalog: List
 * Nodes for Service"), because Consul itself cannot be installed here.
 *
 * <ul>
 *   <li>{@code GET /v1/health/service/:service} with {@code dc}, {@code passing}, {@code tag}, {@code index} and
 *       {@code wait}; {@code GET /v1/catalog/service/:service} with the same parameters (no health filter).</li>
 *   <li>Every answer carries {@code X-Consul-Index}: the raft index at which the service's instances last changed
 *       (for a service never registered, the index of the catalog as a whole, as Consul does).</li>
 *   <li>Blocking queries: with {@code index=N} the answer is held until the service's index exceeds N or the wait
 *       ends; the wait defaults to 5 minutes, is capped at 10, and gets up to wait/16 of random jitter. An answer
 *       after a timeout is a normal 200 with the unchanged index.</li>
 *   <li>An unknown datacenter answers 500 {@code No path to datacenter}.</li>
 *   <li>{@link #resetIndex()} makes the index go backwards (as after restoring a snapshot), which clients must
 *       handle by starting over from index 0.</li>
 * </ul>
 */
public final class FakeConsul implements AutoCloseable {

    /** One registered service instance on one node. */
    public record Instance(String node, String nodeAddress, String serviceId, String service, String address,
            int port, List<String> tags, boolean passing) {
    }

    private static final Pattern PATH = Pattern.compile("^/v1/(health|catalog)/service/([^/?]+)$");
    private static final Duration MAX_WAIT = Duration.ofMinutes(10);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String datacenter;
    private final HttpServer server;
    /** Guarded by this. By service name, then service id. */
    private final Map<String, Map<String, Instance>> services = new HashMap<>();
    private final Map<String, Long> serviceIndex = new HashMap<>();
    private long raftIndex = 10;
    /** Bumped by a restore: blocking queries then return at once, as Consul's abandon channel makes them. */
    private long restores;
    private final AtomicInteger blockingQueries = new AtomicInteger();

    public FakeConsul(String datacenter) throws IOException {
        this.datacenter = datacenter;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/", this::handle);
        server.start();
    }

    /** {@code 127.0.0.1:port}, as a ConsulResolver's address. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Registers (or replaces) an instance; the service's index moves forward. */
    public synchronized void register(Instance instance) {
        services.computeIfAbsent(instance.service(), s -> new TreeMap<>()).put(instance.serviceId(), instance);
        bump(instance.service());
    }

    public synchronized void deregister(String service, String serviceId) {
        Map<String, Instance> instances = services.get(service);
        if (instances != null && instances.remove(serviceId) != null) {
            bump(service);
        }
    }

    /**
     * The index goes back to a small number, as after a snapshot restore; waiting queries are answered at once with
     * the lower index.
     */
    public synchronized void resetIndex() {
        raftIndex = 2;
        serviceIndex.replaceAll((s, i) -> 2L);
        restores++;
        notifyAll();
    }

    /** Blocking queries answered so far (those that came with an index). */
    public int blockingQueries() {
        return blockingQueries.get();
    }

    private void bump(String service) {
        raftIndex++;
        serviceIndex.put(service, raftIndex);
        notifyAll();
    }

    private synchronized long indexOf(String service) {
        return serviceIndex.getOrDefault(service, raftIndex);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher m = PATH.matcher(exchange.getRequestURI().getRawPath());
            if (!exchange.getRequestMethod().equals("GET") || !m.matches()) {
                reply(exchange, 404, "text/plain", "Not found".getBytes(StandardCharsets.UTF_8), -1);
                return;
            }
            boolean health = m.group(1).equals("health");
            String service = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
            Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
            if (q.containsKey("dc") && !q.get("dc").equals(datacenter)) {
                reply(exchange, 500, "text/plain", "No path to datacenter".getBytes(StandardCharsets.UTF_8), -1);
                return;
            }
            long index = q.containsKey("index") ? Long.parseLong(q.get("index")) : 0;
            if (index > 0) {
                blockingQueries.incrementAndGet();
                Duration wait = q.containsKey("wait") ? parseDuration(q.get("wait")) : Duration.ofMinutes(5);
                if (wait.compareTo(MAX_WAIT) > 0) {
                    wait = MAX_WAIT;
                }
                long jitter = wait.toMillis() / 16 == 0 ? 0 : ThreadLocalRandom.current().nextLong(wait.toMillis() / 16);
                long deadline = System.nanoTime() + wait.toNanos() + jitter * 1_000_000;
                synchronized (this) {
                    long restoresBefore = restores;
                    while (indexOf(service) <= index && restores == restoresBefore) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        wait(Math.max(1, left / 1_000_000));
                    }
                }
            }
            boolean passingOnly = q.containsKey("passing") && !q.get("passing").equals("false")
                    && !q.get("passing").equals("0");
            String tag = q.get("tag");
            List<Instance> instances;
            long answerIndex;
            synchronized (this) {
                instances = new ArrayList<>(services.getOrDefault(service, Map.of()).values());
                answerIndex = indexOf(service);
            }
            ArrayNode body = MAPPER.createArrayNode();
            for (Instance i : instances) {
                if ((health && passingOnly && !i.passing()) || (tag != null && !i.tags().contains(tag))) {
                    continue;
                }
                body.add(health ? healthEntry(i) : catalogEntry(i));
            }
            reply(exchange, 200, "application/json", MAPPER.writeValueAsBytes(body), answerIndex);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            reply(exchange, 400, "text/plain", String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8), -1);
        }
    }

    private ObjectNode healthEntry(Instance i) {
        ObjectNode e = MAPPER.createObjectNode();
        ObjectNode node = e.putObject("Node");
        node.put("ID", nodeId(i.node()));
        node.put("Node", i.node());
        node.put("Address", i.nodeAddress());
        node.put("Datacenter", datacenter);
        ObjectNode svc = e.putObject("Service");
        svc.put("ID", i.serviceId());
        svc.put("Service", i.service());
        svc.putPOJO("Tags", i.tags());
        svc.put("Address", i.address());
        svc.put("Port", i.port());
        ArrayNode checks = e.putArray("Checks");
        ObjectNode check = checks.addObject();
        check.put("Node", i.node());
        check.put("CheckID", "service:" + i.serviceId());
        check.put("Status", i.passing() ? "passing" : "critical");
        check.put("ServiceID", i.serviceId());
        return e;
    }

    private ObjectNode catalogEntry(Instance i) {
        ObjectNode e = MAPPER.createObjectNode();
        e.put("ID", nodeId(i.node()));
        e.put("Node", i.node());
        e.put("Address", i.nodeAddress());
        e.put("Datacenter", datacenter);
        e.put("ServiceID", i.serviceId());
        e.put("ServiceName", i.service());
        e.putPOJO("ServiceTags", i.tags());
        e.put("ServiceAddress", i.address());
        e.put("ServicePort", i.port());
        return e;
    }

    private static String nodeId(String node) {
        return java.util.UUID.nameUUIDFromBytes(node.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static void reply(HttpExchange exchange, int code, String type, byte[] body, long index)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        if (index >= 0) {
            exchange.getResponseHeaders().set("X-Consul-Index", Long.toString(index));
            exchange.getResponseHeaders().set("X-Consul-Knownleader", "true");
        }
        exchange.sendResponseHeaders(code, body.length);
        exchange.getResponseBody().write(body);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    /** Go's duration syntax as Consul accepts it for {@code wait}: "10s", "5m", "1500ms", "1m30s"; bare numbers are seconds. */
    static Duration parseDuration(String text) {
        if (text.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text);
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw new IllegalArgumentException("Invalid wait time");
            }
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        if (end != text.length()) {
            throw new IllegalArgumentException("Invalid wait time");
        }
        return d;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
