package dev.legate.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.output.EnvoyJson;
import dev.legate.compiler.output.Reports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Letting the parsed trees of compiled documents go (what {@code legate serve} does to keep its memory down) changes
 * nothing: on every golden input, a compiler that compiled the documents before their trees were released, and a
 * fresh compiler that has to build every tree again from its text, both give byte for byte what a fresh compiler
 * gives on a freshly parsed snapshot; also after each document in turn is removed and put back.
 */
final class ReleasedTreesTest {

    @Test
    void releasedTreesCompileToTheSameOutputWarmAndFresh() throws IOException {
        int compared = 0;
        for (Path input : goldenInputs()) {
            String expected = render(Fixtures.compilerFor(input), Fixtures.snapshot(input));
            ResourceSnapshot released = Fixtures.snapshot(input);
            Compiler warm = new Compiler(Fixtures.compilerFor(input).options());
            assertThat(render(warm, released)).as(input + " before release").isEqualTo(expected);
            released.documents().forEach(RawDocument::releaseTree);
            assertThat(released.documents()).as(input + ": every parsed document can let its tree go")
                    .allSatisfy(d -> assertThat(d.holdsTree()).isFalse());
            assertThat(render(warm, released)).as(input + " warm, trees released").isEqualTo(expected);
            assertThat(render(new Compiler(warm.options()), released)).as(input + " fresh, trees released")
                    .isEqualTo(expected);
            for (int i = 0; i < released.documents().size(); i++) {
                List<RawDocument> fewer = new ArrayList<>(released.documents());
                fewer.remove(i);
                ResourceSnapshot smaller = new ResourceSnapshot(fewer, released.loadDiagnostics());
                assertThat(render(warm, smaller)).as(input + " without document " + i)
                        .isEqualTo(render(new Compiler(warm.options()), withFreshTrees(smaller)));
                assertThat(render(warm, released)).as(input + " with document " + i + " back").isEqualTo(expected);
                compared += 2;
            }
        }
        assertThat(compared).as("change sets compared").isGreaterThan(50);
    }

    @Test
    void aReleasedTreeIsBuiltAgainEqualAndTheHeaderIsKept() {
        ResourceSnapshot snapshot = Fixtures.parse("list.yaml", """
                apiVersion: v1
                kind: List
                items:
                  - apiVersion: getambassador.io/v3alpha1
                    kind: Mapping
                    metadata: {name: a, namespace: default}
                    spec: {prefix: /a/, service: a, timeout_ms: 3000, weight: 1.5, docs: null, bypass_auth: true}
                  - apiVersion: v1
                    kind: Service
                    metadata:
                      name: s
                      annotations:
                        getambassador.io/config: |
                          apiVersion: getambassador.io/v3alpha1
                          kind: Mapping
                          name: m
                          prefix: /m/
                          service: s
                    spec: {ports: [{name: http, port: 80}]}
                ---
                apiVersion: getambassador.io/v3alpha1
                kind: Host
                metadata: &meta {name: h, namespace: default}
                spec: {hostname: "*", labels: *meta}
                """);
        assertThat(snapshot.documents()).hasSize(3);
        for (RawDocument d : snapshot.documents()) {
            var before = d.tree().deepCopy();
            String apiVersion = d.apiVersion();
            String kind = d.kind();
            boolean annotated = d.hasConfigAnnotation();
            assertThat(d.isRebuildable()).isTrue();
            d.releaseTree();
            assertThat(d.holdsTree()).isFalse();
            assertThat(d.tree()).isEqualTo(before);
            assertThat(d.tree()).as("a rebuilt tree is not kept").isNotSameAs(d.tree());
            assertThat(d.apiVersion()).isEqualTo(apiVersion).isEqualTo(before.path("apiVersion").asText());
            assertThat(d.kind()).isEqualTo(kind).isEqualTo(before.path("kind").asText());
            assertThat(d.hasConfigAnnotation()).isEqualTo(annotated);
        }
        assertThat(snapshot.documents().get(1).hasConfigAnnotation()).isTrue();
        assertThat(snapshot.documents().get(0).hasConfigAnnotation()).isFalse();

        RawDocument plain = new RawDocument(snapshot.documents().get(2).tree(), snapshot.documents().get(2).location());
        plain.releaseTree();
        assertThat(plain.holdsTree()).as("a document without a way to rebuild keeps its tree").isTrue();
        assertThat(plain).isEqualTo(snapshot.documents().get(2)).hasSameHashCodeAs(snapshot.documents().get(2));
    }

    /** The same documents, parsed again (new instances holding their trees). */
    private static ResourceSnapshot withFreshTrees(ResourceSnapshot snapshot) {
        List<RawDocument> fresh = new ArrayList<>();
        for (RawDocument d : snapshot.documents()) {
            fresh.add(new RawDocument(d.tree(), d.location()));
        }
        return new ResourceSnapshot(fresh, snapshot.loadDiagnostics());
    }

    private static List<Path> goldenInputs() throws IOException {
        try (Stream<Path> files = Files.list(Fixtures.GOLDEN)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".in.yaml")).sorted().toList();
        }
    }

    private static String render(Compiler compiler, ResourceSnapshot snapshot) {
        CompileResult result = compiler.compile(snapshot);
        return EnvoyJson.toJson(EnvoyJson.bootstrap(result.envoy())) + Reports.diagnosticsJson(result.diagnostics())
                + Reports.irJson(result.ir()) + Reports.snapshotYaml(result.resources());
    }
}
