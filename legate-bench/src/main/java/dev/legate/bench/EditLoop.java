package dev.legate.bench;

import com.sun.management.ThreadMXBean;
import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.CompileResult;
import dev.legate.compiler.Compiler;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.envoy.EnvoyConfig;
import dev.legate.xds.AdsTestClient;
import dev.legate.xds.PublishResult;
import dev.legate.xds.XdsResources;
import dev.legate.xds.XdsServer;
import dev.legate.xds.XdsType;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Locale;

/**
 * What one edit costs in-process, split into compile and publish, in CPU time and bytes allocated on the thread that
 * does it (figures that do not depend on what else runs on the machine), plus the wall time until a connected raw ADS
 * client holds the new route version, and the collections over the loop.
 *
 * <pre>
 * java -cp ... dev.legate.bench.EditLoop [--mappings N] [--edits N] [--warmup N] [--no-client]
 *     [--client-window envoy|grpc-default|BYTES]
 * </pre>
 *
 * <p>Each edit changes one Mapping's prefix (a different Mapping each time, as {@code bench/serve.sh} does), compiles
 * with the one compiler kept throughout, and publishes to an {@link XdsServer} on a free loopback port. Run it with
 * serve's collector and young generation (see the launcher) for comparable collections; it needs a larger heap than
 * serve (about 1 GB at 10,000 Mappings: it also holds the generated configuration, and the client shares the heap).
 */
public final class EditLoop {

    private EditLoop() {
    }

    public static void main(String[] args) throws Exception {
        int mappings = 10_000;
        int edits = 30;
        int warmup = 10;
        boolean client = true;
        int window = ServeBenchmark.ENVOY_FLOW_CONTROL_WINDOW;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mappings" -> mappings = Integer.parseInt(args[++i]);
                case "--edits" -> edits = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--no-client" -> client = false;
                case "--client-window" -> window = ServeBenchmark.clientWindow(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        MappingEdits loop = MappingEdits.generated(mappings);
        ResourceSnapshot base = loop.base();
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        Compiler compiler = new Compiler(CompileOptions.DEFAULTS);
        CompileResult first = compiler.compile(base);
        try (XdsServer server = XdsServer.start(new InetSocketAddress("127.0.0.1", 0))) {
            publish(server, first.envoy());
            AdsTestClient c = client ? ServeBenchmark.newClient(server.port(), "edit-loop-client", window).start() : null;
            if (c != null) {
                await(c, server.versions().routes());
            }
            int total = warmup + edits;
            long[] compileCpu = new long[edits];
            long[] compileAlloc = new long[edits];
            long[] publishCpu = new long[edits];
            long[] publishAlloc = new long[edits];
            long[] toClient = new long[edits];
            long[] afterPublish = new long[edits];
            long gcCountBefore = 0;
            long gcMsBefore = 0;
            for (int e = 0; e < total; e++) {
                if (e == warmup) {
                    System.gc();
                    gcCountBefore = gcCount();
                    gcMsBefore = gcMillis();
                }
                ResourceSnapshot snapshot = loop.edit(e);
                long wall0 = System.nanoTime();
                long cpu0 = threads.getCurrentThreadCpuTime();
                long alloc0 = threads.getCurrentThreadAllocatedBytes();
                CompileResult result = compiler.compile(snapshot);
                long cpu1 = threads.getCurrentThreadCpuTime();
                long alloc1 = threads.getCurrentThreadAllocatedBytes();
                PublishResult published = publish(server, result.envoy());
                long cpu2 = threads.getCurrentThreadCpuTime();
                long alloc2 = threads.getCurrentThreadAllocatedBytes();
                long publishedAt = System.nanoTime();
                long received = c == null ? System.nanoTime() : await(c, published.versions().routes());
                if (c != null) {
                    // The client keeps every response it received: let them go, as ServeBenchmark does.
                    c.drain();
                    ServeBenchmark.forgetEvents(c);
                }
                if (e >= warmup) {
                    int k = e - warmup;
                    compileCpu[k] = cpu1 - cpu0;
                    compileAlloc[k] = alloc1 - alloc0;
                    publishCpu[k] = cpu2 - cpu1;
                    publishAlloc[k] = alloc2 - alloc1;
                    toClient[k] = received - wall0;
                    afterPublish[k] = received - publishedAt;
                }
            }
            System.out.printf(Locale.ROOT, "%d Mappings, %d edits after %d warm-up (medians; p90 in brackets)%n",
                    mappings, edits, warmup);
            System.out.printf(Locale.ROOT, "compile: CPU %s ms, allocated %s MB%n", ms(compileCpu),
                    mb(compileAlloc));
            System.out.printf(Locale.ROOT, "publish: CPU %s ms, allocated %s MB%n", ms(publishCpu),
                    mb(publishAlloc));
            System.out.printf(Locale.ROOT, "edit (compile start) to client holding the version: %s ms%n",
                    ms(toClient));
            System.out.printf(Locale.ROOT, "publish returned to client holding the version: %s ms%n",
                    ms(afterPublish));
            System.out.printf(Locale.ROOT, "collections over the measured edits: %d, %d ms%n",
                    gcCount() - gcCountBefore, gcMillis() - gcMsBefore);
            if (c != null) {
                c.close();
            }
        }
    }

    private static PublishResult publish(XdsServer server, EnvoyConfig config) {
        PublishResult r = server.publish(new XdsResources(config.listeners(), config.routeConfigurations(),
                config.clusters(), config.endpoints(), config.secrets()));
        if (r.outcome() != PublishResult.Outcome.PUBLISHED) {
            throw new IllegalStateException("publish: " + r);
        }
        return r;
    }

    /** Waits until the client has received {@code version} of the route configurations; when it did. */
    private static long await(AdsTestClient client, String version) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            long seen = client.firstSeen(XdsType.ROUTE, version);
            if (seen != 0) {
                return seen;
            }
            Thread.sleep(0, 200_000);
        }
        throw new IllegalStateException("the client did not receive route version " + version);
    }

    private static String ms(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%.1f [%.1f]", s[s.length / 2] / 1e6, s[(int) (s.length * 0.9)] / 1e6);
    }

    private static String mb(long[] bytes) {
        long[] s = bytes.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%.1f [%.1f]", s[s.length / 2] / 1048576.0,
                s[(int) (s.length * 0.9)] / 1048576.0);
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }
}
