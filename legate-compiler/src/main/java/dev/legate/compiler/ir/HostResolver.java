package dev.legate.compiler.ir;

import dev.legate.compiler.Diagnostic;
import dev.legate.model.HostSpec;
import dev.legate.model.LabelSelector;
import dev.legate.model.Resource;
import dev.legate.model.SecretSpec;
import dev.legate.model.TLSContextSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Builds TLS contexts and Hosts as Emissary's irtlscontext.py and irhost.py do, including the synthesized
 * {@code default-host} when no Host exists.
 */
final class HostResolver {

    static final String FALLBACK_SECRET = "fallback-self-signed-cert";

    private final Map<String, SecretSpec> secrets;
    private final String ambassadorNamespace;
    private final List<Diagnostic> diagnostics;
    /** TLS contexts by name, as Emissary keys them (names are global, not per namespace). */
    private final Map<String, IrTlsContext> contexts = new LinkedHashMap<>();

    HostResolver(Map<String, SecretSpec> secrets, String ambassadorNamespace, List<Diagnostic> diagnostics) {
        this.secrets = secrets;
        this.ambassadorNamespace = ambassadorNamespace;
        this.diagnostics = diagnostics;
    }

    Map<String, IrTlsContext> contexts() {
        return contexts;
    }

    void addTlsContexts(List<Resource<TLSContextSpec>> resources) {
        for (Resource<TLSContextSpec> r : resources) {
            TLSContextSpec spec = r.spec();
            String key = r.key().toString();
            if (contexts.containsKey(r.name())) {
                diagnostics.add(Diagnostic.error(key, "duplicate TLSContext name " + r.name()
                        + "; keeping the one from " + contexts.get(r.name()).provenance().primary()));
                continue;
            }
            if (spec.certChainFile() != null || spec.privateKeyFile() != null || spec.cacertChainFile() != null) {
                diagnostics.add(Diagnostic.warning(key, "certificate files (cert_chain_file, private_key_file, "
                        + "cacert_chain_file) are not supported; use secret / ca_secret"));
            }
            String secret = "";
            if (spec.secret() != null && !spec.secret().isEmpty()) {
                secret = secretKey(spec.secret(), r.namespace(), !Boolean.FALSE.equals(spec.secretNamespacing()));
                if (!hasCertificate(secret)) {
                    diagnostics.add(Diagnostic.error(key, "secret " + secret + " is not a known TLS Secret with "
                            + "tls.crt and tls.key; the TLSContext is not used"));
                    continue;
                }
            }
            String ca = null;
            if (spec.caSecret() != null && !spec.caSecret().isEmpty()) {
                ca = secretKey(spec.caSecret(), r.namespace(), !Boolean.FALSE.equals(spec.secretNamespacing()));
                SecretSpec caSpec = secrets.get(ca);
                if (caSpec == null || (caSpec.certificateChain().isEmpty() && caSpec.caCertificate().isEmpty())) {
                    diagnostics.add(Diagnostic.error(key, "ca_secret " + ca + " is not a known Secret holding a CA "
                            + "certificate; the TLSContext is not used"));
                    continue;
                }
            }
            if (spec.redirectCleartextFrom() != null) {
                diagnostics.add(Diagnostic.notice(key, "redirect_cleartext_from has no effect with Listeners; use "
                        + "Host.requestPolicy.insecure.action: Redirect"));
            }
            contexts.put(r.name(), new IrTlsContext(r.name(), r.namespace(), nullToEmpty(spec.hosts()), secret, ca,
                    spec.certRequired(), spec.minTlsVersion(), spec.maxTlsVersion(), nullToEmpty(spec.cipherSuites()),
                    nullToEmpty(spec.ecdhCurves()), alpn(spec.alpnProtocols()), spec.sni(),
                    Provenance.of(r.key())));
        }
    }

    List<IrHost> hosts(List<Resource<HostSpec>> resources) {
        List<IrHost> hosts = new ArrayList<>();
        Map<String, String> seen = new TreeMap<>();
        for (Resource<HostSpec> r : resources) {
            String key = r.key().toString();
            if (seen.containsKey(r.name())) {
                diagnostics.add(Diagnostic.error(key, "duplicate Host name " + r.name() + "; keeping "
                        + seen.get(r.name())));
                continue;
            }
            IrHost host = host(r);
            if (host != null) {
                seen.put(r.name(), key);
                hosts.add(host);
            }
        }
        if (hosts.isEmpty()) {
            for (IrTlsContext ctx : contexts.values()) {
                if (!ctx.hosts().isEmpty()) {
                    diagnostics.add(Diagnostic.error(ctx.provenance().primary(), "no Hosts are defined, so this "
                            + "TLSContext, which terminates TLS, is not used"));
                }
            }
            hosts.add(defaultHost());
        }
        return hosts;
    }

    private IrHost defaultHost() {
        String fallback = FALLBACK_SECRET + "." + ambassadorNamespace;
        String source = "Host/default-host." + ambassadorNamespace;
        if (hasCertificate(fallback)) {
            IrTlsContext ctx = new IrTlsContext("default-host-context", ambassadorNamespace, List.of("*"), fallback,
                    null, null, null, null, List.of(), List.of(), List.of(), null, Provenance.INTERNAL);
            contexts.put(ctx.name(), ctx);
            return new IrHost("default-host", ambassadorNamespace, "*", "*", ctx, "Redirect", Map.of(), Map.of(),
                    Provenance.INTERNAL);
        }
        diagnostics.add(Diagnostic.notice(source, "no Host is defined and there is no " + FALLBACK_SECRET
                + " Secret: serving every hostname in cleartext only"));
        return new IrHost("default-host", ambassadorNamespace, "*", "*", null, "Route", Map.of(), Map.of(),
                Provenance.INTERNAL);
    }

    private @Nullable IrHost host(Resource<HostSpec> r) {
        HostSpec spec = r.spec();
        String key = r.key().toString();
        String hostname = spec.hostname() == null || spec.hostname().isEmpty() ? "*" : spec.hostname();
        int colon = hostname.lastIndexOf(':');
        String sni = colon < 0 ? hostname : hostname.substring(0, colon);
        String insecure = "Redirect";
        if (spec.requestPolicy() != null && spec.requestPolicy().insecure() != null) {
            HostSpec.RequestPolicy.Insecure policy = spec.requestPolicy().insecure();
            if (policy.action() != null) {
                insecure = policy.action();
            }
            if (policy.additionalPort() != null && policy.additionalPort() > 0) {
                diagnostics.add(Diagnostic.notice(key, "requestPolicy.insecure.additionalPort has no effect; "
                        + "declare a Listener for port " + policy.additionalPort()));
            }
        }
        LabelSelector selector = spec.mappingSelector() != null ? spec.mappingSelector() : spec.selector();
        Map<String, String> mappingSelector = selector == null || selector.matchLabels() == null ? Map.of()
                : selector.matchLabels();
        if (selector != null && selector.matchExpressions() != null && !selector.matchExpressions().isEmpty()) {
            diagnostics.add(Diagnostic.warning(key, "mappingSelector.matchExpressions is not supported (Emissary "
                    + "ignores it too); only matchLabels selects Mappings"));
        }
        if (spec.acmeProvider() != null && spec.acmeProvider().path("authority").asText("").length() > 0
                && !spec.acmeProvider().path("authority").asText().equals("none")) {
            diagnostics.add(Diagnostic.notice(key, "acmeProvider is not implemented (as in Emissary OSS); use "
                    + "cert-manager and tlsSecret"));
        }

        IrTlsContext ctx = null;
        String contextName = spec.tlsContext() == null ? null : spec.tlsContext().name();
        if (spec.tlsSecret() != null && spec.tlsSecret().name() != null) {
            String secretNamespace = spec.tlsSecret().namespace() == null || spec.tlsSecret().namespace().isEmpty()
                    ? r.namespace() : spec.tlsSecret().namespace();
            String secret = spec.tlsSecret().name() + "." + secretNamespace;
            if (!hasCertificate(secret)) {
                diagnostics.add(Diagnostic.error(key, "tlsSecret " + secret + " is not a known TLS Secret with "
                        + "tls.crt and tls.key; the Host is not used"));
                return null;
            }
            String implicitName = r.name() + "-context";
            if (contextName != null) {
                ctx = namedContext(key, hostname, r.name(), contextName, secret);
                if (ctx == null) {
                    return null;
                }
            } else if (spec.tls() != null) {
                HostSpec.TlsConfig tls = spec.tls();
                if (tls.certChainFile() != null || tls.privateKeyFile() != null) {
                    diagnostics.add(Diagnostic.warning(key, "tls.cert_chain_file and tls.private_key_file are not "
                            + "supported; the certificate comes from tlsSecret"));
                }
                String ca = null;
                if (tls.caSecret() != null && !tls.caSecret().isEmpty()) {
                    ca = secretKey(tls.caSecret(), r.namespace(), true);
                    if (!secrets.containsKey(ca)) {
                        diagnostics.add(Diagnostic.error(key, "tls.ca_secret " + ca + " is not a known Secret; the "
                                + "Host is not used"));
                        return null;
                    }
                }
                ctx = new IrTlsContext(implicitName, r.namespace(), List.of(hostname), secret, ca,
                        tls.certRequired(), tls.minTlsVersion(), tls.maxTlsVersion(), nullToEmpty(tls.cipherSuites()),
                        nullToEmpty(tls.ecdhCurves()), alpn(tls.alpnProtocols()), tls.sni(), Provenance.of(r.key()));
                contexts.put(implicitName, ctx);
            } else if (contexts.containsKey(implicitName)) {
                ctx = namedContext(key, hostname, r.name(), implicitName, secret);
                if (ctx == null) {
                    return null;
                }
            } else {
                ctx = new IrTlsContext(implicitName, r.namespace(), List.of(hostname), secret, null, null, null, null,
                        List.of(), List.of(), List.of(), null, Provenance.of(r.key()));
                contexts.put(implicitName, ctx);
            }
        } else if (contextName != null) {
            // Emissary silently serves such a Host in cleartext. Use the context's own certificate when it has one.
            IrTlsContext named = contexts.get(contextName);
            if (named == null) {
                diagnostics.add(Diagnostic.error(key, "tlsContext " + contextName + " does not exist; the Host is "
                        + "not used"));
                return null;
            }
            if (named.secret().isEmpty()) {
                diagnostics.add(Diagnostic.warning(key, "tlsContext " + contextName + " has no secret and the Host "
                        + "has no tlsSecret: the Host serves cleartext only"));
            } else {
                diagnostics.add(Diagnostic.warning(key, "tlsContext without tlsSecret: Emissary would serve this "
                        + "Host in cleartext; Legate terminates TLS with the TLSContext's secret " + named.secret()));
                ctx = named;
            }
        }
        return new IrHost(r.name(), r.namespace(), hostname, sni, ctx, insecure, r.metadata().labels(),
                mappingSelector, Provenance.of(r.key()));
    }

    private @Nullable IrTlsContext namedContext(String key, String hostname, String hostName, String contextName,
            String secret) {
        IrTlsContext ctx = contexts.get(contextName);
        if (ctx == null) {
            diagnostics.add(Diagnostic.error(key, "tlsContext " + contextName + " does not exist; the Host is not "
                    + "used"));
            return null;
        }
        if (!ctx.secret().isEmpty() && !ctx.secret().equals(secret)) {
            diagnostics.add(Diagnostic.error(key, "secret mismatch: the Host uses " + secret + " but TLSContext "
                    + contextName + " uses " + ctx.secret() + "; the Host is not used"));
            return null;
        }
        if (!ctx.hosts().isEmpty() && !ctx.hosts().contains(hostname) && !ctx.hosts().contains(hostName)) {
            diagnostics.add(Diagnostic.error(key, "hosts mismatch: TLSContext " + contextName + " lists "
                    + ctx.hosts() + ", which includes neither " + hostname + " nor " + hostName));
        }
        if (ctx.secret().isEmpty() || ctx.hosts().isEmpty()) {
            ctx = new IrTlsContext(ctx.name(), ctx.namespace(), ctx.hosts().isEmpty() ? List.of(hostname)
                    : ctx.hosts(), secret, ctx.caSecret(), ctx.certRequired(), ctx.minTlsVersion(),
                    ctx.maxTlsVersion(), ctx.cipherSuites(), ctx.ecdhCurves(), ctx.alpnProtocols(), ctx.sni(),
                    ctx.provenance());
            contexts.put(contextName, ctx);
        }
        return ctx;
    }

    private boolean hasCertificate(String secretKey) {
        SecretSpec secret = secrets.get(secretKey);
        return secret != null && secret.hasCertificate();
    }

    /** {@code name} or, with namespacing, {@code name.namespace}: the key of a Secret. */
    static String secretKey(String reference, String defaultNamespace, boolean namespacing) {
        int dot = reference.indexOf('.');
        if (namespacing && dot > 0) {
            return reference;
        }
        return reference + "." + defaultNamespace;
    }

    private static List<String> alpn(@Nullable String protocols) {
        if (protocols == null || protocols.isBlank()) {
            return List.of();
        }
        return Arrays.stream(protocols.split(",")).map(String::strip).filter(p -> !p.isEmpty()).toList();
    }

    private static List<String> nullToEmpty(@Nullable List<String> list) {
        return list == null ? List.of() : list;
    }
}
