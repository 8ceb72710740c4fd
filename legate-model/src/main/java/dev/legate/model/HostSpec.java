package dev.legate.model;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code Host.spec} in getambassador.io/v3alpha1. */
public record HostSpec(
        @JsonProperty("hostname") @Nullable String hostname,
        @JsonProperty("selector") @Nullable LabelSelector selector,
        @JsonProperty("mappingSelector") @Nullable LabelSelector mappingSelector,
        @JsonProperty("acmeProvider") @Nullable JsonNode acmeProvider,
        @JsonProperty("tlsSecret") @Nullable SecretRef tlsSecret,
        @JsonProperty("tlsContext") @Nullable NameRef tlsContext,
        @JsonProperty("tls") @Nullable TlsConfig tls,
        @JsonProperty("requestPolicy") @Nullable RequestPolicy requestPolicy,
        @JsonProperty("previewUrl") @Nullable JsonNode previewUrl) implements Spec {

    public record SecretRef(@JsonProperty("name") @Nullable String name,
            @JsonProperty("namespace") @Nullable String namespace) {
    }

    public record NameRef(@JsonProperty("name") @Nullable String name) {
    }

    public record RequestPolicy(@JsonProperty("insecure") @Nullable Insecure insecure) {

        public record Insecure(@JsonProperty("action") @Nullable String action,
                @JsonProperty("additionalPort") @Nullable Integer additionalPort) {
        }
    }

    /** {@code Host.spec.tls}: TLSContext settings; the camelCase spellings Emissary also accepts are aliases. */
    public record TlsConfig(
            @JsonProperty("cert_chain_file") @JsonAlias("certChainFile") @Nullable String certChainFile,
            @JsonProperty("private_key_file") @JsonAlias("privateKeyFile") @Nullable String privateKeyFile,
            @JsonProperty("ca_secret") @JsonAlias("caSecret") @Nullable String caSecret,
            @JsonProperty("cacert_chain_file") @JsonAlias("cacertChainFile") @Nullable String cacertChainFile,
            @JsonProperty("crl_secret") @JsonAlias("crlSecret") @Nullable String crlSecret,
            @JsonProperty("alpn_protocols") @JsonAlias("alpnProtocols") @Nullable String alpnProtocols,
            @JsonProperty("cert_required") @JsonAlias("certRequired") @Nullable Boolean certRequired,
            @JsonProperty("min_tls_version") @JsonAlias("minTlsVersion") @Nullable String minTlsVersion,
            @JsonProperty("max_tls_version") @JsonAlias("maxTlsVersion") @Nullable String maxTlsVersion,
            @JsonProperty("cipher_suites") @JsonAlias("cipherSuites") @Nullable List<String> cipherSuites,
            @JsonProperty("ecdh_curves") @JsonAlias("ecdhCurves") @Nullable List<String> ecdhCurves,
            @JsonProperty("redirect_cleartext_from") @JsonAlias("redirectCleartextFrom")
            @Nullable Integer redirectCleartextFrom,
            @JsonProperty("sni") @Nullable String sni) {
    }
}
