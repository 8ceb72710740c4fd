package dev.legate.compiler.envoy;

import dev.legate.compiler.ir.IrTlsContext;
import dev.legate.model.SecretSpec;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import java.util.Map;
import java.util.TreeMap;

/**
 * TLS contexts to Envoy. Certificates travel as SDS secrets named after their Kubernetes Secret
 * ({@code name.namespace}), never as files: the static bootstrap holds them in {@code static_resources.secrets}.
 */
final class TlsTranslator {

    private final Map<String, SecretSpec> secretMaterial;
    /** Secrets referenced so far, by SDS name; output sorted. */
    private final Map<String, Secret> secrets = new TreeMap<>();

    TlsTranslator(Map<String, SecretSpec> secretMaterial) {
        this.secretMaterial = secretMaterial;
    }

    Map<String, Secret> secrets() {
        return secrets;
    }

    DownstreamTlsContext downstream(IrTlsContext ctx) {
        DownstreamTlsContext.Builder downstream = DownstreamTlsContext.newBuilder()
                .setCommonTlsContext(common(ctx, true));
        if (ctx.certRequired() != null) {
            downstream.setRequireClientCertificate(com.google.protobuf.BoolValue.of(ctx.certRequired()));
        }
        return downstream.build();
    }

    CommonTlsContext common(IrTlsContext ctx, boolean downstream) {
        CommonTlsContext.Builder common = CommonTlsContext.newBuilder();
        TlsParameters.Builder params = TlsParameters.newBuilder();
        boolean anyParam = false;
        if (ctx.minTlsVersion() != null) {
            params.setTlsMinimumProtocolVersion(version(ctx.minTlsVersion()));
            anyParam = true;
        }
        if (ctx.maxTlsVersion() != null) {
            params.setTlsMaximumProtocolVersion(version(ctx.maxTlsVersion()));
            anyParam = true;
        }
        if (!ctx.cipherSuites().isEmpty()) {
            params.addAllCipherSuites(ctx.cipherSuites());
            anyParam = true;
        }
        if (!ctx.ecdhCurves().isEmpty()) {
            params.addAllEcdhCurves(ctx.ecdhCurves());
            anyParam = true;
        }
        if (anyParam) {
            common.setTlsParams(params);
        }
        common.addAllAlpnProtocols(ctx.alpnProtocols());
        if (registerCertificate(ctx)) {
            common.addTlsCertificateSdsSecretConfigs(sds(ctx.secret()));
        }
        if (downstream && registerCa(ctx)) {
            common.setValidationContextSdsSecretConfig(sds(ctx.caSecret() + "-ca"));
        }
        return common.build();
    }

    /**
     * Registers the secrets a downstream context refers to, as {@link #downstream} does, without making the context:
     * for a listener made before and reused.
     */
    void registerDownstream(IrTlsContext ctx) {
        registerCertificate(ctx);
        registerCa(ctx);
    }

    /** Registers the context's certificate; whether it has one. */
    private boolean registerCertificate(IrTlsContext ctx) {
        if (ctx.secret().isEmpty()) {
            return false;
        }
        SecretSpec material = secretMaterial.get(ctx.secret());
        if (material == null) {
            return false;
        }
        secrets.computeIfAbsent(ctx.secret(), name -> Secret.newBuilder().setName(name)
                .setTlsCertificate(TlsCertificate.newBuilder()
                        .setCertificateChain(DataSource.newBuilder().setInlineString(material.certificateChain()))
                        .setPrivateKey(DataSource.newBuilder().setInlineString(material.privateKey())))
                .build());
        return true;
    }

    /** Registers the context's CA (for client certificates); whether it has one. */
    private boolean registerCa(IrTlsContext ctx) {
        if (ctx.caSecret() == null) {
            return false;
        }
        SecretSpec ca = secretMaterial.get(ctx.caSecret());
        if (ca == null) {
            return false;
        }
        String pem = ca.caCertificate().isEmpty() ? ca.certificateChain() : ca.caCertificate();
        secrets.computeIfAbsent(ctx.caSecret() + "-ca", n -> Secret.newBuilder().setName(n)
                .setValidationContext(CertificateValidationContext.newBuilder()
                        .setTrustedCa(DataSource.newBuilder().setInlineString(pem)))
                .build());
        return true;
    }

    /**
     * A secret fetched over ADS by name. (The static bootstrap drops {@code sds_config}: there the secret is in
     * {@code static_resources.secrets}.)
     */
    private static SdsSecretConfig sds(String name) {
        return SdsSecretConfig.newBuilder().setName(name)
                .setSdsConfig(io.envoyproxy.envoy.config.core.v3.ConfigSource.newBuilder()
                        .setAds(io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource.getDefaultInstance())
                        .setResourceApiVersion(io.envoyproxy.envoy.config.core.v3.ApiVersion.V3))
                .build();
    }

    private static TlsParameters.TlsProtocol version(String version) {
        return switch (version) {
            case "v1.0" -> TlsParameters.TlsProtocol.TLSv1_0;
            case "v1.1" -> TlsParameters.TlsProtocol.TLSv1_1;
            case "v1.2" -> TlsParameters.TlsProtocol.TLSv1_2;
            case "v1.3" -> TlsParameters.TlsProtocol.TLSv1_3;
            default -> TlsParameters.TlsProtocol.TLS_AUTO;
        };
    }
}
