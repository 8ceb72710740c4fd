package dev.legate.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.config.YamlDocuments;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The endpoint-only fast path gives exactly what a full compile gives, on every kind of endpoint change, and
 * declines whenever anything else changed.
 */
final class EndpointFastPathTest {

    private static final Path BASE = Fixtures.GOLDEN.resolve("resolvers.in.yaml");

    private static ResourceSnapshot base() {
        return Fixtures.snapshot(BASE);
    }

    /** The base snapshot with its documents changed by {@code edit} and {@code extra} YAML appended. */
    private static ResourceSnapshot changed(java.util.function.UnaryOperator<List<RawDocument>> edit, String extra) {
        ResourceSnapshot base = base();
        List<RawDocument> documents = new ArrayList<>(edit.apply(new ArrayList<>(base.documents())));
        if (!extra.isEmpty()) {
            documents.addAll(YamlDocuments.parse("extra.yaml", extra).documents());
        }
        return new ResourceSnapshot(documents, base.loadDiagnostics());
    }

    private static List<RawDocument> without(List<RawDocument> documents, String kind, String name) {
        documents.removeIf(d -> d.tree().path("kind").asText().equals(kind)
                && d.tree().path("metadata").path("name").asText().equals(name));
        return documents;
    }

    private static void assertSameAsFullCompile(ResourceSnapshot next) {
        ResourceSnapshot previousSnapshot = base();
        CompileResult previous = Fixtures.COMPILER.compile(previousSnapshot);
        Optional<CompileResult> fast = Fixtures.COMPILER.recompileEndpoints(previousSnapshot, previous, next);
        CompileResult full = Fixtures.COMPILER.compile(next);
        assertThat(fast).as("the fast path applies").isPresent();
        assertThat(fast.get().resources()).isEqualTo(full.resources());
        assertThat(fast.get().ir()).isEqualTo(full.ir());
        assertThat(fast.get().envoy()).isEqualTo(full.envoy());
        assertThat(fast.get().diagnostics()).isEqualTo(full.diagnostics());
        assertThat(Fixtures.envoyJson(fast.get().envoy())).isEqualTo(Fixtures.envoyJson(full.envoy()));
    }

    @Test
    void endpointsMoved() {
        ResourceSnapshot next = changed(d -> without(d, "Endpoints", "cart"), """
                apiVersion: v1
                kind: Endpoints
                metadata: {name: cart, namespace: shop}
                subsets:
                - addresses: [{ip: 10.0.9.1}]
                  ports: [{name: http, port: 8080, protocol: TCP}]
                """);
        assertSameAsFullCompile(next);
        assertThat(Fixtures.COMPILER.compile(next).envoy().endpoints()).isNotEqualTo(
                Fixtures.COMPILER.compile(base()).envoy().endpoints());
    }

    @Test
    void endpointsForAServiceThatHadNone() {
        assertSameAsFullCompile(changed(d -> d, """
                apiVersion: v1
                kind: Service
                metadata: {name: not-yet}
                spec: {ports: [{port: 9000}]}
                """.replace("Service", "Endpoints").replace("spec: {ports: [{port: 9000}]}",
                "subsets: [{addresses: [{ip: 10.5.5.5}], ports: [{port: 9000}]}]")));
    }

    @Test
    void sliceRemovedAndConsulEntriesAdded() {
        assertSameAsFullCompile(changed(d -> without(d, "EndpointSlice", "catalog-abc12"), """
                apiVersion: legate.dev/v1alpha1
                kind: ConsulServiceEntries
                metadata: {name: ledger-dc1}
                service: ledger
                datacenter: dc1
                entries: [{address: 10.7.0.1, port: 80}]
                """));
    }

    @Test
    void badAndDuplicateEndpointDocuments() {
        assertSameAsFullCompile(changed(d -> d, """
                apiVersion: v1
                kind: Endpoints
                metadata: {name: cart, namespace: shop}
                subsets: [{addresses: [{ip: 10.0.0.99}], ports: [{port: 8080}]}]
                ---
                apiVersion: v1
                kind: Endpoints
                metadata: {name: broken}
                subsets: [{addresses: [{ip: nope}], ports: [{port: 1}]}]
                """));
    }

    @Test
    void anythingElseNeedsAFullCompile() {
        ResourceSnapshot previousSnapshot = base();
        CompileResult previous = Fixtures.COMPILER.compile(previousSnapshot);
        ResourceSnapshot mappingAdded = changed(d -> d, """
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: added}
                spec: {hostname: "*", prefix: /added/, service: added}
                """);
        assertThat(Fixtures.COMPILER.recompileEndpoints(previousSnapshot, previous, mappingAdded)).isEmpty();
        ResourceSnapshot serviceRemoved = changed(d -> without(d, "Service", "catalog"), "");
        assertThat(Fixtures.COMPILER.recompileEndpoints(previousSnapshot, previous, serviceRemoved)).isEmpty();
        assertThat(Fixtures.COMPILER.recompileEndpoints(previousSnapshot, previous, base())).isPresent();
    }
}
