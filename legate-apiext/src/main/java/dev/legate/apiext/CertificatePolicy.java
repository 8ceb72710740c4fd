package dev.legate.apiext;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How long certificates live, when they are renewed, and which names the serving certificate carries.
 *
 * @param caValidity lifetime of a new CA
 * @param servingValidity lifetime of a new serving certificate (never beyond its CA's)
 * @param renewBefore a certificate is renewed when it expires within this margin
 * @param dnsNames the serving certificate's DNS names; the first is also its common name
 * @param addresses the serving certificate's IP addresses
 */
record CertificatePolicy(Duration caValidity, Duration servingValidity, Duration renewBefore, List<String> dnsNames,
        List<InetAddress> addresses) {

    static final String CA_NAME = "legate-apiext CA";

    CertificatePolicy {
        Objects.requireNonNull(caValidity, "caValidity");
        Objects.requireNonNull(servingValidity, "servingValidity");
        Objects.requireNonNull(renewBefore, "renewBefore");
        dnsNames = List.copyOf(dnsNames);
        addresses = List.copyOf(addresses);
        if (dnsNames.isEmpty()) {
            throw new IllegalArgumentException("the serving certificate needs at least one DNS name");
        }
        if (renewBefore.isNegative()) {
            throw new IllegalArgumentException("the renewal margin must not be negative");
        }
        if (renewBefore.compareTo(servingValidity) >= 0) {
            throw new IllegalArgumentException("the renewal margin (" + renewBefore
                    + ") must be shorter than the serving certificate's validity (" + servingValidity + ")");
        }
        if (renewBefore.compareTo(caValidity) >= 0) {
            throw new IllegalArgumentException("the renewal margin (" + renewBefore
                    + ") must be shorter than the CA's validity (" + caValidity + ")");
        }
    }

    /** The DNS names by which the Kubernetes API server reaches Service {@code name} in {@code namespace}. */
    static List<String> serviceDnsNames(String service, String namespace) {
        return List.of(service + "." + namespace + ".svc", service, service + "." + namespace,
                service + "." + namespace + ".svc.cluster.local");
    }

    /** What a stored bundle needs. */
    enum Verdict {
        /** Nothing: use it as it is. */
        KEEP,
        /** A new serving certificate from the same CA. */
        RENEW_SERVING,
        /** A new CA (the old one stays in the bundle while it is valid) and a new serving certificate. */
        RENEW_CA
    }

    /** A verdict and why. */
    record Assessment(Verdict verdict, String reason) {}

    Assessment assess(CertificateBundle bundle, Instant now) {
        Instant horizon = now.plus(renewBefore);
        X509Certificate ca = bundle.ca();
        if (ca.getNotAfter().toInstant().isBefore(horizon)) {
            return new Assessment(Verdict.RENEW_CA, "the CA expires at " + ca.getNotAfter().toInstant()
                    + ", within the renewal margin of " + renewBefore);
        }
        if (ca.getNotBefore().toInstant().isAfter(now)) {
            return new Assessment(Verdict.RENEW_CA, "the CA is not valid before " + ca.getNotBefore().toInstant());
        }
        X509Certificate serving = bundle.serving();
        if (serving.getNotAfter().toInstant().isBefore(horizon)) {
            return new Assessment(Verdict.RENEW_SERVING, "the serving certificate expires at "
                    + serving.getNotAfter().toInstant() + ", within the renewal margin of " + renewBefore);
        }
        if (serving.getNotBefore().toInstant().isAfter(now)) {
            return new Assessment(Verdict.RENEW_SERVING, "the serving certificate is not valid before "
                    + serving.getNotBefore().toInstant());
        }
        Set<String> names = new HashSet<>();
        Certificates.subjectAltNames(serving).forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
        for (String name : dnsNames) {
            if (!names.contains(name.toLowerCase(Locale.ROOT))) {
                return new Assessment(Verdict.RENEW_SERVING, "the serving certificate does not name " + name);
            }
        }
        return new Assessment(Verdict.KEEP, "valid until " + serving.getNotAfter().toInstant());
    }

    /** A new CA and serving certificate. */
    CertificateBundle create(Instant now) {
        Certificates.Issued ca = Certificates.newCa(CA_NAME, now, caValidity);
        return withServing(ca, List.of(ca.certificate()), now);
    }

    /** What {@code assessment} asks for; {@link Verdict#KEEP} returns {@code bundle} itself. */
    CertificateBundle renew(CertificateBundle bundle, Assessment assessment, Instant now) {
        return switch (assessment.verdict()) {
            case KEEP -> bundle;
            case RENEW_SERVING -> withServing(new Certificates.Issued(bundle.ca(), bundle.caKey()),
                    stillValid(bundle.trusted(), bundle.ca(), now), now);
            case RENEW_CA -> {
                Certificates.Issued ca = Certificates.newCa(CA_NAME, now, caValidity);
                List<X509Certificate> trusted = new ArrayList<>();
                trusted.add(ca.certificate());
                // Keep trusting the previous CAs while they are valid: an API server still using the bundle it
                // read before this renewal keeps working until the CRDs are patched.
                for (X509Certificate old : bundle.trusted()) {
                    if (old.getNotAfter().toInstant().isAfter(now) && trusted.size() < 3) {
                        trusted.add(old);
                    }
                }
                yield withServing(ca, trusted, now);
            }
        };
    }

    private CertificateBundle withServing(Certificates.Issued ca, List<X509Certificate> trusted, Instant now) {
        Certificates.Issued serving = Certificates.issueServing(ca, dnsNames, addresses, now, servingValidity);
        return new CertificateBundle(ca.certificate(), ca.key(), trusted, serving.certificate(), serving.key());
    }

    private static List<X509Certificate> stillValid(List<X509Certificate> trusted, X509Certificate ca, Instant now) {
        List<X509Certificate> out = new ArrayList<>();
        out.add(ca);
        for (X509Certificate c : trusted) {
            if (!c.equals(ca) && c.getNotAfter().toInstant().isAfter(now)) {
                out.add(c);
            }
        }
        return out;
    }
}
