package dev.legate.diag;

import dev.legate.compiler.Diagnostic;
import dev.legate.model.Resource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Legate's Prometheus metrics ({@code /metrics}): reconfigurations (count by outcome, duration histogram, failures),
 * compile time, resources by kind, diagnostics by severity, xDS connections, pushes and NACKs; JVM memory, threads
 * and CPU. With a supervised Envoy, Envoy's own {@code /stats/prometheus} comes first, as in Emissary.
 */
final class GatewayMetrics {

    /** Buckets for reconfiguration and compile times: from a small edit to a very large configuration. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final GatewayState gateway;
    private final EnvoyAdmin envoyAdmin;
    private final Map<Reconfiguration.Outcome, Counter> reconfigurations = new EnumMap<>(Reconfiguration.Outcome.class);
    private final Counter failures;
    private final Timer reconfigurationTime;
    private final Timer compileTime;
    private final MultiGauge resources;
    private final MultiGauge diagnostics;

    GatewayMetrics(GatewayState gateway, EnvoyAdmin envoyAdmin) {
        this.gateway = gateway;
        this.envoyAdmin = envoyAdmin;
        for (Reconfiguration.Outcome o : Reconfiguration.Outcome.values()) {
            reconfigurations.put(o, Counter.builder("legate.reconfigurations")
                    .description("Reconfigurations by outcome: published, unchanged (nothing to send) or failed")
                    .tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
        }
        failures = Counter.builder("legate.reconfiguration.failures")
                .description("Reconfigurations that could not be read, compiled or published (the last good "
                        + "configuration stayed)").register(registry);
        reconfigurationTime = Timer.builder("legate.reconfiguration.duration")
                .description("Time of a reconfiguration: read, compile and publish")
                .serviceLevelObjectives(BUCKETS).register(registry);
        compileTime = Timer.builder("legate.compile.duration").description("Time of a compile")
                .serviceLevelObjectives(BUCKETS).register(registry);
        resources = MultiGauge.builder("legate.resources")
                .description("Accepted resources of the configuration being served, by kind").register(registry);
        diagnostics = MultiGauge.builder("legate.diagnostics")
                .description("Diagnostics of the configuration being served, by severity").register(registry);
        Gauge.builder("legate.xds.connections", gateway, g -> g.clients().size())
                .description("Connected Envoys (ADS streams)").register(registry);
        FunctionCounter.builder("legate.xds.streams", gateway, g -> g.xdsStats().streamsOpened())
                .description("ADS streams opened").register(registry);
        FunctionCounter.builder("legate.xds.pushes", gateway, g -> g.xdsStats().responsesSent())
                .description("xDS responses sent to Envoys").register(registry);
        FunctionCounter.builder("legate.xds.nacks", gateway, g -> g.xdsStats().nacksReceived())
                .description("xDS responses an Envoy rejected").register(registry);
        Gauge.builder("legate.ready", gateway, g -> g.ready() ? 1 : 0)
                .description("1 when a configuration is served (and a supervised Envoy is ready)").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    void record(Reconfiguration attempt) {
        reconfigurations.get(attempt.outcome()).increment();
        if (attempt.outcome() == Reconfiguration.Outcome.FAILED) {
            failures.increment();
            return;
        }
        reconfigurationTime.record(Duration.ofMillis(attempt.timings().totalMs()));
        compileTime.record(Duration.ofMillis(attempt.timings().compileMs()));
    }

    /** Envoy's metrics (when it is supervised), then Legate's, in Prometheus' text format. */
    synchronized String scrape() {
        refreshGauges();
        String envoy = envoyAdmin.prometheusStats();
        String own = registry.scrape();
        return envoy.isEmpty() || envoy.endsWith("\n") ? envoy + own : envoy + "\n" + own;
    }

    private void refreshGauges() {
        Optional<ServedConfiguration> served = gateway.served();
        Map<String, Integer> byKind = new TreeMap<>();
        Map<String, Long> bySeverity = new TreeMap<>();
        for (Diagnostic.Severity s : Diagnostic.Severity.values()) {
            bySeverity.put(s.jsonName(), 0L);
        }
        served.ifPresent(s -> {
            for (Resource<?> r : s.result().resources()) {
                byKind.merge(r.key().kind(), 1, Integer::sum);
            }
            for (Diagnostic d : s.result().diagnostics()) {
                bySeverity.merge(d.severity().jsonName(), 1L, Long::sum);
            }
        });
        List<MultiGauge.Row<?>> kindRows = new ArrayList<>();
        byKind.forEach((kind, n) -> kindRows.add(MultiGauge.Row.of(Tags.of("kind", kind), n)));
        resources.register(kindRows, true);
        List<MultiGauge.Row<?>> severityRows = new ArrayList<>();
        bySeverity.forEach((severity, n) -> severityRows.add(MultiGauge.Row.of(Tags.of("severity", severity), n)));
        diagnostics.register(severityRows, true);
    }
}
