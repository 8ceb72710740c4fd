package dev.legate.apiext;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The webhook's certificates: the CA that signs the serving certificate, the CA bundle that Kubernetes is told to
 * trust, and the serving certificate with its key.
 *
 * <p>Stored in a {@code kubernetes.io/tls} Secret as {@code tls.crt}/{@code tls.key} (the serving certificate, as
 * any TLS Secret), {@code ca.crt} (the CA bundle: the current CA first, then earlier CAs that are still valid, so
 * that a CA renewal does not break an API server that still has the previous bundle) and {@code ca.key}.
 *
 * @param ca the current CA
 * @param caKey its private key
 * @param trusted the CA bundle: {@code ca} first, then earlier CAs still valid
 * @param serving the serving certificate, signed by {@code ca}
 * @param servingKey its private key
 */
record CertificateBundle(X509Certificate ca, PrivateKey caKey, List<X509Certificate> trusted,
        X509Certificate serving, PrivateKey servingKey) {

    static final String TLS_CRT = "tls.crt";
    static final String TLS_KEY = "tls.key";
    static final String CA_CRT = "ca.crt";
    static final String CA_KEY = "ca.key";

    CertificateBundle {
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(caKey, "caKey");
        Objects.requireNonNull(serving, "serving");
        Objects.requireNonNull(servingKey, "servingKey");
        trusted = List.copyOf(trusted);
        if (trusted.isEmpty() || !trusted.getFirst().equals(ca)) {
            throw new IllegalArgumentException("the CA bundle must start with the current CA");
        }
    }

    /** The CA bundle, PEM: what goes into a CRD's {@code spec.conversion.webhook.clientConfig.caBundle}. */
    String caBundlePem() {
        return Certificates.pem(trusted);
    }

    byte[] caBundleBytes() {
        return caBundlePem().getBytes(StandardCharsets.UTF_8);
    }

    Instant servingNotAfter() {
        return serving.getNotAfter().toInstant();
    }

    /** A short description for logs: serials and expiry dates. */
    String describe() {
        return "serving certificate " + serving.getSerialNumber().toString(16) + " (until " + servingNotAfter()
                + "), CA " + ca.getSerialNumber().toString(16) + " (until " + ca.getNotAfter().toInstant() + ")"
                + (trusted.size() > 1 ? " and " + (trusted.size() - 1) + " earlier CA(s) still trusted" : "");
    }

    /** The Secret's {@code data}: base64 of each PEM. */
    Map<String, String> toSecretData() {
        Base64.Encoder b64 = Base64.getEncoder();
        Map<String, String> data = new LinkedHashMap<>();
        data.put(TLS_CRT, b64.encodeToString(Certificates.pem(List.of(serving)).getBytes(StandardCharsets.UTF_8)));
        data.put(TLS_KEY, b64.encodeToString(Certificates.pem(servingKey).getBytes(StandardCharsets.UTF_8)));
        data.put(CA_CRT, b64.encodeToString(caBundleBytes()));
        data.put(CA_KEY, b64.encodeToString(Certificates.pem(caKey).getBytes(StandardCharsets.UTF_8)));
        return data;
    }

    /**
     * Reads a Secret's {@code data}. Checks structure only (every entry present and parseable, keys matching their
     * certificates, the serving certificate signed by the CA); {@link CertificatePolicy#assess} judges validity.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static CertificateBundle fromSecretData(Map<String, String> data) {
        X509Certificate serving = Certificates.parseCertificates(entry(data, TLS_CRT)).getFirst();
        PrivateKey servingKey = Certificates.parsePrivateKey(entry(data, TLS_KEY));
        List<X509Certificate> trusted = new ArrayList<>(Certificates.parseCertificates(entry(data, CA_CRT)));
        PrivateKey caKey = Certificates.parsePrivateKey(entry(data, CA_KEY));
        X509Certificate ca = trusted.getFirst();
        if (!Certificates.keyMatches(caKey, ca.getPublicKey())) {
            throw new IllegalArgumentException(CA_KEY + " is not the key of the first certificate in " + CA_CRT);
        }
        if (!Certificates.keyMatches(servingKey, serving.getPublicKey())) {
            throw new IllegalArgumentException(TLS_KEY + " is not the key of " + TLS_CRT);
        }
        if (!Certificates.signedBy(serving, ca)) {
            throw new IllegalArgumentException(TLS_CRT + " is not signed by the CA in " + CA_CRT);
        }
        return new CertificateBundle(ca, caKey, trusted, serving, servingKey);
    }

    private static String entry(Map<String, String> data, String key) {
        String value = data.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("no " + key);
        }
        try {
            return new String(Base64.getMimeDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " is not base64: " + e.getMessage(), e);
        }
    }
}
