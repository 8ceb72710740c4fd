package dev.legate.compiler.config;

import com.google.re2j.PatternSyntaxException;
import dev.legate.compiler.Diagnostic;
import dev.legate.model.AuthServiceSpec;
import dev.legate.model.CircuitBreaker;
import dev.legate.model.LogServiceSpec;
import dev.legate.model.RateLimitServiceSpec;
import dev.legate.model.TracingServiceSpec;
import dev.legate.model.HostSpec;
import dev.legate.model.ListenerSpec;
import dev.legate.model.MappingSpec;
import dev.legate.model.ModuleSpec;
import dev.legate.model.ResourceKey;
import dev.legate.model.Spec;
import dev.legate.model.TLSContextSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks a typed spec against the rules of its CRD schema that types alone cannot express: required fields, enums,
 * ranges and regular-expression syntax. Errors reject the resource; warnings keep it.
 */
final class SpecValidator {

    static final Set<String> TLS_VERSIONS = Set.of("v1.0", "v1.1", "v1.2", "v1.3");
    private static final Set<String> INSECURE_ACTIONS = Set.of("Redirect", "Reject", "Route");
    private static final Set<String> PROTOCOLS = Set.of("HTTP", "HTTPS", "HTTPPROXY", "HTTPSPROXY", "TCP", "TLS",
            "UDP");
    private static final Set<String> STACK_ELEMENTS = Set.of("HTTP", "PROXY", "TLS", "TCP", "UDP");
    private static final Set<String> SECURITY_MODELS = Set.of("XFP", "SECURE", "INSECURE");
    private static final Set<String> NAMESPACE_FROM = Set.of("SELF", "ALL", "SELECTOR");
    private static final Set<String> LB_POLICIES = Set.of("round_robin", "least_request", "ring_hash", "maglev");
    private static final Set<String> DNS_TYPES = Set.of("strict_dns", "logical_dns");
    private static final Set<Integer> REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);
    private static final Set<String> UNDERSCORE_ACTIONS = Set.of("ALLOW", "REJECT_REQUEST", "DROP_HEADER");
    private static final Set<String> CLIENT_CERT_DETAILS = Set.of("SANITIZE", "FORWARD_ONLY", "APPEND_FORWARD",
            "SANITIZE_SET", "ALWAYS_FORWARD_ONLY");

    private SpecValidator() {
    }

    static void validate(ResourceKey key, Spec spec, List<Diagnostic> out) {
        Checker check = new Checker(key, out);
        switch (spec) {
            case MappingSpec m -> mapping(check, m);
            case HostSpec h -> host(check, h);
            case ListenerSpec l -> listener(check, l);
            case TLSContextSpec t -> tlsContext(check, t);
            case ModuleSpec m -> module(key, check, m);
            case dev.legate.model.TCPMappingSpec t -> UpstreamRules.tcpMapping(key, t, out);
            case dev.legate.model.ResolverSpec r -> UpstreamRules.resolver(key, r, out);
            case AuthServiceSpec a -> ServiceSpecValidator.auth(key, a, out);
            case RateLimitServiceSpec r -> ServiceSpecValidator.rateLimit(key, r, out);
            case LogServiceSpec l -> ServiceSpecValidator.log(key, l, out);
            case TracingServiceSpec t -> ServiceSpecValidator.tracing(key, t, out);
            default -> {
            }
        }
    }

    private static void mapping(Checker check, MappingSpec m) {
        check.required("spec.prefix", m.prefix());
        boolean redirect = Boolean.TRUE.equals(m.hostRedirect());
        check.required("spec.service", m.service());
        keepalive(check, "spec.keepalive", m.keepalive());
        if (m.service() != null && m.service().isBlank()) {
            check.error("spec.service: must name a service (it is empty)");
        }
        if (Boolean.TRUE.equals(m.prefixRegex())) {
            check.regex("spec.prefix", m.prefix());
        } else if (m.prefix() != null && !m.prefix().isEmpty() && !m.prefix().startsWith("/")) {
            check.warning("spec.prefix: '" + m.prefix() + "' does not start with '/', so it can never match a path");
        }
        if (Boolean.TRUE.equals(m.hostRegex())) {
            check.regex("spec.host", m.host());
        }
        if (Boolean.TRUE.equals(m.methodRegex())) {
            check.regex("spec.method", m.method());
        }
        check.regexValues("spec.regex_headers", m.regexHeaders());
        check.regexValues("spec.regex_query_parameters", m.regexQueryParameters());
        if (m.regexRewrite() != null) {
            check.required("spec.regex_rewrite.pattern", m.regexRewrite().pattern());
            check.regex("spec.regex_rewrite.pattern", m.regexRewrite().pattern());
        }
        if (m.regexRedirect() != null) {
            check.regex("spec.regex_redirect.pattern", m.regexRedirect().pattern());
        }
        if (m.redirectResponseCode() != null && !REDIRECT_CODES.contains(m.redirectResponseCode())) {
            check.error("spec.redirect_response_code: " + m.redirectResponseCode()
                    + " is not one of 301, 302, 303, 307, 308");
        }
        if (m.weight() != null && (m.weight() < 0 || m.weight() > 100)) {
            check.error("spec.weight: " + m.weight() + " is out of range (expected 0 to 100)");
        }
        check.nonNegative("spec.timeout_ms", m.timeoutMs());
        check.nonNegative("spec.idle_timeout_ms", m.idleTimeoutMs());
        check.nonNegative("spec.connect_timeout_ms", m.connectTimeoutMs());
        check.nonNegative("spec.cluster_idle_timeout_ms", m.clusterIdleTimeoutMs());
        check.nonNegative("spec.cluster_max_connection_lifetime_ms", m.clusterMaxConnectionLifetimeMs());
        if (m.dnsType() != null && !DNS_TYPES.contains(m.dnsType().toLowerCase(Locale.ROOT))) {
            check.error("spec.dns_type: '" + m.dnsType() + "' is not one of strict_dns, logical_dns");
        }
        loadBalancer(check, "spec.load_balancer", m.loadBalancer());
        circuitBreakers(check, "spec.circuit_breakers", m.circuitBreakers());
        if (m.retryPolicy() != null && m.retryPolicy().numRetries() != null && m.retryPolicy().numRetries() < 0) {
            check.error("spec.retry_policy.num_retries: must not be negative");
        }
        if (m.outlierDetection() != null) {
            check.error("spec.outlier_detection: not supported (Emissary rejects it too)");
        }
        if (m.errorResponseOverrides() != null) {
            check.warning("spec.error_response_overrides: not supported in Emissary 4, ignored");
        }
        if (redirect && Boolean.TRUE.equals(m.shadow())) {
            check.warning("spec: at most one of host_redirect and shadow may be set; host_redirect is ignored");
        }
        if (m.hostname() != null && m.host() != null) {
            check.warning("spec: both host and hostname are set; hostname is used and host ignored");
        }
        if (m.hostname() != null) {
            hostGlob(check, "spec.hostname", m.hostname());
        }
    }

    private static void loadBalancer(Checker check, String field, MappingSpec.LoadBalancer lb) {
        if (lb == null) {
            return;
        }
        if (lb.policy() == null || !LB_POLICIES.contains(lb.policy())) {
            check.error(field + ".policy: '" + lb.policy() + "' is not one of round_robin, least_request, ring_hash, "
                    + "maglev");
            return;
        }
        int hashSources = (lb.cookie() != null ? 1 : 0) + (lb.header() != null ? 1 : 0)
                + (lb.sourceIp() != null ? 1 : 0);
        boolean hashing = lb.policy().equals("ring_hash") || lb.policy().equals("maglev");
        if (hashing && hashSources != 1) {
            check.error(field + ": " + lb.policy() + " needs exactly one of cookie, header, source_ip");
        } else if (!hashing && hashSources != 0) {
            check.error(field + ": " + lb.policy() + " takes no cookie, header or source_ip");
        }
        if (lb.cookie() != null && (lb.cookie().name() == null || lb.cookie().name().isEmpty())) {
            check.error(field + ".cookie.name: required");
        }
    }

    private static void circuitBreakers(Checker check, String field, List<CircuitBreaker> breakers) {
        if (breakers == null) {
            return;
        }
        for (int i = 0; i < breakers.size(); i++) {
            CircuitBreaker b = breakers.get(i);
            if (b == null) {
                check.error(field + "[" + i + "]: must be an object");
                continue;
            }
            if (b.priority() != null && !Set.of("default", "high").contains(b.priority().toLowerCase(Locale.ROOT))) {
                check.error(field + "[" + i + "].priority: '" + b.priority() + "' is not one of default, high");
            }
            for (Map.Entry<String, Integer> limit : Map.of("max_connections", nz(b.maxConnections()),
                    "max_pending_requests", nz(b.maxPendingRequests()), "max_requests", nz(b.maxRequests()),
                    "max_retries", nz(b.maxRetries())).entrySet()) {
                if (limit.getValue() < 0) {
                    check.error(field + "[" + i + "]." + limit.getKey() + ": must not be negative");
                }
            }
        }
    }

    private static int nz(Integer value) {
        return value == null ? 0 : value;
    }

    private static void host(Checker check, HostSpec h) {
        if (h.hostname() != null) {
            hostGlob(check, "spec.hostname", h.hostname());
        }
        if (h.requestPolicy() != null && h.requestPolicy().insecure() != null) {
            String action = h.requestPolicy().insecure().action();
            if (action != null && !INSECURE_ACTIONS.contains(action)) {
                check.error("spec.requestPolicy.insecure.action: '" + action
                        + "' is not one of Redirect, Reject, Route");
            }
            Integer port = h.requestPolicy().insecure().additionalPort();
            if (port != null && (port < -1 || port > 65535)) {
                check.error("spec.requestPolicy.insecure.additionalPort: " + port + " is not a port");
            }
        }
        if (h.tlsSecret() != null && (h.tlsSecret().name() == null || h.tlsSecret().name().isEmpty())) {
            check.error("spec.tlsSecret.name: required when tlsSecret is given");
        }
        if (h.tls() != null) {
            tlsVersion(check, "spec.tls.min_tls_version", h.tls().minTlsVersion());
            tlsVersion(check, "spec.tls.max_tls_version", h.tls().maxTlsVersion());
            if (h.tlsContext() != null && h.tlsContext().name() != null) {
                check.error("spec: tls and tlsContext are mutually exclusive (Emissary ignores such a Host)");
            }
        }
    }

    private static void listener(Checker check, ListenerSpec l) {
        if (l.port() == null) {
            check.error("spec.port: required");
        } else if (l.port() < 1 || l.port() > 65535) {
            check.error("spec.port: " + l.port() + " is not a TCP port (1 to 65535)");
        }
        // protocol is an enum in the CRD, which the API server enforces even when protocolStack takes precedence.
        boolean knownProtocol = l.protocol() == null || PROTOCOLS.contains(l.protocol());
        if (!knownProtocol) {
            check.error("spec.protocol: '" + l.protocol() + "' is not one of " + String.join(", ",
                    List.of("HTTP", "HTTPS", "HTTPPROXY", "HTTPSPROXY", "TCP", "TLS", "UDP")));
        }
        if (l.protocolStack() != null && !l.protocolStack().isEmpty()) {
            for (String element : l.protocolStack()) {
                if (!STACK_ELEMENTS.contains(element)) {
                    check.error("spec.protocolStack: '" + element + "' is not one of HTTP, PROXY, TLS, TCP, UDP");
                }
            }
            String last = l.protocolStack().get(l.protocolStack().size() - 1);
            if (!last.equals("TCP") && !last.equals("UDP")) {
                check.error("spec.protocolStack: the last element must be TCP or UDP");
            }
            if (l.protocol() != null && knownProtocol) {
                check.warning("spec: protocol and protocolStack are both set; protocolStack is used");
            }
        } else if (l.protocol() == null) {
            check.error("spec: one of protocol and protocolStack is required");
        }
        if (l.securityModel() == null) {
            check.error("spec.securityModel: required (XFP, SECURE or INSECURE)");
        } else if (!SECURITY_MODELS.contains(l.securityModel())) {
            check.error("spec.securityModel: '" + l.securityModel() + "' is not one of XFP, SECURE, INSECURE");
        }
        if (l.l7Depth() != null && l.l7Depth() < 0) {
            check.error("spec.l7Depth: must not be negative");
        }
        ListenerSpec.HostBinding binding = l.hostBinding();
        if (binding == null) {
            check.error("spec.hostBinding: required (for example namespace.from: ALL)");
        } else if (binding.namespace() == null && binding.selector() == null) {
            check.error("spec.hostBinding: needs namespace or selector");
        } else if (binding.namespace() != null) {
            String from = binding.namespace().from();
            if (from == null) {
                check.error("spec.hostBinding.namespace.from: required (SELF or ALL)");
            } else if (!NAMESPACE_FROM.contains(from.toUpperCase(Locale.ROOT))) {
                check.error("spec.hostBinding.namespace.from: '" + from + "' is not one of SELF, ALL, SELECTOR");
            }
        }
        if (binding != null && binding.selector() != null && binding.selector().matchLabels() == null) {
            check.error("spec.hostBinding.selector: only matchLabels is supported");
        }
    }

    private static void tlsContext(Checker check, TLSContextSpec t) {
        tlsVersion(check, "spec.min_tls_version", t.minTlsVersion());
        tlsVersion(check, "spec.max_tls_version", t.maxTlsVersion());
        if (t.redirectCleartextFrom() != null && (t.redirectCleartextFrom() < 1 || t.redirectCleartextFrom() > 65535)) {
            check.error("spec.redirect_cleartext_from: " + t.redirectCleartextFrom() + " is not a port");
        }
        if (t.hosts() != null) {
            for (String h : t.hosts()) {
                if (h == null || h.isEmpty()) {
                    check.error("spec.hosts: entries must be non-empty hostnames");
                }
            }
        }
    }

    private static void module(ResourceKey key, Checker check, ModuleSpec m) {
        if (m.config() == null) {
            check.error("spec.config: required");
            return;
        }
        if (!key.name().equals("ambassador")) {
            check.warning("only the Module named 'ambassador' configures the gateway; this one has no effect");
        }
        ModuleSpec.AmbassadorConfig c = m.config();
        if (c.headersWithUnderscoresAction() != null
                && !UNDERSCORE_ACTIONS.contains(c.headersWithUnderscoresAction())) {
            check.error("spec.config.headers_with_underscores_action: '" + c.headersWithUnderscoresAction()
                    + "' is not one of ALLOW, REJECT_REQUEST, DROP_HEADER");
        }
        if (c.forwardClientCertDetails() != null && !CLIENT_CERT_DETAILS.contains(c.forwardClientCertDetails())) {
            check.error("spec.config.forward_client_cert_details: '" + c.forwardClientCertDetails()
                    + "' is not one of " + String.join(", ", new java.util.TreeSet<>(CLIENT_CERT_DETAILS)));
        }
        keepalive(check, "spec.config.keepalive", c.keepalive());
        notCompiledYet(check, "header_case_overrides", c.headerCaseOverrides());
        notCompiledYet(check, "statsd", c.statsd());
        if (c.regexMaxSize() != null && c.regexMaxSize() < 1) {
            check.error("spec.config.regex_max_size: must be positive");
        }
        if (c.xffNumTrustedHops() != null && c.xffNumTrustedHops() < 0) {
            check.error("spec.config.xff_num_trusted_hops: must not be negative");
        }
        if (c.maxRequestHeadersKb() != null && (c.maxRequestHeadersKb() < 1 || c.maxRequestHeadersKb() > 8192)) {
            check.error("spec.config.max_request_headers_kb: must be between 1 and 8192");
        }
        check.nonNegative("spec.config.cluster_request_timeout_ms", c.clusterRequestTimeoutMs());
        check.nonNegative("spec.config.listener_idle_timeout_ms", c.listenerIdleTimeoutMs());
        loadBalancer(check, "spec.config.load_balancer", c.loadBalancer());
        circuitBreakers(check, "spec.config.circuit_breakers", c.circuitBreakers());
    }

    private static void keepalive(Checker check, String field,
            MappingSpec.@org.jspecify.annotations.Nullable KeepAlive k) {
        if (k == null) {
            return;
        }
        // Envoy wants keepalive_time and keepalive_interval of at least 1 second.
        if (k.idleTime() != null && k.idleTime() < 1) {
            check.error(field + ".idle_time: must be at least 1 (second)");
        }
        if (k.time() != null && k.time() < 1) {
            check.error(field + ".time: must be at least 1 (second)");
        }
        if (k.interval() != null && k.interval() < 1) {
            check.error(field + ".interval: must be at least 1 (second)");
        }
        if (k.probes() != null && k.probes() < 0) {
            check.error(field + ".probes: must not be negative");
        }
    }

    private static void notCompiledYet(Checker check, String key, @org.jspecify.annotations.Nullable Object value) {
        if (value != null) {
            check.warning("spec.config." + key + ": accepted but not compiled by this version of Legate; it has no "
                    + "effect yet");
        }
    }

    private static void tlsVersion(Checker check, String field, String version) {
        if (version != null && !TLS_VERSIONS.contains(version)) {
            check.error(field + ": '" + version + "' is not one of v1.0, v1.1, v1.2, v1.3");
        }
    }

    /** A DNS glob: labels of letters, digits, '-', '_', with at most one '*' at the start or the end, and a port. */
    private static void hostGlob(Checker check, String field, String glob) {
        if (glob.isEmpty()) {
            check.error(field + ": must not be empty");
            return;
        }
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            boolean ok = Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_' || c == '*' || c == ':'
                    || c == '[' || c == ']';
            if (!ok || c > 127) {
                check.error(field + ": '" + glob + "' contains '" + c + "', which cannot appear in a hostname");
                return;
            }
        }
        int stars = (int) glob.chars().filter(c -> c == '*').count();
        if (stars > 1 || (stars == 1 && !glob.equals("*") && !glob.startsWith("*") && !glob.endsWith("*"))) {
            check.warning(field + ": '" + glob + "' has a '*' that is not a whole leading or trailing label; "
                    + "it can only match literally");
        }
    }

    /** Collects findings for one resource. */
    private record Checker(ResourceKey key, List<Diagnostic> out) {

        void error(String message) {
            out.add(Diagnostic.error(key, message));
        }

        void warning(String message) {
            out.add(Diagnostic.warning(key, message));
        }

        void required(String field, String value) {
            if (value == null) {
                error(field + ": required");
            }
        }

        void nonNegative(String field, Long value) {
            if (value != null && value < 0) {
                error(field + ": must not be negative (" + value + ")");
            }
        }

        void regex(String field, String regex) {
            if (regex == null) {
                return;
            }
            try {
                com.google.re2j.Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                error(field + ": invalid regular expression (RE2 syntax): " + e.getDescription() + " in '" + regex
                        + "'");
            }
        }

        void regexValues(String field, Map<String, String> values) {
            if (values == null) {
                return;
            }
            for (Map.Entry<String, String> entry : values.entrySet()) {
                regex(field + "." + entry.getKey(), entry.getValue());
            }
        }
    }
}
