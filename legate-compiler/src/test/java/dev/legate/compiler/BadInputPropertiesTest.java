package dev.legate.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.compiler.GeneratedResources.Doc;
import dev.legate.compiler.GeneratedResources.Input;
import dev.legate.compiler.GeneratedResources.Validity;
import dev.legate.compiler.envoy.EnvoyConfig;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;

/**
 * Property-based bad input: generated valid getambassador.io resources, Services and TLS Secrets, with mutations of
 * valid ones (wrong types, missing required fields, out-of-range numbers, invalid regular expressions, unicode,
 * deep nesting, megabyte strings, damaged text, duplicate names, conflicting Hosts). Whatever the input: compile
 * never throws, the output passes Envoy's checks, every invalid resource is reported by name, and valid resources
 * compile exactly as they do alone.
 *
 * <p>The example counts add up to 10,000 cases per run ({@link #EXAMPLES}). QuickTheories draws a new seed per
 * run and prints it on a failure with the shrunk input; {@code -DQT_SEED=...} replays it.
 */
final class BadInputPropertiesTest {

    /** Cases per property; the sum is what one run covers. */
    static final Map<String, Integer> EXAMPLES = Map.of("valid", 2000, "invalid", 4500, "unaffected", 3500);

    private static final java.util.concurrent.atomic.AtomicLong CASES = new java.util.concurrent.atomic.AtomicLong();
    private static final long STARTED = System.nanoTime();
    /**
     * The errors valid resources can get from their neighbours (or their absence), as in Emissary: a Listener no
     * Host binds to, a TLSContext without any Host. Every other error on valid input is a bug.
     */
    private static final java.util.regex.Pattern UNUSED = java.util.regex.Pattern.compile(
            "no Host matches this Listener's hostBinding|no Hosts are defined, so this TLSContext");

    private static final Compiler COMPILER = new Compiler(CompileOptions.DEFAULTS);

    private static CompileResult compile(List<Doc> docs) {
        CASES.incrementAndGet();
        // One compiler for every case: it reuses a document's decoding only for the very same parsed document
        // (by identity), and every case parses its documents afresh.
        return COMPILER.compile(GeneratedResources.snapshot(docs));
    }

    private static QuickTheory qt(String property) {
        // -DbadInput.percent=N runs N% of the examples (for a quick local run); CI runs them all.
        int examples = Math.max(1, EXAMPLES.get(property) * Integer.getInteger("badInput.percent", 100) / 100);
        return QuickTheory.qt().withExamples(examples).withShrinkCycles(200);
    }

    @Test
    void validResourcesCompileCleanly() {
        qt("valid").forAll(GeneratedResources.validDocuments())
                .checkAssert(BadInputPropertiesTest::validCompilesCleanly);
    }

    @Test
    void invalidResourcesAreReportedByNameAndNeverReachEnvoy() {
        qt("invalid").forAll(GeneratedResources.inputs()).checkAssert(BadInputPropertiesTest::invalidAreReported);
    }

    @Test
    void validResourcesAreUnaffectedByBadNeighbours() {
        qt("unaffected").forAll(GeneratedResources.isolatedInputs())
                .checkAssert(BadInputPropertiesTest::validUnaffected);
    }

    /**
     * Valid resources in any combination compile without errors, to a configuration Envoy accepts, whatever the
     * order of their documents.
     */
    private static void validCompilesCleanly(List<Doc> docs) {
        CompileResult result = compile(docs);
        CompileResult reversed = compile(docs.reversed());
        assertThat(reversed.envoy()).as("the output in reverse document order").isEqualTo(result.envoy());
        assertThat(reversed.diagnostics()).isEqualTo(result.diagnostics());
        assertThat(result.diagnostics()).as("errors on valid input").noneMatch(d ->
                d.severity() == Diagnostic.Severity.ERROR && !UNUSED.matcher(d.message()).lookingAt());
        assertThat(EnvoyInvariants.violations(result.envoy())).isEmpty();
        Set<String> accepted = result.resources().stream().map(r -> r.key().toString()).collect(Collectors.toSet());
        for (Doc doc : docs) {
            assertThat(accepted).as("accepted resources").contains(doc.key());
        }
    }

    /**
     * With mutated resources among valid ones: compile returns (an exception fails the property), the output passes
     * Envoy's checks, and every mutation that makes a resource invalid is an ERROR naming that resource (or, when
     * the document cannot even be parsed, its file).
     */
    private static void invalidAreReported(Input input) {
        CompileResult result = compile(input.all());
        assertThat(EnvoyInvariants.violations(result.envoy())).isEmpty();
        for (Doc doc : input.mutated()) {
            if (doc.validity() == Validity.INVALID) {
                assertThat(result.diagnostics()).as("a diagnostic for %s", doc).anyMatch(d ->
                        d.severity() == Diagnostic.Severity.ERROR
                                && (d.source().equals(doc.key()) || d.source().equals("file:" + doc.file())));
            }
        }
    }

    /**
     * Mutations that share nothing with the valid resources leave them exactly as they compile alone: the same
     * clusters, secrets, endpoints and diagnostics; their listeners keep every filter chain, their route
     * configurations every virtual host and, in each, every route in the same order (a mutated resource that is
     * accepted may add its own).
     */
    private static void validUnaffected(Input input) {
        CompileResult alone = compile(input.valid());
        CompileResult together = compile(input.all());
        EnvoyConfig a = alone.envoy();
        EnvoyConfig t = together.envoy();
        assertThat(byName(t.clusters(), c -> c.getName())).containsAllEntriesOf(byName(a.clusters(), c -> c.getName()));
        assertThat(byName(t.secrets(), s -> s.getName())).containsAllEntriesOf(byName(a.secrets(), s -> s.getName()));
        assertThat(byName(t.endpoints(), e -> e.getClusterName()))
                .containsAllEntriesOf(byName(a.endpoints(), e -> e.getClusterName()));
        Map<String, Listener> listeners = byName(t.listeners(), Listener::getName);
        for (Listener l : a.listeners()) {
            assertThat(listeners).as("listeners").containsKey(l.getName());
            Listener other = listeners.get(l.getName());
            assertThat(other.toBuilder().clearFilterChains().build()).isEqualTo(l.toBuilder().clearFilterChains()
                    .build());
            assertThat(other.getFilterChainsList()).as("filter chains of %s", l.getName())
                    .containsAll(l.getFilterChainsList());
        }
        Map<String, RouteConfiguration> routeConfigs = byName(t.routeConfigurations(), RouteConfiguration::getName);
        for (RouteConfiguration rc : a.routeConfigurations()) {
            assertThat(routeConfigs).as("route configurations").containsKey(rc.getName());
            Map<String, VirtualHost> hosts = byName(routeConfigs.get(rc.getName()).getVirtualHostsList(),
                    VirtualHost::getName);
            for (VirtualHost vh : rc.getVirtualHostsList()) {
                assertThat(hosts).as("virtual hosts of %s", rc.getName()).containsKey(vh.getName());
                VirtualHost other = hosts.get(vh.getName());
                assertThat(other.toBuilder().clearRoutes().build()).isEqualTo(vh.toBuilder().clearRoutes().build());
                assertThat(isSubsequence(vh.getRoutesList(), other.getRoutesList()))
                        .as("routes of %s in %s, in order", vh.getName(), rc.getName()).isTrue();
            }
        }
        // Bad neighbours never add an error to a valid resource (an accepted one may well take away a notice, such
        // as "no Listener", or an error, such as "no Hosts are defined"; a duplicate is reported on the shared key).
        Set<String> validKeys = input.valid().stream().map(Doc::key).collect(Collectors.toSet());
        Set<Diagnostic> errorsAlone = Set.copyOf(errorsOn(validKeys, alone));
        assertThat(errorsOn(validKeys, together)).as("errors on the valid resources")
                .allMatch(d -> errorsAlone.contains(d) || d.message().startsWith("duplicate: "));
        Set<String> acceptedAlone = alone.resources().stream().map(r -> r.key().toString())
                .collect(Collectors.toSet());
        Set<String> acceptedTogether = together.resources().stream().map(r -> r.key().toString())
                .collect(Collectors.toSet());
        assertThat(acceptedTogether).containsAll(acceptedAlone);
    }

    @AfterAll
    static void summary() {
        System.out.printf("BadInputPropertiesTest: %,d compiles in %.1f s (examples: %s)%n", CASES.get(),
                (System.nanoTime() - STARTED) / 1e9, new java.util.TreeMap<>(EXAMPLES));
    }

    private static List<Diagnostic> errorsOn(Set<String> keys, CompileResult result) {
        return result.diagnostics().stream()
                .filter(d -> d.severity() == Diagnostic.Severity.ERROR && keys.contains(d.source())).toList();
    }

    private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
        return items.stream().collect(Collectors.toMap(name, Function.identity(), (x, y) -> x));
    }

    private static boolean isSubsequence(List<Route> part, List<Route> whole) {
        int at = 0;
        for (Route r : whole) {
            if (at < part.size() && part.get(at).equals(r)) {
                at++;
            }
        }
        return at == part.size();
    }
}
