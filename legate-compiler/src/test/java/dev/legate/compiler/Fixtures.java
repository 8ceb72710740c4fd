package dev.legate.compiler;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.config.YamlDocuments;
import dev.legate.compiler.envoy.EnvoyConfig;
import dev.legate.compiler.output.EnvoyJson;
import dev.legate.compiler.output.Reports;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loading fixtures and rendering compile results for comparison. */
final class Fixtures {

    static final Path GOLDEN = Path.of("src/test/resources/golden");
    static final boolean UPDATE = Boolean.getBoolean("golden.update");
    static final Compiler COMPILER = new Compiler(CompileOptions.DEFAULTS);

    /**
     * A cleartext Listener on 8080, a Host for every name that routes insecure requests, and one valid Mapping: the
     * base that bad-input tests add their documents to, checking that the good route survives.
     */
    static final String OPEN_HTTP_WITH_GOOD_MAPPING = """
            apiVersion: getambassador.io/v3alpha1
            kind: Listener
            metadata: {name: http}
            spec: {port: 8080, protocol: HTTP, securityModel: INSECURE, hostBinding: {namespace: {from: ALL}}}
            ---
            apiVersion: getambassador.io/v3alpha1
            kind: Host
            metadata: {name: any}
            spec: {hostname: "*", requestPolicy: {insecure: {action: Route}}}
            ---
            apiVersion: getambassador.io/v3alpha1
            kind: Mapping
            metadata: {name: good}
            spec: {hostname: "*", prefix: /good/, service: good}
            """;

    private Fixtures() {
    }

    /**
     * The compiler for a fixture: the defaults, unless the fixture's leading comment lines set environment variables
     * Emissary users set, as {@code # env: AMBASSADOR_KNATIVE_SUPPORT=true}.
     */
    static Compiler compilerFor(Path fixture) {
        java.util.Map<String, String> env = new java.util.TreeMap<>();
        for (String line : read(fixture).lines().takeWhile(l -> l.startsWith("#")).toList()) {
            if (line.startsWith("# env: ") && line.contains("=")) {
                String assignment = line.substring("# env: ".length()).strip();
                env.put(assignment.substring(0, assignment.indexOf('=')),
                        assignment.substring(assignment.indexOf('=') + 1));
            }
        }
        return env.isEmpty() ? COMPILER : new Compiler(CompileOptions.fromEnvironment(env));
    }

    static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture's documents, after the shared test Secrets. */
    static ResourceSnapshot snapshot(Path fixture) {
        List<RawDocument> documents = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (Path file : List.of(GOLDEN.resolve("_secrets.yaml"), fixture)) {
            YamlDocuments.Parsed parsed = YamlDocuments.parse(file.getFileName().toString(), read(file));
            documents.addAll(parsed.documents());
            diagnostics.addAll(parsed.diagnostics());
        }
        return new ResourceSnapshot(documents, diagnostics);
    }

    static ResourceSnapshot parse(String origin, String yaml) {
        YamlDocuments.Parsed parsed = YamlDocuments.parse(origin, yaml);
        return new ResourceSnapshot(parsed.documents(), parsed.diagnostics());
    }

    /** The bootstrap as pretty JSON, routes inlined, certificate material replaced so goldens stay readable. */
    static String envoyJson(EnvoyConfig config) {
        List<Secret> redacted = config.secrets().stream().map(Fixtures::redact).toList();
        EnvoyConfig shown = new EnvoyConfig(config.listeners(), config.routeConfigurations(), config.clusters(),
                redacted, config.endpoints(), config.runtime());
        StringWriter compact = new StringWriter();
        EnvoyJson.writeBootstrap(shown, compact);
        try {
            ObjectMapper mapper = new ObjectMapper();
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.readTree(compact.toString()))
                    + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What an ADS server serves for EDS, which the static bootstrap inlines: the EDS clusters as they are and every
     * endpoint assignment; null when the configuration has no EDS cluster.
     */
    static String edsJson(EnvoyConfig config) {
        if (config.endpoints().isEmpty()) {
            return null;
        }
        StringBuilder compact = new StringBuilder("{\"eds_clusters\":[");
        String separator = "";
        for (io.envoyproxy.envoy.config.cluster.v3.Cluster c : config.clusters()) {
            if (c.getType() == io.envoyproxy.envoy.config.cluster.v3.Cluster.DiscoveryType.EDS) {
                compact.append(separator).append(EnvoyJson.toJson(c));
                separator = ",";
            }
        }
        compact.append("],\"endpoints\":[");
        separator = "";
        for (var a : config.endpoints()) {
            compact.append(separator).append(EnvoyJson.toJson(a));
            separator = ",";
        }
        compact.append("]}");
        try {
            ObjectMapper mapper = new ObjectMapper();
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.readTree(compact.toString()))
                    + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String diagnosticsJson(List<Diagnostic> diagnostics) {
        return Reports.diagnosticsJson(diagnostics) + "\n";
    }

    private static Secret redact(Secret secret) {
        Secret.Builder b = secret.toBuilder();
        DataSource marker = DataSource.newBuilder().setInlineString("<test certificate>").build();
        if (b.hasTlsCertificate()) {
            b.getTlsCertificateBuilder().setCertificateChain(marker).setPrivateKey(marker);
        }
        if (b.hasValidationContext()) {
            b.getValidationContextBuilder().setTrustedCa(marker);
        }
        return b.build();
    }
}
