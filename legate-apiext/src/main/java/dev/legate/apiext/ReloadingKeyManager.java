package dev.legate.apiext;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jspecify.annotations.Nullable;

/**
 * A server key manager whose certificate can be replaced while the server runs: each TLS handshake picks up the
 * certificate current at that moment, so renewing does not restart anything.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private record Material(String alias, X509Certificate[] chain, PrivateKey key) {}

    /** The last few certificates, so that a handshake that chose an alias just before a swap still finds it. */
    private final Map<String, Material> recent = new LinkedHashMap<>();
    private volatile @Nullable Material current;

    /** Makes {@code bundle}'s serving certificate the one presented from the next handshake on. */
    void use(CertificateBundle bundle) {
        String alias = "serving-" + bundle.serving().getSerialNumber().toString(16);
        Material material = new Material(alias, new X509Certificate[] {bundle.serving()}, bundle.servingKey());
        synchronized (recent) {
            recent.put(alias, material);
            while (recent.size() > 4) {
                recent.remove(recent.keySet().iterator().next());
            }
        }
        current = material;
    }

    boolean hasCertificate() {
        return current != null;
    }

    /** A TLS context serving through this key manager. */
    SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {this}, null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no TLS implementation", e);
        }
    }

    private @Nullable String alias(@Nullable String keyType) {
        Material m = current;
        if (m == null || keyType == null || !keyType.startsWith(m.key().getAlgorithm())) {
            return null;
        }
        return m.alias();
    }

    private @Nullable Material find(@Nullable String alias) {
        if (alias == null) {
            return null;
        }
        Material m = current;
        if (m != null && m.alias().equals(alias)) {
            return m;
        }
        synchronized (recent) {
            return recent.get(alias);
        }
    }

    @Override
    public @Nullable String chooseEngineServerAlias(@Nullable String keyType, Principal @Nullable [] issuers,
            @Nullable SSLEngine engine) {
        return alias(keyType);
    }

    @Override
    public @Nullable String chooseServerAlias(@Nullable String keyType, Principal @Nullable [] issuers,
            @Nullable Socket socket) {
        return alias(keyType);
    }

    @Override
    public String @Nullable [] getServerAliases(@Nullable String keyType, Principal @Nullable [] issuers) {
        String alias = alias(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate @Nullable [] getCertificateChain(@Nullable String alias) {
        Material m = find(alias);
        return m == null ? null : m.chain().clone();
    }

    @Override
    public @Nullable PrivateKey getPrivateKey(@Nullable String alias) {
        Material m = find(alias);
        return m == null ? null : m.key();
    }

    @Override
    public String @Nullable [] getClientAliases(@Nullable String keyType, Principal @Nullable [] issuers) {
        return null;
    }

    @Override
    public @Nullable String chooseClientAlias(String @Nullable [] keyType, Principal @Nullable [] issuers,
            @Nullable Socket socket) {
        return null;
    }

    @Override
    public @Nullable String chooseEngineClientAlias(String @Nullable [] keyType, Principal @Nullable [] issuers,
            @Nullable SSLEngine engine) {
        return null;
    }
}
