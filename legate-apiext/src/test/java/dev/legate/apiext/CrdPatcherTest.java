package dev.legate.apiext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceConversion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceConversionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CA bundle and Service go into the conversion settings of the selected CRDs, and stay there, against fabric8's
 * mock API server (CRUD mode, real informers). The CRDs are this test's own, shaped like Emissary's.
 */
@EnableKubernetesMockClient(crud = true)
final class CrdPatcherTest {

    static KubernetesClient client;

    private static final CertificatePolicy POLICY = new CertificatePolicy(Duration.ofDays(3650),
            Duration.ofDays(365), Duration.ofDays(30), CertificatePolicy.serviceDnsNames("legate-apiext", "legate"),
            List.of(InetAddress.getLoopbackAddress()));
    private static final CrdPatcher.ServiceRef SERVICE = new CrdPatcher.ServiceRef("legate", "legate-apiext", 443);

    private final List<CrdPatcher> patchers = new ArrayList<>();

    @BeforeEach
    void clean() {
        client.apiextensions().v1().customResourceDefinitions().delete();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.apiextensions().v1().customResourceDefinitions().list().getItems().isEmpty());
    }

    @AfterEach
    void close() {
        patchers.forEach(CrdPatcher::close);
    }

    private CrdPatcher patcher(CrdSelection selection) {
        CrdPatcher patcher = new CrdPatcher(client, selection, SERVICE, Duration.ofMillis(200));
        patchers.add(patcher);
        return patcher;
    }

    /** Emissary's shipped conversion settings: a webhook with no CA bundle, at Emissary's own Service. */
    private static CustomResourceConversion emissaryConversion() {
        return new CustomResourceConversionBuilder().withStrategy("Webhook")
                .withNewWebhook().withConversionReviewVersions("v1")
                    .withNewClientConfig().withNewService().withName("emissary-apiext").withNamespace("emissary-system")
                        .withPath("/webhooks/crd-convert").withPort(443).endService().endClientConfig()
                .endWebhook().build();
    }

    private static CustomResourceConversion none() {
        return new CustomResourceConversionBuilder().withStrategy("None").build();
    }

    private static CustomResourceDefinition crd(String plural, String group, String kind, List<String> versions,
            @Nullable CustomResourceConversion conversion, Map<String, String> labels) {
        List<CustomResourceDefinitionVersion> vs = new ArrayList<>();
        for (String v : versions) {
            vs.add(new CustomResourceDefinitionVersionBuilder().withName(v).withServed(true)
                    .withStorage(v.equals(versions.getLast()))
                    .withNewSchema().withNewOpenAPIV3Schema().withType("object")
                        .withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
                    .build());
        }
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(plural + "." + group).withLabels(labels).endMetadata()
                .withNewSpec().withGroup(group).withScope("Namespaced")
                    .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase()).endNames()
                    .withVersions(vs).withConversion(conversion)
                .endSpec().build();
    }

    private static void create(CustomResourceDefinition crd) {
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }

    private static CustomResourceDefinition get(String name) {
        return client.apiextensions().v1().customResourceDefinitions().withName(name).get();
    }

    private static boolean pointsAtUs(String name, CertificateBundle bundle) {
        CustomResourceConversion conversion = get(name).getSpec().getConversion();
        if (conversion == null || !"Webhook".equals(conversion.getStrategy()) || conversion.getWebhook() == null) {
            return false;
        }
        WebhookClientConfig config = conversion.getWebhook().getClientConfig();
        return config != null && config.getCaBundle() != null && config.getUrl() == null
                && new String(Base64.getDecoder().decode(config.getCaBundle()), StandardCharsets.UTF_8)
                        .equals(bundle.caBundlePem())
                && config.getService() != null && "legate".equals(config.getService().getNamespace())
                && "legate-apiext".equals(config.getService().getName())
                && Integer.valueOf(443).equals(config.getService().getPort())
                && "/webhooks/crd-convert".equals(config.getService().getPath())
                && conversion.getWebhook().getConversionReviewVersions().getFirst().equals("v1");
    }

    private static final List<String> ALL = List.of("v1", "v2", "v3alpha1");

    @Test
    void patchesMultiVersionGetambassadorCrdsAndLeavesTheRestAlone() {
        create(crd("mappings", "getambassador.io", "Mapping", ALL, emissaryConversion(), Map.of()));
        create(crd("hosts", "getambassador.io", "Host", List.of("v2", "v3alpha1"), none(), Map.of()));
        create(crd("listeners", "getambassador.io", "Listener", List.of("v3alpha1"), null, Map.of()));
        create(crd("widgets", "example.com", "Widget", List.of("v1", "v2"), none(), Map.of()));

        CrdPatcher patcher = patcher(CrdSelection.all());
        patcher.start();
        CertificateBundle bundle = POLICY.create(Instant.now());
        patcher.use(bundle);

        await().atMost(Duration.ofSeconds(20)).until(() -> pointsAtUs("mappings.getambassador.io", bundle)
                && pointsAtUs("hosts.getambassador.io", bundle));
        await().atMost(Duration.ofSeconds(10)).until(patcher::firstPassDone);
        assertThat(patcher.status()).isEqualTo("2 of 2 CRDs configured");
        assertThat(get("listeners.getambassador.io").getSpec().getConversion()).isNull();
        assertThat(get("widgets.example.com").getSpec().getConversion().getStrategy()).isEqualTo("None");
        // The rest of the CRD is untouched.
        assertThat(get("mappings.getambassador.io").getSpec().getVersions()).hasSize(3);
    }

    @Test
    void aReappliedCrdIsFixedAgainAndNewCertificatesReachEveryCrd() {
        create(crd("mappings", "getambassador.io", "Mapping", ALL, emissaryConversion(), Map.of()));
        CrdPatcher patcher = patcher(CrdSelection.all());
        patcher.start();
        CertificateBundle bundle = POLICY.create(Instant.now());
        patcher.use(bundle);
        await().atMost(Duration.ofSeconds(20)).until(() -> pointsAtUs("mappings.getambassador.io", bundle));

        // `kubectl apply -f crds.yaml` again: the CA bundle is gone, and the Service is Emissary's.
        CustomResourceDefinition reapplied = get("mappings.getambassador.io");
        reapplied.getSpec().setConversion(emissaryConversion());
        client.apiextensions().v1().customResourceDefinitions().resource(reapplied).update();
        await().atMost(Duration.ofSeconds(20)).until(() -> pointsAtUs("mappings.getambassador.io", bundle));

        // A CRD installed later is patched on arrival.
        create(crd("tcpmappings", "getambassador.io", "TCPMapping", ALL, emissaryConversion(), Map.of()));
        await().atMost(Duration.ofSeconds(20)).until(() -> pointsAtUs("tcpmappings.getambassador.io", bundle));

        // A new CA: every CRD gets the new bundle.
        CertificateBundle renewed = POLICY.renew(bundle, new CertificatePolicy.Assessment(
                CertificatePolicy.Verdict.RENEW_CA, "test"), Instant.now());
        patcher.use(renewed);
        await().atMost(Duration.ofSeconds(20)).until(() -> pointsAtUs("mappings.getambassador.io", renewed)
                && pointsAtUs("tcpmappings.getambassador.io", renewed));
        assertThat(renewed.trusted()).hasSize(2);
    }

    @Test
    void aUrlClientConfigIsReplacedByTheService() {
        CustomResourceConversion byUrl = new CustomResourceConversionBuilder().withStrategy("Webhook")
                .withNewWebhook().withConversionReviewVersions("v1", "v1beta1")
                    .withNewClientConfig().withUrl("https://conversion.example.com/convert").endClientConfig()
                .endWebhook().build();
        create(crd("modules", "getambassador.io", "Module", ALL, byUrl, Map.of()));
        CrdPatcher patcher = patcher(CrdSelection.all());
        patcher.start();
        CertificateBundle bundle = POLICY.create(Instant.now());
        patcher.use(bundle);
        await().atMost(Duration.ofSeconds(20)).until(() -> pointsAtUs("modules.getambassador.io", bundle));
    }

    @Test
    void aLabelSelectorAndNamesNarrowTheSelection() {
        create(crd("mappings", "getambassador.io", "Mapping", ALL, emissaryConversion(),
                Map.of("app.kubernetes.io/part-of", "legate")));
        create(crd("tlscontexts", "getambassador.io", "TLSContext", ALL, emissaryConversion(),
                Map.of("app.kubernetes.io/part-of", "legate")));
        create(crd("modules", "getambassador.io", "Module", ALL, emissaryConversion(), Map.of()));

        CrdPatcher patcher = patcher(new CrdSelection("app.kubernetes.io/part-of=legate",
                Set.of("mappings.getambassador.io", "modules.getambassador.io")));
        patcher.start();
        CertificateBundle bundle = POLICY.create(Instant.now());
        patcher.use(bundle);
        await().atMost(Duration.ofSeconds(20)).until(() -> pointsAtUs("mappings.getambassador.io", bundle));
        await().atMost(Duration.ofSeconds(10)).until(patcher::firstPassDone);
        assertThat(pointsAtUs("tlscontexts.getambassador.io", bundle)).as("not named").isFalse();
        assertThat(pointsAtUs("modules.getambassador.io", bundle)).as("not labelled").isFalse();
        assertThat(patcher.status()).isEqualTo("1 of 1 CRDs configured");
    }

    @Test
    void theCacheKeepsOnlyWhatThePatcherNeeds() {
        CustomResourceDefinition full = crd("mappings", "getambassador.io", "Mapping", ALL, emissaryConversion(),
                Map.of("a", "b"));
        CustomResourceDefinition trimmed = CrdStore.trim(full);
        assertThat(trimmed.getSpec().getVersions()).extracting(CustomResourceDefinitionVersion::getName)
                .containsExactlyElementsOf(ALL);
        assertThat(trimmed.getSpec().getVersions()).allSatisfy(v -> assertThat(v.getSchema()).isNull());
        assertThat(trimmed.getSpec().getConversion()).isEqualTo(full.getSpec().getConversion());
        assertThat(trimmed.getMetadata().getLabels()).containsEntry("a", "b");
        assertThat(CrdSelection.all().matches(trimmed)).isTrue();
        CustomResourceDefinition foreign = CrdStore.trim(crd("widgets", "example.com", "Widget", ALL, none(),
                Map.of()));
        assertThat(foreign.getSpec().getVersions()).isEmpty();
        assertThat(foreign.getSpec().getConversion()).isNull();
    }
}
