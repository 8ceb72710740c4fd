package dev.legate.compiler.ir;

import com.fasterxml.jackson.databind.JsonNode;
import dev.legate.compiler.Diagnostic;
import dev.legate.model.AuthServiceSpec;
import dev.legate.model.CircuitBreaker;
import dev.legate.model.LogServiceSpec;
import dev.legate.model.ModuleSpec;
import dev.legate.model.RateLimitServiceSpec;
import dev.legate.model.Resource;
import dev.legate.model.ResourceKey;
import dev.legate.model.TracingServiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * AuthService, RateLimitService, LogService and TracingService to their IR and clusters, as Emissary's irauth.py,
 * irratelimit.py, irlogservice.py and irtracing.py do; and the ambassador Module's HTTP filters
 * ({@link ModuleFilterCompiler}).
 */
final class ServiceCompiler {

    /** Headers Emissary always lets through to the authorization service (v3httpfilter.py). */
    static final List<String> DEFAULT_AUTH_REQUEST_HEADERS = List.of("authorization", "cookie", "from",
            "proxy-authorization", "user-agent", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto");
    /** Headers Emissary always takes from the authorization service's answer. */
    static final List<String> DEFAULT_AUTH_RESPONSE_HEADERS = List.of("authorization", "location",
            "proxy-authenticate", "set-cookie", "www-authenticate");

    private final IrSettings settings;
    private final ModuleSpec.AmbassadorConfig module;
    private final Map<String, IrTlsContext> contexts;
    private final List<Diagnostic> diagnostics;
    private final Map<String, IrCluster> clusters = new TreeMap<>();

    ServiceCompiler(IrSettings settings, ModuleSpec.AmbassadorConfig module, Map<String, IrTlsContext> contexts,
            List<Diagnostic> diagnostics) {
        this.settings = settings;
        this.module = module;
        this.contexts = contexts;
        this.diagnostics = diagnostics;
    }

    /** The services and the clusters they need (full name = Envoy name after shortening). */
    record Compiled(IrServices services, List<IrCluster> clusters) {
    }

    Compiled compile(ServiceInputs inputs) {
        IrAuth auth = auth(inputs.authServices());
        IrRateLimit rateLimit = rateLimit(inputs.rateLimitServices());
        IrTracing tracing = tracing(inputs.tracingServices());
        List<IrLogService> logs = new ArrayList<>();
        for (Resource<LogServiceSpec> r : inputs.logServices()) {
            IrLogService log = logService(r);
            if (log != null) {
                logs.add(log);
            }
        }
        IrModuleFilters filters = new ModuleFilterCompiler(module, moduleKey(), diagnostics).compile();
        IrFileLog fileLog = fileLog();
        Set<String> certDetails = clientCertDetails();
        moduleNotices();
        Map<String, String> envoyNames = ClusterNames.envoyNames(clusters.keySet());
        List<IrCluster> out = new ArrayList<>();
        for (IrCluster c : clusters.values()) {
            out.add(c.withEnvoyName(envoyNames.get(c.name())));
        }
        IrServices services = new IrServices(
                auth == null ? null : withCluster(auth, envoyNames.get(auth.cluster())),
                rateLimit == null ? null : new IrRateLimit(envoyNames.get(rateLimit.cluster()), rateLimit.domain(),
                        rateLimit.timeoutMs(), rateLimit.failureMode(), rateLimit.resourceExhausted(),
                        rateLimit.provenance()),
                tracing == null ? null : withCluster(tracing, envoyNames.get(tracing.cluster())),
                logs.stream().map(l -> new IrLogService(l.logName(), l.driver(), envoyNames.get(l.cluster()),
                        l.flushIntervalSeconds(), l.bufferSizeBytes(), l.requestHeaders(), l.responseHeaders(),
                        l.trailerHeaders(), l.provenance())).toList(),
                filters, fileLog, certDetails, authFailure(inputs, auth), runtimeFlags());
        return new Compiled(services, out);
    }

    private ResourceKey moduleKey() {
        return new ResourceKey("Module", "ambassador", settings.ambassadorNamespace());
    }

    // ---- Module keys read by the connection manager ---------------------------------------------------------

    private IrFileLog fileLog() {
        String type = module.envoyLogType() == null ? "text" : module.envoyLogType().toLowerCase(Locale.ROOT);
        JsonNode format = module.envoyLogFormat();
        switch (type) {
            case "text" -> {
                if (format != null && !format.isNull() && !format.isTextual()) {
                    diagnostics.add(Diagnostic.error(moduleKey(), "spec.config.envoy_log_format: envoy_log_type "
                            + "'text' requires a string; the default format is used"));
                }
                return IrFileLog.TEXT;
            }
            case "json", "typed_json" -> {
                if (format == null || format.isNull()) {
                    return new IrFileLog(IrFileLog.Format.JSON, null);
                }
                if (!format.isObject()) {
                    diagnostics.add(Diagnostic.error(moduleKey(), "spec.config.envoy_log_format: envoy_log_type '"
                            + type + "' requires an object of fields; the default fields are used"));
                    return new IrFileLog(IrFileLog.Format.JSON, null);
                }
                return new IrFileLog(IrFileLog.Format.JSON, format);
            }
            default -> {
                diagnostics.add(Diagnostic.error(moduleKey(), "spec.config.envoy_log_type: '" + module.envoyLogType()
                        + "' is not one of text, json, typed_json; text is used"));
                return IrFileLog.TEXT;
            }
        }
    }

    private static final Set<String> CERT_DETAILS = Set.of("subject", "cert", "chain", "dns",
            "uri");

    private Set<String> clientCertDetails() {
        JsonNode details = module.setCurrentClientCertDetails();
        if (details == null || details.isNull()) {
            return Set.of();
        }
        if (!details.isObject()) {
            diagnostics.add(Diagnostic.error(moduleKey(), "spec.config.set_current_client_cert_details: expected an "
                    + "object of subject, cert, chain, dns, uri; ignored"));
            return Set.of();
        }
        Set<String> out = new TreeSet<>();
        for (Map.Entry<String, JsonNode> e : details.properties()) {
            String field = "spec.config.set_current_client_cert_details." + e.getKey();
            if (!CERT_DETAILS.contains(e.getKey())) {
                diagnostics.add(Diagnostic.error(moduleKey(), field + ": may only contain keys cert, chain, dns, "
                        + "subject, uri; ignored"));
            } else if (!e.getValue().isBoolean()) {
                diagnostics.add(Diagnostic.error(moduleKey(), field + ": may only be true or false; ignored"));
            } else if (e.getValue().asBoolean()) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** The runtime flags Emissary passes on to Envoy, with the kind of value each takes. */
    private static final Map<String, RuntimeKind> RUNTIME_FLAGS = Map.of(
            "http.max_requests_per_io_cycle", RuntimeKind.POSITIVE,
            "overload.premature_reset_min_stream_lifetime_seconds", RuntimeKind.POSITIVE,
            "overload.premature_reset_total_stream_count", RuntimeKind.POSITIVE,
            "envoy.restart_features.send_goaway_for_premature_rst_streams", RuntimeKind.BOOLEAN);

    private enum RuntimeKind {
        POSITIVE, BOOLEAN
    }

    private List<IrRuntimeFlag> runtimeFlags() {
        JsonNode flags = module.runtimeFlags();
        if (flags == null || flags.isNull()) {
            return List.of();
        }
        if (!flags.isObject()) {
            diagnostics.add(Diagnostic.error(moduleKey(), "spec.config.runtime_flags: expected an object; ignored"));
            return List.of();
        }
        List<IrRuntimeFlag> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : new TreeMap<>(
                toMap(flags)).entrySet()) {
            String field = "spec.config.runtime_flags." + e.getKey();
            RuntimeKind kind = RUNTIME_FLAGS.get(e.getKey());
            JsonNode v = e.getValue();
            if (kind == null) {
                diagnostics.add(Diagnostic.warning(moduleKey(), field + ": not one of the flags passed to Envoy ("
                        + String.join(", ", new TreeSet<>(RUNTIME_FLAGS.keySet())) + "); ignored"));
            } else if (kind == RuntimeKind.POSITIVE) {
                if (v.isIntegralNumber() && v.asLong() > 0) {
                    out.add(new IrRuntimeFlag(e.getKey(), new IrRuntimeFlag.Number(v.asLong())));
                } else {
                    diagnostics.add(Diagnostic.error(moduleKey(), field + ": must be an integer greater than zero; "
                            + "ignored"));
                }
            } else if (v.isBoolean()) {
                out.add(new IrRuntimeFlag(e.getKey(), new IrRuntimeFlag.Flag(v.asBoolean())));
            } else {
                diagnostics.add(Diagnostic.error(moduleKey(), field + ": must be true or false; ignored"));
            }
        }
        return out;
    }

    private static Map<String, JsonNode> toMap(
            JsonNode object) {
        Map<String, JsonNode> out = new TreeMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** Module keys that Emissary 4 accepts but does not apply: said on the Module, as Emissary says it. */
    private void moduleNotices() {
        if (module.errorResponseOverrides() != null) {
            diagnostics.add(Diagnostic.error(moduleKey(), "spec.config.error_response_overrides: not supported in "
                    + "Emissary 4 and ignored"));
        }
        if (module.useProxyProto() != null) {
            diagnostics.add(Diagnostic.notice(moduleKey(), "spec.config.use_proxy_proto: has no effect since "
                    + "Emissary 2 (as in Emissary); add PROXY to a Listener's protocolStack instead"));
        }
    }

    // ---- AuthService ----------------------------------------------------------------------------------------

    /**
     * The AuthServices to one ext_authz filter and one cluster, as Emissary's IRAuth does with several ("auth
     * canary"): the first usable AuthService (by key) defines the filter and the cluster; each further one adds its
     * service to that cluster as one more endpoint, and its allowed headers to the filter's. A further AuthService
     * whose other settings differ (a filter setting, or the cluster's protocol, TLS, circuit breakers or stats name)
     * is an error naming each differing field, and is left out whole; the others keep working. (Emissary reports the
     * filter settings but then applies the last AuthService's, and a cluster mismatch drops the auth cluster
     * altogether.)
     */
    private @Nullable IrAuth auth(List<Resource<AuthServiceSpec>> resources) {
        Resource<AuthServiceSpec> first = null;
        List<AuthSetting> firstSettings = List.of();
        IrCluster firstCluster = null;
        List<IrCluster.HostPort> canaries = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        TreeSet<String> requestHeaders = new TreeSet<>(DEFAULT_AUTH_REQUEST_HEADERS);
        TreeSet<String> responseHeaders = new TreeSet<>(DEFAULT_AUTH_RESPONSE_HEADERS);
        for (Resource<AuthServiceSpec> r : resources) {
            AuthServiceSpec s = r.spec();
            boolean grpc = "grpc".equals(s.proto());
            IrCluster cluster = buildCluster(r.key(), r.namespace(), "extauth", s.authService(), s.tls(),
                    explicitTls(s.v2ExplicitTls()), s.statsName(), grpc ? Http2.YES : Http2.NO,
                    authCircuitBreakers(s));
            if (cluster == null) {
                continue;
            }
            if (s.includeBody() != null && Boolean.TRUE.equals(s.allowRequestBody())) {
                diagnostics.add(Diagnostic.notice(r.key(), "spec.allow_request_body is ignored because "
                        + "include_body is set"));
            }
            List<AuthSetting> mine = authSettings(s, cluster);
            if (first == null) {
                first = r;
                firstSettings = mine;
                firstCluster = cluster;
            } else {
                boolean conflict = false;
                for (int i = 0; i < mine.size(); i++) {
                    AuthSetting theirs = firstSettings.get(i);
                    if (!mine.get(i).value().equals(theirs.value())) {
                        conflict = true;
                        // TLS origination that differs while spec.tls does not comes from the service's scheme.
                        String field = mine.get(i).field().equals("spec.tls")
                                && java.util.Objects.equals(s.tls(), first.spec().tls())
                                ? "spec.auth_service" : mine.get(i).field();
                        diagnostics.add(Diagnostic.error(r.key(), field + ": " + mine.get(i).value()
                                + " differs from " + theirs.value() + " in " + first.key() + ", whose ext_authz "
                                + "filter and cluster this AuthService would join; AuthServices that share them may "
                                + "differ only in auth_service, so this one is not used"));
                    }
                }
                if (conflict) {
                    continue;
                }
                IrCluster.HostPort address = new IrCluster.HostPort(cluster.address(), cluster.port());
                if (!address.equals(new IrCluster.HostPort(firstCluster.address(), firstCluster.port()))
                        && !canaries.contains(address)) {
                    canaries.add(address);
                }
            }
            sources.add(r.key().toString());
            lowerCased(s.allowedRequestHeaders(), requestHeaders);
            lowerCased(s.allowedAuthorizationHeaders(), responseHeaders);
        }
        if (first == null || firstCluster == null) {
            return null;
        }
        Provenance provenance = new Provenance(sources);
        IrCluster cluster = canaries.isEmpty() && sources.size() == 1 ? firstCluster
                : firstCluster.withCanaries(canaries, provenance);
        clusters.put(cluster.name(), cluster);
        AuthServiceSpec s = first.spec();
        List<IrRoute.IrHeaderValue> add = new ArrayList<>();
        if (s.addAuthHeaders() != null) {
            new TreeMap<>(s.addAuthHeaders()).forEach((k, v) -> add.add(new IrRoute.IrHeaderValue(k, v, false)));
        }
        if (linkerd(s)) {
            add.add(new IrRoute.IrHeaderValue("l5d-dst-override", cluster.address() + ":" + cluster.port(), false));
        }
        String prefix = s.pathPrefix() == null ? "" : s.pathPrefix();
        String uriPrefix = prefix.startsWith("/") ? prefix.substring(1) : prefix;
        String serverUri = (cluster.originateTls() ? "https" : "http") + "://" + uriPrefix;
        return new IrAuth("grpc".equals(s.proto()) ? IrAuth.Proto.GRPC : IrAuth.Proto.HTTP, cluster.name(),
                serverUri, prefix, s.timeoutMs() == null ? 5000 : s.timeoutMs(), List.copyOf(requestHeaders),
                List.copyOf(responseHeaders), add, bodyLimit(s), Boolean.TRUE.equals(s.failureModeAllow()),
                s.statusOnError() == null ? null : s.statusOnError().code(),
                s.protocolVersion() == null ? "v2" : s.protocolVersion(), provenance);
    }

    /** One setting that every AuthService sharing the ext_authz filter must agree on, by its field's name. */
    private record AuthSetting(String field, String value) {
    }

    /** The settings of an AuthService that all of them must share, in a fixed order, their defaults applied. */
    private List<AuthSetting> authSettings(AuthServiceSpec s, IrCluster cluster) {
        IrAuth.BodyLimit body = bodyLimit(s);
        return List.of(
                new AuthSetting("spec.proto", s.proto() == null ? "http" : s.proto()),
                new AuthSetting("spec.protocol_version", s.protocolVersion() == null ? "v2" : s.protocolVersion()),
                new AuthSetting("spec.path_prefix", "'" + (s.pathPrefix() == null ? "" : s.pathPrefix()) + "'"),
                new AuthSetting("spec.timeout_ms", String.valueOf(s.timeoutMs() == null ? 5000 : s.timeoutMs())),
                new AuthSetting(s.includeBody() != null ? "spec.include_body" : "spec.allow_request_body",
                        body == null ? "no body" : "a body of up to " + body.maxBytes() + " bytes"
                                + (body.allowPartial() ? " (partial allowed)" : "")),
                new AuthSetting("spec.failure_mode_allow", String.valueOf(Boolean.TRUE.equals(s.failureModeAllow()))),
                new AuthSetting("spec.status_on_error", s.statusOnError() == null || s.statusOnError().code() == null
                        ? "Envoy's default (403)" : String.valueOf(s.statusOnError().code())),
                new AuthSetting("spec.add_auth_headers", s.addAuthHeaders() == null
                        ? "{}" : new TreeMap<>(s.addAuthHeaders()).toString()),
                new AuthSetting("spec.add_linkerd_headers", String.valueOf(linkerd(s))),
                new AuthSetting("spec.tls", cluster.originateTls()
                        ? "TLS" + (cluster.tlsContextName() == null ? "" : " with TLSContext "
                                + cluster.tlsContextName())
                        : "no TLS"),
                new AuthSetting("spec.circuit_breakers", cluster.circuitBreakers().isEmpty() ? "none"
                        : cluster.circuitBreakers().stream().map(ClusterNames::circuitBreakerPart).toList()
                                .toString()),
                new AuthSetting("spec.stats_name", s.statsName() == null || s.statsName().isEmpty() ? "none"
                        : "'" + s.statsName() + "'"));
    }

    private @Nullable List<CircuitBreaker> authCircuitBreakers(AuthServiceSpec s) {
        return s.circuitBreakers() != null ? s.circuitBreakers() : module.circuitBreakers();
    }

    private boolean linkerd(AuthServiceSpec s) {
        return s.addLinkerdHeaders() != null ? s.addLinkerdHeaders()
                : Boolean.TRUE.equals(module.addLinkerdHeaders());
    }

    private static IrAuth.@Nullable BodyLimit bodyLimit(AuthServiceSpec s) {
        if (s.includeBody() != null) {
            return new IrAuth.BodyLimit(s.includeBody().maxBytes() == null ? 4096 : s.includeBody().maxBytes(),
                    Boolean.TRUE.equals(s.includeBody().allowPartial()));
        }
        return Boolean.TRUE.equals(s.allowRequestBody()) ? new IrAuth.BodyLimit(4096, true) : null;
    }

    /** Which AuthService failed, when one was configured but none can be used. */
    private @Nullable String authFailure(ServiceInputs inputs, @Nullable IrAuth auth) {
        if (auth != null) {
            return null;
        }
        String failed = !inputs.rejectedAuthServices().isEmpty() ? inputs.rejectedAuthServices().get(0)
                : inputs.authServices().isEmpty() ? null : inputs.authServices().get(0).key().toString();
        if (failed != null) {
            diagnostics.add(Diagnostic.error(failed, "no AuthService can be used, so every request except the "
                    + "liveness and readiness probes is answered 500 until this is fixed (fail closed, as Emissary "
                    + "does)"));
        }
        return failed;
    }

    private static IrAuth withCluster(IrAuth a, String envoyName) {
        return new IrAuth(a.proto(), envoyName, a.serverUri(), a.pathPrefix(), a.timeoutMs(),
                a.allowedRequestHeaders(), a.allowedAuthorizationHeaders(), a.headersToAdd(), a.includeBody(),
                a.failureModeAllow(), a.statusOnError(), a.protocolVersion(), a.provenance());
    }

    private static void lowerCased(@Nullable List<String> headers, TreeSet<String> into) {
        if (headers != null) {
            headers.forEach(h -> into.add(h.toLowerCase(Locale.ROOT)));
        }
    }

    // ---- RateLimitService -----------------------------------------------------------------------------------

    private @Nullable IrRateLimit rateLimit(List<Resource<RateLimitServiceSpec>> resources) {
        if (resources.isEmpty()) {
            return null;
        }
        if (resources.size() > 1) {
            // Emissary refuses them all; so do we, on each, so that the choice is the user's.
            for (Resource<RateLimitServiceSpec> r : resources) {
                diagnostics.add(Diagnostic.error(r.key(), "only one RateLimitService is supported, got "
                        + resources.size() + "; none is used"));
            }
            return null;
        }
        Resource<RateLimitServiceSpec> r = resources.get(0);
        RateLimitServiceSpec s = r.spec();
        // No marker: Emissary names the rate limit cluster like a Mapping's (cluster_<service>_<namespace>).
        String clusterName = cluster(r.key(), r.namespace(), null, s.service(), s.tls(),
                explicitTls(s.v2ExplicitTls()), s.statsName(), Http2.YES, List.of());
        if (clusterName == null) {
            return null;
        }
        String domain = s.domain() != null && !s.domain().isEmpty() ? s.domain() : defaultLabelDomain(module);
        return new IrRateLimit(clusterName, domain, s.timeoutMs() == null ? 20 : s.timeoutMs(),
                Boolean.TRUE.equals(s.failureModeDeny()) ? IrRateLimit.FailureMode.DENY
                        : IrRateLimit.FailureMode.ALLOW,
                s.grpc() != null && Boolean.TRUE.equals(s.grpc().useResourceExhaustedCode())
                        ? IrRateLimit.GrpcLimitedStatus.RESOURCE_EXHAUSTED
                        : IrRateLimit.GrpcLimitedStatus.UNAVAILABLE,
                Provenance.of(r.key()));
    }

    static String defaultLabelDomain(ModuleSpec.AmbassadorConfig module) {
        return module.defaultLabelDomain() != null && !module.defaultLabelDomain().isEmpty()
                ? module.defaultLabelDomain() : "ambassador";
    }

    // ---- LogService -----------------------------------------------------------------------------------------

    private @Nullable IrLogService logService(Resource<LogServiceSpec> r) {
        LogServiceSpec s = r.spec();
        // Access log services speak gRPC only, so the cluster is always HTTP/2 (Emissary makes it HTTP/1.1 unless
        // grpc: true, and Envoy then cannot reach the service).
        if (Boolean.FALSE.equals(s.grpc())) {
            diagnostics.add(Diagnostic.notice(r.key(), "spec.grpc: false is ignored: an access log service speaks "
                    + "gRPC, so its cluster uses HTTP/2"));
        }
        String clusterName = cluster(r.key(), r.namespace(), "logging", s.service(), null, ClusterNames.TlsOrigination.NONE,
                s.statsName(), Http2.YES, List.of());
        if (clusterName == null) {
            return null;
        }
        IrLogService.Driver driver = "tcp".equals(s.driver()) ? IrLogService.Driver.TCP : IrLogService.Driver.HTTP;
        List<String> request = new ArrayList<>();
        List<String> response = new ArrayList<>();
        List<String> trailer = new ArrayList<>();
        if (driver == IrLogService.Driver.HTTP && s.driverConfig() != null
                && s.driverConfig().additionalLogHeaders() != null) {
            for (LogServiceSpec.AdditionalLogHeader h : s.driverConfig().additionalLogHeaders()) {
                if (h == null || h.headerName() == null) {
                    continue;
                }
                if (!Boolean.FALSE.equals(h.duringRequest())) {
                    request.add(h.headerName());
                }
                if (!Boolean.FALSE.equals(h.duringResponse())) {
                    response.add(h.headerName());
                }
                if (!Boolean.FALSE.equals(h.duringTrailer())) {
                    trailer.add(h.headerName());
                }
            }
        }
        return new IrLogService("logservice", driver, clusterName,
                s.flushIntervalTime() == null ? 1 : s.flushIntervalTime(),
                s.flushIntervalByteSize() == null ? 16384 : s.flushIntervalByteSize(), request, response, trailer,
                Provenance.of(r.key()));
    }

    // ---- TracingService -------------------------------------------------------------------------------------

    private @Nullable IrTracing tracing(List<Resource<TracingServiceSpec>> resources) {
        if (resources.isEmpty()) {
            return null;
        }
        if (resources.size() > 1) {
            for (Resource<TracingServiceSpec> r : resources) {
                diagnostics.add(Diagnostic.error(r.key(), "exactly one TracingService is supported, got "
                        + resources.size() + "; none is used"));
            }
            return null;
        }
        Resource<TracingServiceSpec> r = resources.get(0);
        TracingServiceSpec s = r.spec();
        IrTracing.Driver driver = switch (String.valueOf(s.driver())) {
            case "datadog" -> IrTracing.Driver.DATADOG;
            case "opentelemetry" -> IrTracing.Driver.OPENTELEMETRY;
            default -> IrTracing.Driver.ZIPKIN;
        };
        if (driver == IrTracing.Driver.OPENTELEMETRY) {
            diagnostics.add(Diagnostic.notice(r.key(), "the opentelemetry driver is work in progress in Envoy and "
                    + "Emissary alike; use it where both ends are trusted"));
        }
        String clusterName = cluster(r.key(), r.namespace(), "tracing", s.service(), null, ClusterNames.TlsOrigination.NONE,
                s.statsName(), driver == IrTracing.Driver.OPENTELEMETRY ? Http2.YES : Http2.NO, List.of());
        if (clusterName == null) {
            return null;
        }
        TracingServiceSpec.TraceConfig c = s.config();
        String endpoint = c == null ? null : c.collectorEndpoint();
        String version = c == null ? null : c.collectorEndpointVersion();
        Boolean id128 = c == null ? null : c.traceId128bit();
        String serviceName = c == null || c.serviceName() == null || c.serviceName().isEmpty() ? null
                : c.serviceName();
        if (driver == IrTracing.Driver.ZIPKIN) {
            endpoint = endpoint == null || endpoint.isEmpty() ? "/api/v2/spans" : endpoint;
            version = version == null || version.isEmpty() ? "HTTP_JSON" : version;
            id128 = id128 == null ? Boolean.TRUE : id128;
            serviceName = null;
        } else {
            endpoint = null;
            version = null;
            id128 = null;
            serviceName = serviceName == null ? "ambassador" : serviceName;
        }
        if (c != null && c.propagationModes() != null && !c.propagationModes().isEmpty()) {
            diagnostics.add(Diagnostic.warning(r.key(), "spec.config.propagation_modes: not supported by the Envoy "
                    + "API this version of Legate speaks; ignored"));
        }
        if (c != null && c.accessTokenFile() != null) {
            diagnostics.add(Diagnostic.warning(r.key(), "spec.config.access_token_file: used only by the lightstep "
                    + "driver, which Emissary 3.4 removed; ignored"));
        }
        if (c != null && c.collectorCluster() != null) {
            diagnostics.add(Diagnostic.warning(r.key(), "spec.config.collector_cluster: the collector's cluster is "
                    + "the one made from spec.service (as in Emissary, which overrides this key); ignored"));
        }
        List<IrTracing.CustomTag> tags = new ArrayList<>();
        if (s.customTags() != null) {
            for (TracingServiceSpec.CustomTag t : s.customTags()) {
                if (t.literal() != null) {
                    tags.add(new IrTracing.CustomTag(t.tag(), IrTracing.Source.LITERAL, t.literal().value(), null));
                } else if (t.environment() != null) {
                    tags.add(new IrTracing.CustomTag(t.tag(), IrTracing.Source.ENVIRONMENT, t.environment().name(),
                            t.environment().defaultValue()));
                } else if (t.requestHeader() != null) {
                    tags.add(new IrTracing.CustomTag(t.tag(), IrTracing.Source.REQUEST_HEADER,
                            t.requestHeader().name(), t.requestHeader().defaultValue()));
                }
            }
        }
        if (s.tagHeaders() != null && !s.tagHeaders().isEmpty()) {
            // Emissary 2+ silently drops the deprecated tag_headers; keep their meaning as request-header tags.
            for (String h : s.tagHeaders()) {
                tags.add(new IrTracing.CustomTag(h, IrTracing.Source.REQUEST_HEADER, h, null));
            }
            diagnostics.add(Diagnostic.notice(r.key(), "spec.tag_headers is deprecated; compiled as custom_tags "
                    + "request_header entries"));
        }
        TracingServiceSpec.Sampling sampling = s.sampling();
        return new IrTracing(driver, clusterName, endpoint, version, id128,
                c == null ? null : c.sharedSpanContext(), c == null ? null : c.collectorHostname(), serviceName,
                sampling == null ? null : sampling.client(), sampling == null ? null : sampling.random(),
                sampling == null ? null : sampling.overall(), tags, Provenance.of(r.key()));
    }

    private static IrTracing withCluster(IrTracing t, String envoyName) {
        return new IrTracing(t.driver(), envoyName, t.collectorEndpoint(), t.collectorEndpointVersion(),
                t.traceId128bit(), t.sharedSpanContext(), t.collectorHostname(), t.serviceName(), t.clientSampling(),
                t.randomSampling(), t.overallSampling(), t.customTags(), t.provenance());
    }

    // ---- clusters -------------------------------------------------------------------------------------------

    private enum Http2 {
        YES, NO
    }

    /** A v2 {@code tls: true} (kept by conversion as v2ExplicitTLS): originate TLS without a TLSContext. */
    private static ClusterNames.TlsOrigination explicitTls(@Nullable JsonNode v2ExplicitTls) {
        return v2ExplicitTls != null && "bool:true".equals(v2ExplicitTls.path("tls").asText(""))
                ? ClusterNames.TlsOrigination.EXPLICIT : ClusterNames.TlsOrigination.NONE;
    }

    /**
     * Builds the cluster of a service as Emissary's IRCluster does (name fields: cluster, marker, service, otls and
     * context, namespace, circuit breakers); returns its full name, or null when it cannot exist.
     */
    private @Nullable String cluster(ResourceKey key, String namespace, @Nullable String marker,
            @Nullable String serviceText, @Nullable String tlsName, ClusterNames.TlsOrigination explicitTls,
            @Nullable String statsName, Http2 http2, @Nullable List<CircuitBreaker> breakers) {
        IrCluster built = buildCluster(key, namespace, marker, serviceText, tlsName, explicitTls, statsName, http2,
                breakers);
        if (built == null) {
            return null;
        }
        clusters.putIfAbsent(built.name(), built);
        return built.name();
    }

    /** The cluster of a service (see {@link #cluster}), not yet added; null (and diagnosed) when it cannot exist. */
    private @Nullable IrCluster buildCluster(ResourceKey key, String namespace, @Nullable String marker,
            @Nullable String serviceText, @Nullable String tlsName, ClusterNames.TlsOrigination explicitTls,
            @Nullable String statsName, Http2 http2, @Nullable List<CircuitBreaker> breakers) {
        String field = key.kind().equals("AuthService") ? "spec.auth_service" : "spec.service";
        if (serviceText == null || serviceText.isBlank()) {
            diagnostics.add(Diagnostic.error(key, field + ": required; the " + key.kind() + " is not used"));
            return null;
        }
        ServiceName service;
        try {
            // The service resolver uses the name as written (Emissary does not qualify these with the namespace).
            service = ServiceName.parse(serviceText, namespace, settings.ambassadorNamespace(), false);
        } catch (ServiceName.MalformedServiceException e) {
            diagnostics.add(Diagnostic.error(key, field + ": " + e.getMessage() + "; the " + key.kind()
                    + " is not used"));
            return null;
        }
        List<String> fields = new ArrayList<>();
        fields.add("cluster");
        if (marker != null) {
            fields.add(marker);
        }
        fields.add(service.normalized());
        IrTlsContext ctx = null;
        if (tlsName != null && !tlsName.isEmpty()) {
            ctx = contexts.get(tlsName);
            if (ctx == null) {
                diagnostics.add(Diagnostic.error(key, "spec.tls: TLSContext " + tlsName + " does not exist; the "
                        + key.kind() + " is not used"));
                return null;
            }
        }
        if ("http".equals(service.scheme()) && ctx != null) {
            diagnostics.add(Diagnostic.warning(key, "spec.tls: TLSContext " + tlsName + " originates TLS even "
                    + "though the service says http://"));
        }
        List<String> origination = ClusterNames.originationParts(service.scheme(), ctx, explicitTls);
        boolean originate = !origination.isEmpty();
        fields.addAll(origination);
        fields.add(namespace);
        List<CircuitBreaker> cbs = breakers == null ? List.of() : breakers;
        for (CircuitBreaker b : cbs) {
            fields.add(ClusterNames.circuitBreakerPart(b));
        }
        String name = ClusterNames.sanitize(String.join("_", fields));
        IrCluster existing = clusters.get(name);
        if (existing != null) {
            return existing;
        }
        int port = service.port() >= 0 ? service.port() : originate ? 443 : 80;
        boolean ipv4 = settings.enableIpv4();
        boolean ipv6 = settings.enableIpv6();
        String family = ipv6 ? (ipv4 ? "AUTO" : "V6_ONLY") : "V4_ONLY";
        String stats = statsName != null && !statsName.isEmpty() ? statsName
                : ClusterNames.sanitize(service.normalized().replaceFirst("^[a-z]+://", ""));
        return new IrCluster(name, name, stats, "STRICT_DNS", "ROUND_ROBIN", 3000, service.hostname(),
                port, http2 == Http2.YES, originate, ctx == null ? null : ctx.name(),
                originate && ctx != null ? ctx.sni() : null, cbs, settings.clusterIdleTimeoutMs(),
                settings.clusterMaxConnectionLifetimeMs(), false, family, Provenance.of(key), null,
                module.keepalive());
    }
}
