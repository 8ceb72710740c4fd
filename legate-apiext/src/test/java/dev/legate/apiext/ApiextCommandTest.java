package dev.legate.apiext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code legate apiext}: its help, its usage errors, and whole runs without and with a (mock) cluster. */
@EnableKubernetesMockClient(crud = true)
final class ApiextCommandTest {

    static KubernetesClient client;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ApiextCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static ApiextCommand parsed(String... args) {
        ApiextCommand command = new ApiextCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void helpExplainsEveryOptionWithinEightyColumns() {
        Run help = run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: apiext", "--port", "--probe-port", "--namespace", "--secret",
                "--service", "--crd-selector", "--crd", "--no-patch-crds", "--ca-validity", "--cert-validity",
                "--renew-before", "--kubeconfig", "--in-cluster", "--no-kubernetes", "--self-signed-only",
                "--ca-bundle-file", "--mark-ambassador-id", "--max-request-bytes", "(default: 8443");
        assertThat(help.out().lines()).allSatisfy(line -> assertThat(line.length()).as(line).isLessThan(80));
    }

    @Test
    void usageErrorsExitWith2() {
        assertThat(run("--port", "eighty").exit()).isEqualTo(2);
        assertThat(run("--renew-before", "soon").err()).contains("not a duration");
        Run both = run("--in-cluster", "--kubeconfig", "/nonexistent");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("exclude each other");
        assertThat(run("--no-kubernetes", "--port", "9443", "--probe-port", "9443").err()).contains("must differ");
    }

    @Test
    void aPortInUseIsAStartupFailureWithExit1() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Run run = run("--no-kubernetes", "--bind", "127.0.0.1", "--port",
                    Integer.toString(taken.getLocalPort()), "--probe-port", "0", "--warm-up", "0");
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).startsWith("legate apiext: cannot listen on 127.0.0.1");
        }
    }

    @Test
    void theNamespaceComesFromTheEnvironmentThenTheServiceAccount(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("namespace");
        assertThat(ApiextCommand.defaultNamespace(Map.of("POD_NAMESPACE", "edge"), file)).isEqualTo("edge");
        assertThat(ApiextCommand.defaultNamespace(Map.of(), file)).isEqualTo("default");
        Files.writeString(file, "legate\n");
        assertThat(ApiextCommand.defaultNamespace(Map.of(), file)).isEqualTo("legate");
    }

    @Test
    void runsWithoutKubernetes(@TempDir Path dir) throws Exception {
        Path caFile = dir.resolve("ca.pem");
        ApiextCommand command = parsed("--no-kubernetes", "--bind", "127.0.0.1", "--port", "0", "--probe-port", "0",
                "--ca-bundle-file", caFile.toString());
        try (ApiextCommand.Running running = command.start(Map.of(), Clock.systemUTC())) {
            ApiextServer server = running.server();
            String pem = Files.readString(caFile);
            HttpClient tls = TlsClients.trusting(Certificates.parseCertificates(pem));
            URI webhook = URI.create("https://127.0.0.1:" + server.httpsAddress().getPort() + WebhookHandler.PATH);
            HttpResponse<String> response = TlsClients.post(tls, webhook, "application/json",
                    TestDocs.bytes(TestDocs.review("cli", "getambassador.io/v3alpha1", List.of(TestDocs.yaml("""
                            apiVersion: getambassador.io/v2
                            kind: Host
                            metadata: {name: shop, namespace: shop}
                            spec: {hostname: shop.example.com}
                            """)))));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"status\":\"Success\"", "getambassador.io/v3alpha1");
            URI readyUri = URI.create("http://127.0.0.1:" + server.probeAddress().getPort() + ProbeHandler.READY);
            // Ready once warmed up (the default 20 round trips).
            await().atMost(Duration.ofSeconds(20)).until(() -> TlsClients.get(TlsClients.plain(), readyUri)
                    .statusCode() == 200);
            assertThat(TlsClients.get(TlsClients.plain(), readyUri).body()).contains("CRDs are not patched");
        }
    }

    @Test
    void runsAgainstAClusterStoringItsCertificatesAndPatchingCrds() throws Exception {
        client.apiextensions().v1().customResourceDefinitions().load(new java.io.ByteArrayInputStream("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: mappings.getambassador.io}
                spec:
                  group: getambassador.io
                  scope: Namespaced
                  names: {kind: Mapping, plural: mappings, singular: mapping}
                  versions:
                  - {name: v2, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
                  - {name: v3alpha1, served: true, storage: false, schema: {openAPIV3Schema: {type: object}}}
                  conversion:
                    strategy: Webhook
                    webhook:
                      conversionReviewVersions: [v1]
                      clientConfig:
                        service: {name: emissary-apiext, namespace: emissary-system, path: /webhooks/crd-convert}
                """.getBytes(StandardCharsets.UTF_8))).create();
        ApiextCommand command = parsed("--namespace", "legate", "--bind", "127.0.0.1", "--port", "0",
                "--probe-port", "0", "--warm-up", "0");
        command.useClient(client);
        try (ApiextCommand.Running running = command.start(Map.of(), Clock.systemUTC())) {
            ApiextServer server = running.server();
            URI ready = URI.create("http://127.0.0.1:" + server.probeAddress().getPort() + ProbeHandler.READY);
            await().atMost(Duration.ofSeconds(20)).until(() -> TlsClients.get(TlsClients.plain(), ready)
                    .statusCode() == 200);

            Secret secret = client.secrets().inNamespace("legate").withName("legate-apiext-certs").get();
            CertificateBundle stored = CertificateBundle.fromSecretData(secret.getData());
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                        .withName("mappings.getambassador.io").get();
                var config = crd.getSpec().getConversion().getWebhook().getClientConfig();
                return config.getCaBundle() != null
                        && new String(Base64.getDecoder().decode(config.getCaBundle()), StandardCharsets.UTF_8)
                                .equals(stored.caBundlePem())
                        && config.getService().getName().equals("legate-apiext")
                        && config.getService().getNamespace().equals("legate");
            });
            assertThat(Certificates.subjectAltNames(stored.serving())).contains("legate-apiext.legate.svc");

            // What the API server would do: trust the CRD's CA bundle and POST a review.
            HttpClient apiServer = TlsClients.trusting(stored.trusted());
            URI webhook = URI.create("https://127.0.0.1:" + server.httpsAddress().getPort() + WebhookHandler.PATH);
            HttpResponse<String> response = TlsClients.post(apiServer, webhook, "application/json",
                    TestDocs.bytes(TestDocs.review("k8s", "getambassador.io/v2", List.of(TestDocs.yaml("""
                            apiVersion: getambassador.io/v3alpha1
                            kind: Mapping
                            metadata: {name: quote, namespace: shop}
                            spec: {prefix: /quote/, service: quote.shop, hostname: "*"}
                            """)))));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"uid\":\"k8s\"", "\"status\":\"Success\"",
                    "\"apiVersion\":\"getambassador.io/v2\"");
        }
    }
}
