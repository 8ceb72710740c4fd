package dev.legate.apiext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CA, the serving certificate, their renewal, and their form in a Secret. */
final class CertificatesTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final CertificatePolicy POLICY = new CertificatePolicy(Duration.ofDays(3650),
            Duration.ofDays(365), Duration.ofDays(30),
            CertificatePolicy.serviceDnsNames("legate-apiext", "legate"), List.of(InetAddress.getLoopbackAddress()));

    @Test
    void aNewBundleHasACaAndAServingCertificateForTheService() throws Exception {
        CertificateBundle bundle = POLICY.create(NOW);
        X509Certificate ca = bundle.ca();
        assertThat(ca.getBasicConstraints()).isZero(); // a CA that signs end certificates only
        assertThat(ca.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
        assertThat(bundle.trusted()).containsExactly(ca);

        X509Certificate serving = bundle.serving();
        serving.checkValidity(java.util.Date.from(NOW));
        assertThat(serving.getBasicConstraints()).isEqualTo(-1);
        assertThat(serving.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
        assertThat(Certificates.signedBy(serving, ca)).isTrue();
        assertThat(Certificates.subjectAltNames(serving)).contains("legate-apiext.legate.svc", "legate-apiext",
                "legate-apiext.legate", "legate-apiext.legate.svc.cluster.local", "127.0.0.1");
        assertThat(serving.getSubjectX500Principal().getName()).contains("CN=legate-apiext.legate.svc");
        assertThat(serving.getNotBefore().toInstant()).isEqualTo(NOW.minus(Certificates.BACKDATE));
        assertThat(bundle.caBundlePem()).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void theServingCertificateNeverOutlivesItsCa() {
        CertificatePolicy shortCa = new CertificatePolicy(Duration.ofDays(100), Duration.ofDays(365),
                Duration.ofDays(10), List.of("x.y.svc"), List.of());
        CertificateBundle bundle = shortCa.create(NOW);
        assertThat(bundle.serving().getNotAfter()).isEqualTo(bundle.ca().getNotAfter());
    }

    @Test
    void aValidBundleIsKept() {
        CertificateBundle bundle = POLICY.create(NOW);
        assertThat(POLICY.assess(bundle, NOW.plus(Duration.ofDays(300))).verdict())
                .isEqualTo(CertificatePolicy.Verdict.KEEP);
    }

    @Test
    void theServingCertificateIsRenewedFromTheSameCaWithinTheMargin() {
        CertificateBundle bundle = POLICY.create(NOW);
        Instant later = NOW.plus(Duration.ofDays(340));
        CertificatePolicy.Assessment assessment = POLICY.assess(bundle, later);
        assertThat(assessment.verdict()).isEqualTo(CertificatePolicy.Verdict.RENEW_SERVING);
        assertThat(assessment.reason()).contains("within the renewal margin");
        CertificateBundle renewed = POLICY.renew(bundle, assessment, later);
        assertThat(renewed.ca()).isEqualTo(bundle.ca());
        assertThat(renewed.trusted()).isEqualTo(bundle.trusted());
        assertThat(renewed.caBundlePem()).as("the CRDs need no change").isEqualTo(bundle.caBundlePem());
        assertThat(renewed.serving()).isNotEqualTo(bundle.serving());
        assertThat(renewed.servingNotAfter()).isEqualTo(later.plus(Duration.ofDays(365)));
        assertThat(POLICY.assess(renewed, later).verdict()).isEqualTo(CertificatePolicy.Verdict.KEEP);
    }

    @Test
    void aRenamedServiceGetsANewServingCertificate() {
        CertificateBundle bundle = POLICY.create(NOW);
        CertificatePolicy renamed = new CertificatePolicy(Duration.ofDays(3650), Duration.ofDays(365),
                Duration.ofDays(30), CertificatePolicy.serviceDnsNames("conversion", "legate"), List.of());
        CertificatePolicy.Assessment assessment = renamed.assess(bundle, NOW);
        assertThat(assessment.verdict()).isEqualTo(CertificatePolicy.Verdict.RENEW_SERVING);
        assertThat(assessment.reason()).contains("conversion.legate.svc");
    }

    @Test
    void anExpiringCaIsReplacedAndTheOldOneStaysTrustedWhileValid() {
        CertificateBundle bundle = POLICY.create(NOW);
        Instant late = NOW.plus(Duration.ofDays(3640));
        CertificatePolicy.Assessment assessment = POLICY.assess(bundle, late);
        assertThat(assessment.verdict()).isEqualTo(CertificatePolicy.Verdict.RENEW_CA);
        CertificateBundle renewed = POLICY.renew(bundle, assessment, late);
        assertThat(renewed.ca()).isNotEqualTo(bundle.ca());
        assertThat(renewed.trusted()).containsExactly(renewed.ca(), bundle.ca());
        assertThat(Certificates.signedBy(renewed.serving(), renewed.ca())).isTrue();

        // Once the old CA has expired, the next renewal drops it.
        Instant muchLater = late.plus(Duration.ofDays(340));
        CertificateBundle again = POLICY.renew(renewed, POLICY.assess(renewed, muchLater), muchLater);
        assertThat(again.trusted()).containsExactly(renewed.ca());
    }

    @Test
    void aBundleSurvivesTheSecretFormat() {
        CertificateBundle bundle = POLICY.create(NOW);
        Map<String, String> data = bundle.toSecretData();
        assertThat(data).containsOnlyKeys("tls.crt", "tls.key", "ca.crt", "ca.key");
        assertThat(new String(Base64.getDecoder().decode(data.get("tls.key")), StandardCharsets.UTF_8))
                .startsWith("-----BEGIN PRIVATE KEY-----");
        CertificateBundle read = CertificateBundle.fromSecretData(data);
        assertThat(CertificateSource.sameCertificates(read, bundle)).isTrue();
        assertThat(Certificates.keyMatches(read.servingKey(), bundle.serving().getPublicKey())).isTrue();
        assertThat(Certificates.keyMatches(read.caKey(), bundle.ca().getPublicKey())).isTrue();
    }

    @Test
    void aBrokenSecretIsRejectedWithAReason() {
        CertificateBundle one = POLICY.create(NOW);
        CertificateBundle two = POLICY.create(NOW);
        Map<String, String> mixed = new HashMap<>(one.toSecretData());
        mixed.put("tls.key", two.toSecretData().get("tls.key"));
        assertThatThrownBy(() -> CertificateBundle.fromSecretData(mixed))
                .hasMessageContaining("tls.key is not the key");

        Map<String, String> foreignServing = new HashMap<>(one.toSecretData());
        foreignServing.put("tls.crt", two.toSecretData().get("tls.crt"));
        foreignServing.put("tls.key", two.toSecretData().get("tls.key"));
        assertThatThrownBy(() -> CertificateBundle.fromSecretData(foreignServing))
                .hasMessageContaining("not signed by the CA");

        Map<String, String> missing = new HashMap<>(one.toSecretData());
        missing.remove("ca.key");
        assertThatThrownBy(() -> CertificateBundle.fromSecretData(missing)).hasMessage("no ca.key");

        Map<String, String> garbage = new HashMap<>(one.toSecretData());
        garbage.put("ca.crt", Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> CertificateBundle.fromSecretData(garbage)).hasMessageContaining("certificate");
    }

    @Test
    void theRenewalMarginMustFitInsideTheValidity() {
        assertThatThrownBy(() -> new CertificatePolicy(Duration.ofDays(3650), Duration.ofDays(20),
                Duration.ofDays(30), List.of("a"), List.of())).hasMessageContaining("shorter than the serving");
    }

    @Test
    void durationsAndSizesOnTheCommandLine() {
        assertThat(OptionTypes.duration("90d")).isEqualTo(Duration.ofDays(90));
        assertThat(OptionTypes.duration("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(OptionTypes.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(OptionTypes.duration("P30D")).isEqualTo(Duration.ofDays(30));
        assertThat(OptionTypes.duration("pt1h")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> OptionTypes.duration("soon")).hasMessageContaining("not a duration");
        assertThat(OptionTypes.size("32m")).isEqualTo(32L << 20);
        assertThat(OptionTypes.size("64Ki")).isEqualTo(64L << 10);
        assertThat(OptionTypes.size("1000")).isEqualTo(1000L);
        assertThatThrownBy(() -> OptionTypes.size("lots")).hasMessageContaining("not a size");
    }
}
