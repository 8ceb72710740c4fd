package dev.legate.compiler.ir;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A TLS termination context: the certificate (a Secret, by key) and the TLS parameters. The Secret's material is
 * not in the IR; translators look it up by {@link #secret()}.
 *
 * @param secret the TLS Secret's key, {@code name.namespace}
 */
public record IrTlsContext(String name, String namespace, List<String> hosts, String secret,
        @Nullable String caSecret, @Nullable Boolean certRequired, @Nullable String minTlsVersion,
        @Nullable String maxTlsVersion, List<String> cipherSuites, List<String> ecdhCurves,
        List<String> alpnProtocols, @Nullable String sni, Provenance provenance) {

    public IrTlsContext {
        hosts = List.copyOf(hosts);
        cipherSuites = List.copyOf(cipherSuites);
        ecdhCurves = List.copyOf(ecdhCurves);
        alpnProtocols = List.copyOf(alpnProtocols);
    }
}
