package dev.legate.bench;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.legate.sources.kubernetes.Crds;
import dev.legate.sources.kubernetes.MockApiServer;
import dev.legate.sources.kubernetes.WatchedKinds;
import dev.legate.xds.AdsTestClient;
import dev.legate.xds.XdsType;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A whole-process benchmark of {@code legate serve} watching Kubernetes. Not a unit test: it runs fabric8's mock
 * API server (CRUD mode) in this process, writes a kubeconfig naming it, starts {@code ./legate serve
 * --source=kubernetes --no-envoy} as a child process, and talks to it over ADS like Envoy would (legate-xds's raw
 * {@link AdsTestClient}).
 *
 * <ol>
 *   <li>Bulk: creates {@code --bulk} Mappings (default 5,000) through the API (8 client threads) and measures from
 *       the moment the last create was acknowledged by the API server until the client receives a route
 *       configuration holding every one of them.</li>
 *   <li>Update: {@code --updates} times (default 30, after 5 warm-up), changes one Mapping's prefix through the API
 *       and measures from the acknowledged update until the client receives routes with the new prefix; p50, p90
 *       and max, and the same minus the holdoff.</li>
 *   <li>Memory: creates Mappings up to {@code --total} (default 10,000), {@code --services} Services (default 1,000)
 *       with an Endpoints object of {@code --addresses} addresses each (default 10: 10,000 endpoints), waits until
 *       the routes hold every Mapping, lets the process settle, and reads VmRSS and VmHWM of the serve process.</li>
 * </ol>
 *
 * <pre>
 * java -cp CP dev.legate.bench.KubernetesServeBenchmark --work DIR [--legate ./legate] [--holdoff 100ms
 *     --max-delay 1s] [--bulk 5000] [--total 10000] [--services 1000] [--addresses 10] [--updates 30]
 *     [--java-opts '...']
 * </pre>
 *
 * Prints a report and one line {@code RESULT {json}}. The figures are noisy on a shared machine.
 */
public final class KubernetesServeBenchmark {

    private static final Pattern BULK_PREFIX = Pattern.compile("^/bulk-(\\d+)/$");

    private KubernetesServeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        if (!opts.containsKey("work")) {
            System.err.println("usage: KubernetesServeBenchmark --work DIR [--legate ./legate] [--holdoff D "
                    + "--max-delay D] [--bulk N] [--total N] [--services N] [--addresses N] [--updates N] "
                    + "[--java-opts OPTS]");
            System.exit(2);
        }
        int status = new KubernetesServeBenchmark().run(opts);
        System.exit(status);
    }

    private int run(Map<String, String> o) throws Exception {
        Path work = Files.createDirectories(Path.of(o.get("work")));
        Path legate = Path.of(o.getOrDefault("legate", "./legate"));
        int bulk = Integer.parseInt(o.getOrDefault("bulk", "5000"));
        int total = Integer.parseInt(o.getOrDefault("total", "10000"));
        int services = Integer.parseInt(o.getOrDefault("services", "1000"));
        int addresses = Integer.parseInt(o.getOrDefault("addresses", "10"));
        int updates = Integer.parseInt(o.getOrDefault("updates", "30"));
        int warmup = 5;
        String holdoff = o.getOrDefault("holdoff", "100ms");
        String maxDelay = o.getOrDefault("max-delay", "1s");
        Map<String, Object> result = new java.util.LinkedHashMap<>();
        result.put("holdoff", holdoff);
        result.put("max_delay", maxDelay);

        try (MockApiServer api = new MockApiServer(); KubernetesClient client = api.client()) {
            Crds.installAll(client);
            var mappings = client.genericKubernetesResources(WatchedKinds.ambassador("Mapping").context());
            client.genericKubernetesResources(WatchedKinds.ambassador("Listener").context()).resource(object(
                    "Listener", "ambassador", "listener-8080", Map.of("port", 8080, "protocol", "HTTP",
                            "securityModel", "XFP", "hostBinding", Map.of("namespace", Map.of("from", "ALL")))))
                    .create();
            client.genericKubernetesResources(WatchedKinds.ambassador("Host").context()).resource(object("Host",
                    "default", "any", Map.of("hostname", "*", "requestPolicy", Map.of("insecure",
                            Map.of("action", "Route"))))).create();
            mappings.resource(mapping(-1, "/probe-0/")).create();

            Path kubeconfig = work.resolve("kubeconfig");
            Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n"
                    + "    server: " + client.getMasterUrl().toString().replaceAll("/$", "") + "\n"
                    + "users:\n- name: mock\n  user:\n    token: bench\ncontexts:\n- name: mock\n  context:\n"
                    + "    cluster: mock\n    user: mock\n    namespace: default\ncurrent-context: mock\n");
            int adsPort = freePort();
            int probePort = freePort();
            ProcessBuilder pb = new ProcessBuilder(legate.toString(), "serve", "--source=kubernetes", "--no-envoy",
                    "--ads-address", "127.0.0.1:" + adsPort, "--probe-address", "127.0.0.1:" + probePort,
                    "--snapshot-address", "127.0.0.1:0", "--state-dir", work.resolve("state").toString(), "--holdoff", holdoff, "--max-delay", maxDelay);
            pb.environment().put("KUBECONFIG", kubeconfig.toString());
            pb.environment().remove("KUBERNETES_SERVICE_HOST");
            pb.environment().remove("AMBASSADOR_CONFIG_BASE_DIR");
            pb.environment().put("LEGATE_JAVA_OPTS", o.getOrDefault("java-opts", ""));
            pb.redirectErrorStream(true).redirectOutput(work.resolve("serve.log").toFile());
            long started = System.nanoTime();
            Process serve = pb.start();
            try (AdsTestClient ads = connect(adsPort)) {
                awaitRoutes(ads, routes -> routes.contains("/probe-0/"), Duration.ofSeconds(120));
                result.put("start_to_first_routes_ms", ms(System.nanoTime() - started));
                awaitReady(probePort);

                // 1. Bulk creation.
                long lastCreate = createMappings(mappings, 0, bulk);
                Received all = awaitRoutes(ads, routes -> bulkCount(routes) >= bulk, Duration.ofSeconds(120));
                result.put("bulk_mappings", bulk);
                result.put("bulk_last_create_to_all_published_ms", ms(all.nanos() - lastCreate));
                System.out.printf(Locale.ROOT, "bulk: %d Mappings created through the API; all in the routes %d ms "
                        + "after the last create%n", bulk, ms(all.nanos() - lastCreate));

                // 2. One update at a time.
                List<Long> latencies = new ArrayList<>();
                for (int i = 1; i <= warmup + updates; i++) {
                    String prefix = "/probe-" + i + "/";
                    mappings.resource(mapping(-1, prefix)).update();
                    long updated = System.nanoTime();
                    Received r = awaitRoutes(ads, routes -> routes.contains(prefix), Duration.ofSeconds(60));
                    if (i > warmup) {
                        latencies.add(r.nanos() - updated);
                    }
                    Thread.sleep(200);
                }
                latencies.sort(null);
                long holdoffMs = ServeBenchmark.duration(holdoff).toMillis();
                result.put("update_p50_ms", ms(pct(latencies, 50)));
                result.put("update_p90_ms", ms(pct(latencies, 90)));
                result.put("update_max_ms", ms(latencies.getLast()));
                result.put("update_p50_minus_holdoff_ms", ms(pct(latencies, 50)) - holdoffMs);
                System.out.printf(Locale.ROOT, "update: one Mapping changed through the API -> new routes at the "
                                + "client: p50 %d ms, p90 %d ms, max %d ms (%d updates; holdoff %s: p50 without it %d "
                                + "ms)%n", ms(pct(latencies, 50)), ms(pct(latencies, 90)), ms(latencies.getLast()),
                        latencies.size(), holdoff, ms(pct(latencies, 50)) - holdoffMs);

                // 3. Memory with the full set.
                createMappings(mappings, bulk, total);
                createServices(client, services, addresses);
                awaitRoutes(ads, routes -> bulkCount(routes) >= total, Duration.ofSeconds(300));
                Thread.sleep(5000);
                Map<String, Long> mem = memory(serve.pid());
                result.put("mappings", total);
                result.put("services", services);
                result.put("endpoint_addresses", services * addresses);
                result.put("rss_mb", mem.get("VmRSS") / 1024);
                result.put("hwm_mb", mem.get("VmHWM") / 1024);
                System.out.printf(Locale.ROOT, "memory: %d Mappings, %d Services, %d endpoint addresses: VmRSS %d MB, "
                                + "VmHWM %d MB (JVM options: '%s')%n", total, services, services * addresses,
                        mem.get("VmRSS") / 1024, mem.get("VmHWM") / 1024, o.getOrDefault("java-opts", ""));
                result.put("ok", true);
            } finally {
                serve.destroy();
                if (!serve.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    serve.destroyForcibly();
                }
            }
        } catch (Exception e) {
            result.put("ok", false);
            result.put("error", e.toString());
            System.err.println("KubernetesServeBenchmark: " + e);
            e.printStackTrace();
        }
        System.out.println("RESULT " + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(result));
        return Boolean.TRUE.equals(result.get("ok")) ? 0 : 1;
    }

    private static AdsTestClient connect(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                break;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        return new AdsTestClient(port, "bench").start();
    }

    private static void awaitReady(int probePort) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + probePort
                    + "/ambassador/v0/check_ready").toURL().openConnection();
            try {
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            } finally {
                c.disconnect();
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("check_ready did not answer 200 within 60 s");
    }

    /** A received route response and its receipt time. */
    private record Received(long nanos, String routes) {
    }

    /** Waits for a route response whose text satisfies {@code test}, checking each response as it arrives. */
    private static Received awaitRoutes(AdsTestClient ads, Predicate<String> test, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String current = routeText(ads.held(XdsType.ROUTE).values());
        if (test.test(current)) {
            return new Received(System.nanoTime(), current);
        }
        while (System.nanoTime() < deadline) {
            AdsTestClient.Received r = ads.poll(Duration.ofMillis(200));
            if (r == null || r.type() != XdsType.ROUTE) {
                continue;
            }
            String text = routeText(r.response().getResourcesList());
            if (test.test(text)) {
                return new Received(r.nanos(), text);
            }
        }
        throw new IllegalStateException("the routes did not get there within " + timeout);
    }

    /** Route prefixes, one per line. */
    private static String routeText(java.util.Collection<Any> resources) throws InvalidProtocolBufferException {
        StringBuilder out = new StringBuilder();
        for (Any any : resources) {
            RouteConfiguration rc = any.unpack(RouteConfiguration.class);
            for (VirtualHost vh : rc.getVirtualHostsList()) {
                for (Route route : vh.getRoutesList()) {
                    out.append(route.getMatch().getPrefix()).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static int bulkCount(String routes) {
        Set<String> seen = new HashSet<>();
        for (String line : routes.split("\n")) {
            Matcher m = BULK_PREFIX.matcher(line);
            if (m.matches()) {
                seen.add(m.group(1));
            }
        }
        return seen.size();
    }

    private static GenericKubernetesResource object(String kind, String namespace, String name,
            Map<String, Object> spec) {
        return new GenericKubernetesResourceBuilder().withApiVersion("getambassador.io/v3alpha1").withKind(kind)
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withAdditionalProperties(Map.of("spec", spec)).build();
    }

    /** Mapping {@code bulk-N} (or the probe Mapping for -1) on service {@code svc-(N mod 1000)}. */
    private static GenericKubernetesResource mapping(int n, String prefix) {
        return object("Mapping", "default", n < 0 ? "probe" : "bulk-" + n, Map.of("hostname", "*", "prefix", prefix,
                "service", n < 0 ? "probe" : "svc-" + (n % 1000)));
    }

    /** Creates Mappings [from, to) with 8 threads; returns when the last create was acknowledged (nanoTime). */
    private static long createMappings(
            io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource, ?,
                    io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> mappings, int from, int to)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = from; i < to; i++) {
                int n = i;
                futures.add(pool.submit(() -> mappings.resource(mapping(n, "/bulk-" + n + "/")).create()));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            return System.nanoTime();
        } finally {
            pool.shutdown();
        }
    }

    private static void createServices(KubernetesClient client, int services, int addresses) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < services; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata()
                            .withName("svc-" + n).endMetadata().withNewSpec().addNewPort().withName("http")
                            .withPort(80).withNewTargetPort(8080).endPort().endSpec().build()).create();
                    EndpointsBuilder e = new EndpointsBuilder().withNewMetadata().withName("svc-" + n).endMetadata();
                    var subset = e.addNewSubset();
                    for (int a = 0; a < addresses; a++) {
                        subset.addNewAddress().withIp("10." + (n / 256) % 256 + "." + n % 256 + "." + (a + 1))
                                .endAddress();
                    }
                    subset.addNewPort().withName("http").withPort(8080).endPort().endSubset();
                    client.endpoints().inNamespace("default").resource(e.build()).create();
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static Map<String, Long> memory(long pid) throws IOException {
        Map<String, Long> out = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            String[] parts = line.split("\\s+");
            if (parts.length >= 2 && (parts[0].equals("VmRSS:") || parts[0].equals("VmHWM:"))) {
                out.put(parts[0].substring(0, parts[0].length() - 1), Long.parseLong(parts[1]));
            }
        }
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
