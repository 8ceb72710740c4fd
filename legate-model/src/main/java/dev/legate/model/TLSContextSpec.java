package dev.legate.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code TLSContext.spec} in getambassador.io/v3alpha1. */
public record TLSContextSpec(
        @JsonProperty("hosts") @Nullable List<String> hosts,
        @JsonProperty("secret") @Nullable String secret,
        @JsonProperty("cert_chain_file") @Nullable String certChainFile,
        @JsonProperty("private_key_file") @Nullable String privateKeyFile,
        @JsonProperty("ca_secret") @Nullable String caSecret,
        @JsonProperty("cacert_chain_file") @Nullable String cacertChainFile,
        @JsonProperty("crl_secret") @Nullable String crlSecret,
        @JsonProperty("alpn_protocols") @Nullable String alpnProtocols,
        @JsonProperty("cert_required") @Nullable Boolean certRequired,
        @JsonProperty("min_tls_version") @Nullable String minTlsVersion,
        @JsonProperty("max_tls_version") @Nullable String maxTlsVersion,
        @JsonProperty("cipher_suites") @Nullable List<String> cipherSuites,
        @JsonProperty("ecdh_curves") @Nullable List<String> ecdhCurves,
        @JsonProperty("secret_namespacing") @Nullable Boolean secretNamespacing,
        @JsonProperty("redirect_cleartext_from") @Nullable Integer redirectCleartextFrom,
        @JsonProperty("sni") @Nullable String sni,
        @JsonProperty("v3CRLSecret") @Nullable Boolean v3CrlSecret) implements Spec {
}
