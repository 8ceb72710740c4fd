package dev.legate.model;

import static java.util.Objects.requireNonNull;

/**
 * A {@code kubernetes.io/tls} Secret, decoded. The key material is kept as PEM text; its {@code toString} never
 * prints it, so a Secret cannot leak into logs or diagnostics by accident.
 */
public record SecretSpec(String certificateChain, String privateKey, String caCertificate) implements Spec {

    public SecretSpec {
        requireNonNull(certificateChain, "certificateChain");
        requireNonNull(privateKey, "privateKey");
        requireNonNull(caCertificate, "caCertificate");
    }

    public boolean hasCertificate() {
        return !certificateChain.isEmpty() && !privateKey.isEmpty();
    }

    @Override
    public String toString() {
        return "SecretSpec[redacted]";
    }
}
