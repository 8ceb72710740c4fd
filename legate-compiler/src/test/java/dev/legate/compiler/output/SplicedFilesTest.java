package dev.legate.compiler.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.legate.compiler.CompileOptions;
import dev.legate.compiler.CompileResult;
import dev.legate.compiler.Compiler;
import dev.legate.compiler.config.ConfigDirectory;
import dev.legate.compiler.config.ParsedFileCache;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Successive envoy.json, ir.json and snapshot.yaml files written by one {@link EnvoyJsonFiles}, {@link IrJsonFiles}
 * and {@link SnapshotYamlFiles}, which copy unchanged routes, mapping groups, bound routes and resources from the last
 * file, equal a fresh rendering byte for byte after edits of every kind (a Mapping edited so that its routes move, removed,
 * added; a Host changed; nothing changed), and after the last file was tampered with or removed.
 */
final class SplicedFilesTest {

    private static final int MAPPINGS = 120;

    @Test
    void everyFileEqualsAFreshRenderingAfterEditsOfEachKind(@TempDir Path dir) throws IOException {
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve("00-listeners.yaml"), """
                apiVersion: getambassador.io/v3alpha1
                kind: Listener
                metadata: {name: http, namespace: default}
                spec: {port: 8080, protocol: HTTP, securityModel: XFP, hostBinding: {namespace: {from: ALL}}}
                ---
                apiVersion: getambassador.io/v3alpha1
                kind: Listener
                metadata: {name: https, namespace: default}
                spec: {port: 8443, protocol: HTTPS, securityModel: XFP, hostBinding: {namespace: {from: ALL}}}
                """);
        host(config, "a", "Route");
        Files.writeString(config.resolve("01-host-b.yaml"), """
                apiVersion: getambassador.io/v3alpha1
                kind: Host
                metadata: {name: b, namespace: default}
                spec: {hostname: b.example.com, requestPolicy: {insecure: {action: Redirect}}}
                """);
        for (int i = 0; i < MAPPINGS; i++) {
            mapping(config, i, "/svc-" + i + "/", i % 3 == 0 ? "a.example.com" : null);
        }
        Compiler compiler = new Compiler(CompileOptions.DEFAULTS);
        ParsedFileCache cache = new ParsedFileCache();
        EnvoyJsonFiles files = new EnvoyJsonFiles();
        IrJsonFiles irFiles = new IrJsonFiles();
        SnapshotYamlFiles yamlFiles = new SnapshotYamlFiles();
        Path out = Files.createDirectories(dir.resolve("out"));
        int[] step = {0};
        Check check = expect -> {
            CompileResult result = compiler.compile(ConfigDirectory.read(config, cache));
            // As the snapshot store does: written in a directory of its own, which is then moved into place.
            Path tmp = Files.createDirectories(out.resolve(".tmp"));
            files.write(result.envoy(), tmp.resolve("envoy.json"));
            irFiles.write(result.ir(), tmp.resolve("ir.json"));
            yamlFiles.write(result.resources(), tmp.resolve("snapshot.yaml"));
            Path target = out.resolve(String.format(Locale.ROOT, "%03d", step[0]++));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            files.committed(target.resolve("envoy.json"));
            irFiles.committed(target.resolve("ir.json"));
            yamlFiles.committed(target.resolve("snapshot.yaml"));
            assertThat(Files.readString(target.resolve("snapshot.yaml"))).as("snapshot.yaml %s",
                    target.getFileName()).isEqualTo(Reports.snapshotYaml(result.resources()));
            SnapshotYamlFiles.Stats yamlStats = yamlFiles.lastStats();
            switch (expect) {
                case MOSTLY_COPIED, EITHER -> assertThat(yamlStats.copied()).as("resources copied at %s",
                        target.getFileName()).isGreaterThan(yamlStats.rendered());
                case ALL_RENDERED -> assertThat(yamlStats.copied()).as("resources copied at %s",
                        target.getFileName()).isZero();
            }
            assertThat(Files.readString(target.resolve("ir.json"))).as("ir.json %s", target.getFileName())
                    .isEqualTo(Reports.irJson(result.ir()));
            IrJsonFiles.Stats irStats = irFiles.lastStats();
            switch (expect) {
                case MOSTLY_COPIED -> assertThat(irStats.copied()).as("IR parts copied at %s",
                        target.getFileName()).isGreaterThan(irStats.rendered());
                case ALL_RENDERED -> assertThat(irStats.copied()).as("IR parts copied at %s",
                        target.getFileName()).isZero();
                case EITHER -> { }
            }
            ByteArrayOutputStream fresh = new ByteArrayOutputStream();
            EnvoyJson.writeBootstrap(result.envoy(), fresh);
            assertThat(Files.readAllBytes(target.resolve("envoy.json"))).as("file %s", target.getFileName())
                    .isEqualTo(fresh.toByteArray());
            EnvoyJsonFiles.Stats stats = files.lastStats();
            assertThat(stats.copiedRoutes() + stats.renderedRoutes()).isPositive();
            switch (expect) {
                case MOSTLY_COPIED -> assertThat(stats.copiedRoutes()).as("routes copied at %s",
                        target.getFileName()).isGreaterThan(stats.renderedRoutes());
                case ALL_RENDERED -> assertThat(stats.copiedRoutes()).as("routes copied at %s",
                        target.getFileName()).isZero();
                case EITHER -> { }
            }
            return target.resolve("envoy.json");
        };

        check.run(Expect.ALL_RENDERED);
        check.run(Expect.MOSTLY_COPIED); // nothing changed
        mapping(config, 7, "/a-much-longer-prefix-that-sorts-first/7/", null); // its routes move
        check.run(Expect.MOSTLY_COPIED);
        mapping(config, 9, "/svc-9/", "a.example.com"); // from every host to one
        check.run(Expect.MOSTLY_COPIED);
        Files.delete(config.resolve("mapping-20.yaml"));
        check.run(Expect.MOSTLY_COPIED);
        mapping(config, MAPPINGS + 1, "/new/", null);
        mapping(config, MAPPINGS + 2, "/", "a.example.com");
        check.run(Expect.MOSTLY_COPIED);
        host(config, "a", "Redirect"); // every route of host a changes
        Path last = check.run(Expect.EITHER);

        // The last file changed behind the writer's back: same size, another time. Everything is rendered again.
        for (Path file : List.of(last, last.resolveSibling("ir.json"), last.resolveSibling("snapshot.yaml"))) {
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] = (byte) (bytes[bytes.length / 2] == ' ' ? 'x' : ' ');
            Files.write(file, bytes);
            Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
        }
        mapping(config, 3, "/svc-3-edited/", "a.example.com");
        last = check.run(Expect.ALL_RENDERED);
        mapping(config, 4, "/svc-4-edited/", null);
        check.run(Expect.MOSTLY_COPIED);
        // The last directory was removed.
        last = check.run(Expect.MOSTLY_COPIED);
        Files.delete(last);
        Files.delete(last.resolveSibling("ir.json"));
        Files.delete(last.resolveSibling("snapshot.yaml"));
        mapping(config, 5, "/svc-5-edited/", null);
        check.run(Expect.ALL_RENDERED);
        check.run(Expect.MOSTLY_COPIED);
    }

    private enum Expect { MOSTLY_COPIED, ALL_RENDERED, EITHER }

    @FunctionalInterface
    private interface Check {
        Path run(Expect expect) throws IOException;
    }

    private static void host(Path config, String name, String insecure) throws IOException {
        Files.writeString(config.resolve("01-host-" + name + ".yaml"), """
                apiVersion: getambassador.io/v3alpha1
                kind: Host
                metadata: {name: %s, namespace: default}
                spec: {hostname: %s.example.com, requestPolicy: {insecure: {action: %s}}}
                """.formatted(name, name, insecure));
    }

    private static void mapping(Path config, int i, String prefix, String host) throws IOException {
        Files.writeString(config.resolve("mapping-" + i + ".yaml"), """
                apiVersion: getambassador.io/v3alpha1
                kind: Mapping
                metadata: {name: m%d, namespace: default}
                spec: {prefix: "%s", service: "svc-%d:80"%s%s}
                """.formatted(i, prefix, i % 17, host == null ? "" : ", hostname: \"" + host + "\"",
                i % 5 == 0 ? ", timeout_ms: 1234" : ""));
    }
}
