package dev.legate.bench;

import dev.legate.compiler.Diagnostic;
import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.config.YamlDocuments;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Generates a realistic, deterministic Emissary configuration for benchmarks: two Listeners (8080 HTTP and 8443
 * HTTPS, securityModel XFP, hostBinding from ALL namespaces), three Hosts (a cleartext {@code *} Host that routes
 * insecure requests, and two TLS Hosts backed by {@code kubernetes.io/tls} Secrets, one of them with a
 * mappingSelector), core v1 Services, and Mappings spread over several namespaces and files with a seeded mix of the
 * features people use: hostnames and globs, label selection, header / regex header / query matches, methods,
 * precedence, canary groups with weights, shadows, host redirects, rewrites, timeouts, retry policies, CORS, added
 * and removed headers, TLS origination ({@code https://} services), circuit breakers, load balancers, gRPC,
 * {@code bypass_auth}, rate-limit {@code labels} and {@code auth_context_extensions}, ...; and an AuthService, a
 * RateLimitService and a TracingService.
 *
 * <p>Upstreams: every fifth Service is routed through the endpoint resolver (its Mappings, about a fifth of all,
 * say {@code resolver: endpoint}, and only they use load balancer policies) and has an Endpoints object with 10
 * ready addresses; one TCPMapping per 20 Mappings, most of them TLS by SNI ({@code tcp-N.apps.example.com}) on a TLS
 * Listener on 8500, a tenth cleartext on a port of their own (each with its own TCP Listener). The TCPMappings draw
 * from a random stream of their own, so their number does not change the HTTP mix.
 *
 * <p>The same settings (and seed) always give byte-identical files. Every generated resource is meant to be valid:
 * compiling the output should produce no error diagnostics.
 *
 * <pre>
 * java -cp ... dev.legate.bench.ConfigGenerator --mappings 10000 --services 500 --out DIR [--seed N]
 * java -cp ... dev.legate.bench.ConfigGenerator --size small|large --out DIR
 * </pre>
 */
public final class ConfigGenerator {

    public static final long DEFAULT_SEED = 0x1e6a7eL;
    /** The namespace Emissary (and Legate) run in; the compiler's default. */
    public static final String AMBASSADOR_NAMESPACE = "default";
    public static final List<String> NAMESPACES = List.of("default", "shop", "payments", "identity", "search",
            "media", "analytics", "platform");
    /** Mappings per generated file. */
    static final int MAPPINGS_PER_FILE = 100;

    /** The sizes the benchmarks use. */
    public enum Size {
        SMALL(1_000, 50), LARGE(10_000, 500);

        public final int mappings;
        public final int services;

        Size(int mappings, int services) {
            this.mappings = mappings;
            this.services = services;
        }
    }

    /** What to generate. */
    public record Settings(int mappings, int services, long seed) {

        public Settings {
            if (mappings < 1 || services < 1) {
                throw new IllegalArgumentException("mappings and services must be positive");
            }
        }

        public static Settings of(Size size) {
            return new Settings(size.mappings, size.services, DEFAULT_SEED);
        }

        /** The benchmarks' convention: one Service per 20 Mappings. */
        public static Settings forMappings(int mappings) {
            return new Settings(mappings, Math.max(1, mappings / 20), DEFAULT_SEED);
        }
    }

    /** The generated files, by relative path, and how often each feature was used. */
    public record Generated(Map<String, String> files, Map<String, Integer> features) {
    }

    private static final String[] SERVICE_WORDS = {"orders", "cart", "catalog", "checkout", "payments", "billing",
        "invoice", "users", "auth", "profile", "search", "recommend", "media", "images", "video", "analytics",
        "events", "metrics", "notify", "email", "inventory", "shipping", "pricing", "reviews", "ratings", "gateway",
        "config", "audit", "reports", "feeds"};
    private static final String[] SERVICE_KINDS = {"api", "svc", "backend", "web", "worker", "core"};
    private static final String[] RESOURCES = {"items", "orders", "users", "search", "status", "config", "events",
        "files", "reports", "sessions", "tokens", "carts", "products", "prices", "reviews", "images", "jobs",
        "metrics", "alerts", "settings"};
    private static final String[] APPS = {"shop", "admin", "docs", "status", "beta", "partners", "dev", "console"};
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH"};
    private static final String[] RETRY_ON = {"5xx", "gateway-error", "connect-failure", "retriable-4xx",
        "reset"};

    private enum Kind { HTTP80, HTTP8080, HTTPS443, GRPC }

    private record Service(String name, String namespace, Kind kind) {
    }

    /** A Mapping that others may join (canaries, a shadow). */
    private static final class Base {
        final String name;
        final String namespace;
        final Map<String, String> labels;
        final Map<String, Object> match;
        final Kind kind;
        int canaries;
        int weightUsed;
        boolean shadowed;

        Base(String name, String namespace, Map<String, String> labels, Map<String, Object> match, Kind kind) {
            this.name = name;
            this.kind = kind;
            this.namespace = namespace;
            this.labels = labels;
            this.match = match;
        }
    }

    private final Settings settings;
    private final Random rng;
    private final List<Service> services = new ArrayList<>();
    private final Map<String, List<Service>> servicesByNamespace = new LinkedHashMap<>();
    private final Map<String, List<Map<String, Object>>> mappingsByNamespace = new LinkedHashMap<>();
    private final Set<String> prefixes = new HashSet<>();
    private final Set<String> names = new HashSet<>();
    private final List<Base> bases = new ArrayList<>();
    private final Map<String, Integer> features = new TreeMap<>();
    /** Upstream features (TCPMappings) draw from their own stream, leaving the HTTP mix as it was. */
    private final Random upstreamRng;
    private final Set<Service> endpointServices = new java.util.LinkedHashSet<>();

    private ConfigGenerator(Settings settings) {
        this.settings = settings;
        this.rng = new Random(settings.seed());
        this.upstreamRng = new Random(settings.seed() ^ 0x75b57e4aL);
    }

    // ---------------------------------------------------------------- entry points

    public static Generated generate(Settings settings) {
        return new ConfigGenerator(settings).run();
    }

    /** Writes the files under {@code dir} (created if missing); returns the number of files. */
    public static Generated write(Settings settings, Path dir) throws IOException {
        Generated generated = generate(settings);
        for (Map.Entry<String, String> file : generated.files().entrySet()) {
            Path path = dir.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
        }
        return generated;
    }

    /**
     * Parses the generated files in memory, in the order {@code ConfigDirectory.read} would read them from disk (path
     * order), into the snapshot {@code legate compile} would compile.
     */
    public static ResourceSnapshot snapshot(Settings settings) {
        Generated generated = generate(settings);
        List<String> paths = new ArrayList<>(generated.files().keySet());
        paths.sort(Comparator.comparing(Path::of));
        List<RawDocument> documents = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (String path : paths) {
            YamlDocuments.Parsed parsed = YamlDocuments.parse(path, generated.files().get(path));
            documents.addAll(parsed.documents());
            diagnostics.addAll(parsed.diagnostics());
        }
        return new ResourceSnapshot(documents, diagnostics);
    }

    public static void main(String[] args) throws IOException {
        Integer mappings = null;
        Integer serviceCount = null;
        long seed = DEFAULT_SEED;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--mappings" -> mappings = Integer.parseInt(next(args, ++i, arg));
                case "--services" -> serviceCount = Integer.parseInt(next(args, ++i, arg));
                case "--seed" -> seed = Long.parseLong(next(args, ++i, arg));
                case "--out" -> out = Path.of(next(args, ++i, arg));
                case "--size" -> {
                    Size size = Size.valueOf(next(args, ++i, arg).toUpperCase(Locale.ROOT));
                    mappings = size.mappings;
                    serviceCount = size.services;
                }
                case "-h", "--help" -> {
                    usage();
                    return;
                }
                default -> {
                    System.err.println("unknown argument: " + arg);
                    usage();
                    System.exit(2);
                }
            }
        }
        if (out == null) {
            System.err.println("--out DIR is required");
            usage();
            System.exit(2);
        }
        int m = mappings == null ? Size.LARGE.mappings : mappings;
        int s = serviceCount == null ? Math.max(1, m / 20) : serviceCount;
        Generated generated = write(new Settings(m, s, seed), out);
        long bytes = generated.files().values().stream().mapToLong(t -> t.getBytes(StandardCharsets.UTF_8).length)
                .sum();
        System.out.printf("wrote %d files (%d bytes) to %s: %d Mappings, %d TCPMappings, %d Services, 3 Hosts, "
                + "2 Secrets, an AuthService, a RateLimitService, a TracingService (seed %d)%n",
                generated.files().size(), bytes, out, m, m / 20, s, seed);
        StringBuilder f = new StringBuilder("features:");
        generated.features().forEach((k, v) -> f.append(' ').append(k).append('=').append(v));
        System.out.println(f);
    }

    private static String next(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static void usage() {
        System.err.println("usage: ConfigGenerator (--mappings N [--services N] | --size small|large) --out DIR "
                + "[--seed N]");
    }

    // ---------------------------------------------------------------- generation

    private Generated run() {
        Map<String, String> files = new TreeMap<>();
        NAMESPACES.forEach(ns -> {
            servicesByNamespace.put(ns, new ArrayList<>());
            mappingsByNamespace.put(ns, new ArrayList<>());
        });
        makeServices();
        for (int i = 0; i < settings.mappings(); i++) {
            makeMapping(i);
        }

        StringBuilder listeners = new StringBuilder();
        Yaml.document(listeners, listener("emissary-ingress-listener-8080", 8080, "HTTP"));
        Yaml.document(listeners, listener("emissary-ingress-listener-8443", 8443, "HTTPS"));
        Yaml.document(listeners, listener("emissary-ingress-listener-8500", 8500, "TLS"));
        files.put("00-listeners.yaml", listeners.toString());

        StringBuilder hosts = new StringBuilder();
        Yaml.document(hosts, wildcardHost());
        Yaml.document(hosts, apiHost());
        Yaml.document(hosts, appsHost());
        files.put("01-hosts.yaml", hosts.toString());

        StringBuilder gatewayServices = new StringBuilder();
        Yaml.document(gatewayServices, gatewayService("AuthService", "authentication", ordered("auth_service",
                "ext-auth.platform:3000", "proto", "http", "path_prefix", "/extauth", "timeout_ms", 2000,
                "allowed_request_headers", List.of("x-tenant", "x-request-id"),
                "allowed_authorization_headers", List.of("x-user-id"))));
        Yaml.document(gatewayServices, gatewayService("RateLimitService", "ratelimit", ordered("service",
                "ratelimit.platform:8081", "protocol_version", "v3", "domain", "ambassador", "timeout_ms", 50)));
        Yaml.document(gatewayServices, gatewayService("TracingService", "tracing", ordered("driver", "zipkin",
                "service", "zipkin.platform:9411", "sampling", ordered("random", 10),
                "custom_tags", List.of(ordered("tag", "tenant", "request_header", ordered("name", "x-tenant"))))));
        files.put("03-gateway-services.yaml", gatewayServices.toString());
        count("auth-service");
        count("ratelimit-service");
        count("tracing-service");

        StringBuilder secrets = new StringBuilder();
        Yaml.document(secrets, tlsSecret("api-example-com-tls", "api-example-com"));
        Yaml.document(secrets, tlsSecret("apps-example-com-tls", "apps-example-com"));
        files.put("02-tls-secrets.yaml", secrets.toString());

        for (Map.Entry<String, List<Service>> e : servicesByNamespace.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            StringBuilder text = new StringBuilder();
            e.getValue().forEach(svc -> Yaml.document(text, serviceObject(svc)));
            files.put("services/" + e.getKey() + ".yaml", text.toString());
        }
        for (Map.Entry<String, List<Map<String, Object>>> e : tcpMappings().entrySet()) {
            StringBuilder text = new StringBuilder();
            e.getValue().forEach(doc -> Yaml.document(text, doc));
            files.put("tcpmappings/" + e.getKey() + ".yaml", text.toString());
        }
        if (!tcpListeners.isEmpty()) {
            StringBuilder text = new StringBuilder();
            tcpListeners.forEach(doc -> Yaml.document(text, doc));
            files.put("03-tcp-listeners.yaml", text.toString());
        }
        Map<String, StringBuilder> endpoints = new TreeMap<>();
        for (Service svc : services) {
            if (endpointServices.contains(svc)) {
                Yaml.document(endpoints.computeIfAbsent(svc.namespace(), k -> new StringBuilder()),
                        endpointsObject(svc));
            }
        }
        endpoints.forEach((ns, text) -> files.put("services/endpoints-" + ns + ".yaml", text.toString()));
        for (Map.Entry<String, List<Map<String, Object>>> e : mappingsByNamespace.entrySet()) {
            List<Map<String, Object>> list = e.getValue();
            for (int start = 0, file = 0; start < list.size(); start += MAPPINGS_PER_FILE, file++) {
                StringBuilder text = new StringBuilder();
                for (Map<String, Object> mapping : list.subList(start, Math.min(list.size(),
                        start + MAPPINGS_PER_FILE))) {
                    Yaml.document(text, mapping);
                }
                files.put(String.format(Locale.ROOT, "mappings/%s/%s-mappings-%03d.yaml", e.getKey(), e.getKey(),
                        file), text.toString());
            }
        }
        return new Generated(files, features);
    }

    private void count(String feature) {
        features.merge(feature, 1, Integer::sum);
    }

    private boolean chance(double p) {
        return rng.nextDouble() < p;
    }

    private <T> T pick(T[] values) {
        return values[rng.nextInt(values.length)];
    }

    private void makeServices() {
        for (int i = 0; i < settings.services(); i++) {
            String name = SERVICE_WORDS[i % SERVICE_WORDS.length] + "-"
                    + SERVICE_KINDS[(i / SERVICE_WORDS.length) % SERVICE_KINDS.length];
            int round = i / (SERVICE_WORDS.length * SERVICE_KINDS.length);
            if (round > 0) {
                name = name + "-" + (round + 1);
            }
            double p = rng.nextDouble();
            Kind kind = p < 0.75 ? Kind.HTTP80 : p < 0.90 ? Kind.HTTP8080 : p < 0.96 ? Kind.HTTPS443 : Kind.GRPC;
            String ns = NAMESPACES.get(rng.nextInt(NAMESPACES.size()));
            Service svc = new Service(name, ns, kind);
            services.add(svc);
            servicesByNamespace.get(ns).add(svc);
        }
    }

    /** A skewed pick: a few services get many Mappings, most get a handful, as in real clusters. */
    private Service pickService() {
        int n = services.size();
        return services.get(Math.min(n - 1, (int) (n * Math.pow(rng.nextDouble(), 1.6))));
    }

    private String serviceRef(Service svc, boolean sameNamespace) {
        String n = svc.name();
        String ns = svc.namespace();
        double p = rng.nextDouble();
        return switch (svc.kind()) {
            case HTTP80 -> sameNamespace
                    ? (p < 0.5 ? n : p < 0.75 ? n + "." + ns : p < 0.9 ? n + "." + ns + ":80"
                            : n + "." + ns + ".svc.cluster.local")
                    : (p < 0.6 ? n + "." + ns : p < 0.8 ? n + "." + ns + ":80"
                            : n + "." + ns + ".svc.cluster.local:80");
            case HTTP8080 -> sameNamespace && p < 0.5 ? n + ":8080" : n + "." + ns + ":8080";
            case HTTPS443 -> p < 0.5 ? "https://" + n + "." + ns : "https://" + n + "." + ns + ":443";
            case GRPC -> sameNamespace && p < 0.5 ? n + ":8080" : n + "." + ns + ":8080";
        };
    }

    private String uniqueName(String namespace, String wanted) {
        String name = wanted;
        for (int k = 2; !names.add(namespace + "/" + name); k++) {
            name = wanted + "-" + k;
        }
        return name;
    }

    /** {@code wanted} or, when some Mapping already uses that prefix, a numbered variant of it. */
    private String uniquePrefix(String wanted) {
        if (prefixes.add(wanted)) {
            return wanted;
        }
        boolean slash = wanted.endsWith("/");
        String stem = slash ? wanted.substring(0, wanted.length() - 1) : wanted;
        for (int k = 2;; k++) {
            String candidate = stem + "-" + k + (slash ? "/" : "");
            if (prefixes.add(candidate)) {
                return candidate;
            }
        }
    }

    private void makeMapping(int i) {
        double role = rng.nextDouble();
        if (!bases.isEmpty() && role < 0.05) {
            Base base = bases.get(rng.nextInt(bases.size()));
            if (base.canaries < 2 && base.weightUsed <= 40) {
                canary(base);
                return;
            }
        } else if (!bases.isEmpty() && role < 0.055) {
            Base base = bases.get(rng.nextInt(bases.size()));
            if (!base.shadowed) {
                shadow(base);
                return;
            }
        } else if (role < 0.06) {
            redirect(i);
            return;
        }
        ordinary();
    }

    private static Map<String, Object> gatewayService(String kind, String name, Map<String, Object> spec) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", "getambassador.io/v3alpha1");
        doc.put("kind", kind);
        doc.put("metadata", ordered("name", name, "namespace", AMBASSADOR_NAMESPACE));
        doc.put("spec", spec);
        return doc;
    }

    private Map<String, Object> metadata(String name, String namespace, Map<String, String> labels) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        metadata.put("namespace", namespace);
        if (!labels.isEmpty()) {
            metadata.put("labels", labels);
        }
        return metadata;
    }

    private Map<String, Object> mappingObject(String name, String namespace, Map<String, String> labels,
            Map<String, Object> spec) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", "getambassador.io/v3alpha1");
        doc.put("kind", "Mapping");
        doc.put("metadata", metadata(name, namespace, labels));
        doc.put("spec", spec);
        mappingsByNamespace.get(namespace).add(doc);
        count("mappings");
        return doc;
    }

    private void ordinary() {
        Service svc = pickService();
        boolean sameNamespace = chance(0.88);
        String namespace = svc.namespace();
        if (!sameNamespace) {
            List<String> others = NAMESPACES.stream().filter(n -> !n.equals(svc.namespace())).toList();
            namespace = others.get(rng.nextInt(others.size()));
            count("cross-namespace-service");
        }
        String resource = pick(RESOURCES);
        int version = 1 + rng.nextInt(3);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app", svc.name());
        labels.put("team", svc.namespace());

        Map<String, Object> match = new LinkedHashMap<>();
        // Hostname (or, for a few, label selection only).
        double h = rng.nextDouble();
        if (h < 0.55) {
            match.put("hostname", "*");
            if (chance(0.12)) {
                labels.put("exposure", "apps");
                count("selector-label+hostname-*");
            }
        } else if (h < 0.80) {
            match.put("hostname", "api.example.com");
            count("hostname-api");
        } else if (h < 0.88) {
            match.put("hostname", pick(APPS) + ".apps.example.com");
            labels.put("exposure", "apps");
            count("hostname-apps");
        } else if (h < 0.93) {
            labels.put("exposure", "apps");
            count("selector-only");
        } else if (h < 0.985) {
            match.put("hostname", "*.example.com");
            count("hostname-glob");
        } else {
            match.put("host", "^(api|www)[0-9]*\\.example\\.com$");
            match.put("host_regex", true);
            count("host-regex");
        }

        // Path.
        String prefix;
        if (svc.kind() == Kind.GRPC) {
            String word = svc.name().substring(0, svc.name().indexOf('-'));
            prefix = uniquePrefix("/" + word + ".v" + version + "." + capitalize(resource) + "Service/");
            count("grpc");
        } else if (chance(0.01)) {
            prefix = uniquePrefix("/" + svc.name() + "/v[0-9]+/" + resource + "/[0-9a-f-]+");
            match.put("prefix_regex", true);
            count("prefix-regex");
        } else if (chance(0.02)) {
            prefix = uniquePrefix("/" + svc.name() + "/v" + version + "/" + resource + "/healthz");
            match.put("prefix_exact", true);
            count("prefix-exact");
        } else {
            prefix = uniquePrefix("/" + svc.name() + "/v" + version + "/" + resource + "/");
        }
        match.put("prefix", prefix);

        // Request matches.
        if (chance(0.08)) {
            Map<String, Object> headers = new LinkedHashMap<>();
            headers.put("x-tenant", "tenant-" + rng.nextInt(50));
            if (chance(0.25)) {
                headers.put("x-api-version", String.valueOf(1 + rng.nextInt(3)));
            }
            match.put("headers", headers);
            count("headers");
        } else if (chance(0.01)) {
            match.put("headers", ordered("x-debug", true));
            count("headers-presence");
        }
        if (chance(0.04)) {
            match.put("regex_headers", ordered("x-client-version", "^2\\.[0-9]+(\\.[0-9]+)?$"));
            count("regex_headers");
        }
        if (chance(0.03)) {
            match.put("query_parameters", ordered("variant", pick(new String[] {"a", "b", "beta"})));
            count("query_parameters");
        } else if (chance(0.01)) {
            match.put("regex_query_parameters", ordered("page", "^[0-9]+$"));
            count("regex_query_parameters");
        }
        if (chance(0.10)) {
            match.put("method", pick(METHODS));
            count("method");
        } else if (chance(0.01)) {
            match.put("method", "GET|HEAD");
            match.put("method_regex", true);
            count("method-regex");
        }
        if (chance(0.03)) {
            match.put("precedence", 1 + rng.nextInt(10));
            count("precedence");
        }
        if (chance(0.02)) {
            match.put("case_sensitive", false);
            count("case-insensitive");
        }

        Map<String, Object> spec = new LinkedHashMap<>(match);
        spec.put("service", serviceRef(svc, sameNamespace));
        endpointResolver(spec, svc);
        if (svc.kind() == Kind.GRPC) {
            spec.put("grpc", true);
        }
        if (svc.kind() == Kind.HTTPS443) {
            count("https-service");
            if (chance(0.4)) {
                spec.put("host_rewrite", svc.name() + ".internal.example.com");
                count("host_rewrite");
            }
        }
        if (chance(0.01) && !match.containsKey("prefix_regex")) {
            spec.put("regex_rewrite", ordered("pattern", "^/" + svc.name() + "/v[0-9]+/(.*)$",
                    "substitution", "/\\1"));
            count("regex_rewrite");
        } else {
            double r = rng.nextDouble();
            if (r < 0.20) {
                spec.put("rewrite", "");
                count("rewrite");
            } else if (r < 0.30) {
                spec.put("rewrite", "/api/");
                count("rewrite");
            } else if (r < 0.35) {
                spec.put("rewrite", "/" + resource + "/");
                count("rewrite");
            }
        }
        commonOptions(spec, svc);

        // Cluster-shaping options (a canary joining this group leaves them unset, as Emissary requires).
        if (chance(0.02)) {
            Map<String, Object> breaker = new LinkedHashMap<>();
            breaker.put("max_connections", 2048);
            breaker.put("max_pending_requests", 1024);
            breaker.put("max_requests", 4096);
            breaker.put("max_retries", 3);
            spec.put("circuit_breakers", List.of(breaker));
            count("circuit_breakers");
        }
        // Load balancing needs endpoints: only Mappings through the endpoint resolver set a policy.
        if (chance(endpointRouted(svc) ? 0.15 : 0)) {
            double lb = rng.nextDouble();
            Map<String, Object> policy = new LinkedHashMap<>();
            if (lb < 0.5) {
                policy.put("policy", "least_request");
            } else if (lb < 0.8) {
                policy.put("policy", "ring_hash");
                policy.put("header", "x-user-id");
            } else {
                policy.put("policy", "maglev");
                Map<String, Object> cookie = new LinkedHashMap<>();
                cookie.put("name", "session");
                cookie.put("ttl", "3600s");
                policy.put("cookie", cookie);
            }
            spec.put("load_balancer", policy);
            count("load_balancer");
        }
        if (chance(0.03)) {
            spec.put("connect_timeout_ms", 1000 + 500 * rng.nextInt(8));
            count("connect_timeout_ms");
        }
        if (chance(0.02)) {
            spec.put("cluster_idle_timeout_ms", 60_000);
            count("cluster_idle_timeout_ms");
        }
        // With the AuthService and RateLimitService below: 14% of base Mappings skip auth or carry rate-limit labels
        // (over 10% of all Mappings, canaries and shadows included).
        if (chance(0.08)) {
            spec.put("bypass_auth", true);
            count("bypass_auth");
        }
        if (chance(0.06)) {
            List<Object> perClient = List.of(ordered("remote_address", ordered("key", "remote_address")),
                    ordered("request_headers", ordered("key", "tenant", "header_name", "x-tenant")));
            List<Object> perRoute = List.of(ordered("destination_cluster", ordered("key", "destination_cluster")),
                    ordered("generic_key", ordered("value", svc.name())));
            spec.put("labels", ordered("ambassador", chance(0.5)
                    ? List.of(ordered("per_client", perClient), ordered("per_route", perRoute))
                    : List.of(ordered("request_label_group", perRoute))));
            count("ratelimit-labels");
        }
        if (chance(0.02) && !spec.containsKey("bypass_auth")) {
            spec.put("auth_context_extensions", ordered("service", svc.name()));
            count("auth_context_extensions");
        }

        String name = uniqueName(namespace, svc.name() + "-" + resource + "-v" + version);
        mappingObject(name, namespace, labels, spec);
        bases.add(new Base(name, namespace, labels, match, svc.kind()));
    }

    /** Every fifth Service is routed to its endpoints rather than its cluster IP. */
    private boolean endpointRouted(Service svc) {
        return services.indexOf(svc) % 5 == 2;
    }

    private void endpointResolver(Map<String, Object> spec, Service svc) {
        if (endpointRouted(svc)) {
            spec.put("resolver", "endpoint");
            endpointServices.add(svc);
            count("resolver-endpoint");
        }
    }

    /** Target (container) port and its name, as the Service's targetPort names them. */
    private static int targetPort(Service svc) {
        return switch (svc.kind()) {
            case HTTP80, HTTP8080 -> 8080;
            case HTTPS443 -> 8443;
            case GRPC -> 9090;
        };
    }

    private static String portName(Service svc) {
        return switch (svc.kind()) {
            case HTTP80, HTTP8080 -> "http";
            case HTTPS443 -> "https";
            case GRPC -> "grpc";
        };
    }

    /** 10 ready addresses for an endpoint-routed Service. */
    private Map<String, Object> endpointsObject(Service svc) {
        int index = services.indexOf(svc);
        List<Object> addresses = new ArrayList<>();
        for (int k = 1; k <= 10; k++) {
            addresses.add(ordered("ip", "10." + (64 + index / 256) + "." + (index % 256) + "." + k));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", "v1");
        doc.put("kind", "Endpoints");
        doc.put("metadata", ordered("name", svc.name(), "namespace", svc.namespace()));
        doc.put("subsets", List.of(ordered("addresses", addresses, "ports", List.of(ordered("name", portName(svc),
                "port", targetPort(svc), "protocol", "TCP")))));
        count("endpoints-addresses", 10);
        return doc;
    }

    /** Listeners for the cleartext TCPMappings' ports (declared, as Emissary 2+ users declare them). */
    private final List<Map<String, Object>> tcpListeners = new ArrayList<>();

    /** One TCPMapping per 20 Mappings: SNI-routed TLS on 8500 mostly, a tenth cleartext on ports of their own. */
    @SuppressWarnings("unchecked")
    private Map<String, List<Map<String, Object>>> tcpMappings() {
        Map<String, List<Map<String, Object>>> byNamespace = new TreeMap<>();
        int count = settings.mappings() / 20;
        for (int i = 0; i < count; i++) {
            Service svc = services.get(upstreamRng.nextInt(services.size()));
            int port = switch (svc.kind()) {
                case HTTP80 -> 80;
                case HTTPS443 -> 443;
                case HTTP8080, GRPC -> 8080;
            };
            Map<String, Object> spec = new LinkedHashMap<>();
            if (upstreamRng.nextDouble() < 0.1) {
                spec.put("port", 9000 + i);
                Map<String, Object> listener = listener("tcp-" + (9000 + i), 9000 + i, "TCP");
                ((Map<String, Object>) listener.get("spec")).put("securityModel", "INSECURE");
                tcpListeners.add(listener);
                count("tcpmapping-cleartext");
            } else {
                spec.put("port", 8500);
                spec.put("host", "tcp-" + i + ".apps.example.com");
                count("tcpmapping-sni");
            }
            spec.put("service", svc.name() + "." + svc.namespace() + ":" + port);
            if (endpointRouted(svc)) {
                spec.put("resolver", "endpoint");
                endpointServices.add(svc);
                count("tcpmapping-resolver-endpoint");
            }
            if (upstreamRng.nextDouble() < 0.2) {
                spec.put("idle_timeout_ms", "300000");
            }
            if (upstreamRng.nextDouble() < 0.05) {
                spec.put("stats_name", "tcp-" + svc.name());
            }
            byNamespace.computeIfAbsent(svc.namespace(), k -> new ArrayList<>()).add(resource(
                    "getambassador.io/v3alpha1", "TCPMapping", "tcp-" + i + "-" + svc.name(), svc.namespace(), spec));
            count("tcpmappings");
        }
        return byNamespace;
    }

    private void count(String feature, int n) {
        features.merge(feature, n, Integer::sum);
    }

    /** Options that any Mapping of a group may set on its own. */
    private void commonOptions(Map<String, Object> spec, Service svc) {
        if (chance(0.30)) {
            spec.put("timeout_ms", pick(new Integer[] {5_000, 10_000, 30_000, 60_000, 120_000}));
            count("timeout_ms");
        }
        if (chance(0.05)) {
            spec.put("idle_timeout_ms", 300_000);
            count("idle_timeout_ms");
        }
        if (chance(0.10)) {
            Map<String, Object> retry = new LinkedHashMap<>();
            retry.put("retry_on", pick(RETRY_ON));
            retry.put("num_retries", 1 + rng.nextInt(5));
            if (chance(0.6)) {
                retry.put("per_try_timeout", pick(new String[] {"2s", "0.5s", "500ms", "10s"}));
            }
            spec.put("retry_policy", retry);
            count("retry_policy");
        }
        if (chance(0.08)) {
            Map<String, Object> cors = new LinkedHashMap<>();
            cors.put("origins", List.of("https://app.example.com", "https://admin.example.com"));
            cors.put("methods", List.of("GET", "POST", "PUT", "OPTIONS"));
            cors.put("headers", List.of("Content-Type", "Authorization", "X-Request-Id"));
            if (chance(0.5)) {
                cors.put("credentials", true);
                cors.put("exposed_headers", List.of("X-Request-Id"));
            }
            cors.put("max_age", "86400");
            spec.put("cors", cors);
            count("cors");
        }
        if (chance(0.12)) {
            Map<String, Object> add = new LinkedHashMap<>();
            add.put("x-service-name", ordered("value", svc.name()));
            if (chance(0.5)) {
                Map<String, Object> team = new LinkedHashMap<>();
                team.put("value", svc.namespace());
                team.put("append", false);
                add.put("x-team", team);
            }
            spec.put("add_request_headers", add);
            count("add_request_headers");
        }
        if (chance(0.05)) {
            spec.put("add_response_headers", ordered("strict-transport-security",
                    ordered("value", "max-age=31536000; includeSubDomains")));
            count("add_response_headers");
        }
        if (chance(0.03)) {
            spec.put("remove_request_headers", List.of("x-internal-token", "cookie"));
            count("remove_request_headers");
        }
        if (chance(0.03)) {
            spec.put("remove_response_headers", List.of("server", "x-envoy-upstream-service-time"));
            count("remove_response_headers");
        }
        if (chance(0.01)) {
            spec.put("use_websocket", true);
            count("use_websocket");
        } else if (chance(0.01)) {
            spec.put("allow_upgrade", List.of("websocket"));
            count("allow_upgrade");
        }
        if (chance(0.02) && svc.kind() != Kind.HTTPS443) {
            spec.put("auto_host_rewrite", true);
            count("auto_host_rewrite");
        }
        if (chance(0.01)) {
            spec.put("stats_name", svc.name() + "-" + svc.namespace());
            count("stats_name");
        }
        if (chance(0.01)) {
            spec.put("docs", ordered("path", "/.ambassador-internal/openapi-docs"));
            count("docs");
        }
        if (chance(0.01)) {
            spec.put("auth_context_extensions", ordered("team", svc.namespace()));
            count("auth_context_extensions");
        }
        if (chance(0.01)) {
            spec.put("priority", "high");
            count("priority");
        }
        if (chance(0.01)) {
            spec.put("ambassador_id", List.of("default"));
            count("ambassador_id");
        }
    }

    /** Another Mapping with the same match and a different service: a weighted canary of {@code base}. */
    private void canary(Base base) {
        Service svc = sameKind(base);
        int weight = pick(new Integer[] {5, 10, 15, 20});
        base.canaries++;
        base.weightUsed += weight;
        Map<String, Object> spec = new LinkedHashMap<>(base.match);
        spec.put("service", serviceRef(svc, svc.namespace().equals(base.namespace)));
        endpointResolver(spec, svc);
        if (svc.kind() == Kind.GRPC) {
            spec.put("grpc", true);
        }
        spec.put("weight", weight);
        commonOptions(spec, svc);
        mappingObject(uniqueName(base.namespace, base.name + "-canary"), base.namespace, base.labels, spec);
        count("canary");
    }

    /** Another Service of the same kind as the base's (the next version of the backend), nearby if possible. */
    private Service sameKind(Base base) {
        List<Service> candidates = servicesByNamespace.get(base.namespace).stream()
                .filter(s -> s.kind() == base.kind).toList();
        if (candidates.isEmpty()) {
            candidates = services.stream().filter(s -> s.kind() == base.kind).toList();
        }
        return candidates.get(rng.nextInt(candidates.size()));
    }

    /** A shadow of {@code base}: Envoy mirrors a share of its traffic to another service. */
    private void shadow(Base base) {
        base.shadowed = true;
        Service svc = sameKind(base);
        Map<String, Object> spec = new LinkedHashMap<>(base.match);
        spec.put("service", serviceRef(svc, svc.namespace().equals(base.namespace)));
        endpointResolver(spec, svc);
        if (svc.kind() == Kind.GRPC) {
            spec.put("grpc", true);
        }
        spec.put("shadow", true);
        if (chance(0.5)) {
            spec.put("weight", 10);
        }
        mappingObject(uniqueName(base.namespace, base.name + "-shadow"), base.namespace, base.labels, spec);
        count("shadow");
    }

    /** A host_redirect Mapping: old paths sent to another site. */
    private void redirect(int i) {
        String namespace = NAMESPACES.get(rng.nextInt(NAMESPACES.size()));
        String resource = pick(RESOURCES);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("hostname", chance(0.5) ? "*" : "api.example.com");
        spec.put("prefix", uniquePrefix("/legacy/" + resource + "/"));
        spec.put("service", chance(0.5) ? "www.example.com" : "new.example.com");
        spec.put("host_redirect", true);
        double p = rng.nextDouble();
        if (p < 0.3) {
            spec.put("path_redirect", "/" + resource);
        } else if (p < 0.7) {
            spec.put("prefix_redirect", "/" + resource + "/");
        }
        if (chance(0.3)) {
            spec.put("redirect_response_code", pick(new Integer[] {301, 302, 307, 308}));
        }
        mappingObject(uniqueName(namespace, "legacy-" + resource + "-redirect"), namespace,
                Map.of("app", "legacy-redirects"), spec);
        count("host_redirect");
    }

    /** A map in the given key order: Map.of iterates in an order that changes from one JVM run to the next. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    // ---------------------------------------------------------------- fixed resources

    private static Map<String, Object> listener(String name, int port, String protocol) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("port", port);
        spec.put("protocol", protocol);
        spec.put("securityModel", "XFP");
        spec.put("hostBinding", ordered("namespace", ordered("from", "ALL")));
        return resource("getambassador.io/v3alpha1", "Listener", name, AMBASSADOR_NAMESPACE, spec);
    }

    private static Map<String, Object> wildcardHost() {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("hostname", "*");
        spec.put("requestPolicy", ordered("insecure", ordered("action", "Route")));
        return resource("getambassador.io/v3alpha1", "Host", "wildcard", AMBASSADOR_NAMESPACE, spec);
    }

    private static Map<String, Object> apiHost() {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("hostname", "api.example.com");
        spec.put("tlsSecret", ordered("name", "api-example-com-tls"));
        Map<String, Object> tls = new LinkedHashMap<>();
        tls.put("min_tls_version", "v1.2");
        tls.put("alpn_protocols", "h2,http/1.1");
        spec.put("tls", tls);
        spec.put("requestPolicy", ordered("insecure", ordered("action", "Redirect")));
        return resource("getambassador.io/v3alpha1", "Host", "api", AMBASSADOR_NAMESPACE, spec);
    }

    private static Map<String, Object> appsHost() {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("hostname", "*.apps.example.com");
        spec.put("tlsSecret", ordered("name", "apps-example-com-tls"));
        spec.put("mappingSelector", ordered("matchLabels", ordered("exposure", "apps")));
        spec.put("requestPolicy", ordered("insecure", ordered("action", "Redirect")));
        return resource("getambassador.io/v3alpha1", "Host", "apps", AMBASSADOR_NAMESPACE, spec);
    }

    private static Map<String, Object> tlsSecret(String name, String pemBase) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", "v1");
        doc.put("kind", "Secret");
        doc.put("metadata", ordered("name", name, "namespace", AMBASSADOR_NAMESPACE));
        doc.put("type", "kubernetes.io/tls");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("tls.crt", base64(pem(pemBase + ".crt.pem")));
        data.put("tls.key", base64(pem(pemBase + ".key.pem")));
        doc.put("data", data);
        return doc;
    }

    private static Map<String, Object> serviceObject(Service svc) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", "v1");
        doc.put("kind", "Service");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", svc.name());
        metadata.put("namespace", svc.namespace());
        metadata.put("labels", ordered("app", svc.name()));
        doc.put("metadata", metadata);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("type", "ClusterIP");
        spec.put("selector", ordered("app", svc.name()));
        Map<String, Object> port = new LinkedHashMap<>();
        switch (svc.kind()) {
            case HTTP80 -> {
                port.put("name", "http");
                port.put("port", 80);
                port.put("targetPort", 8080);
            }
            case HTTP8080 -> {
                port.put("name", "http");
                port.put("port", 8080);
                port.put("targetPort", "http");
            }
            case HTTPS443 -> {
                port.put("name", "https");
                port.put("port", 443);
                port.put("targetPort", 8443);
            }
            case GRPC -> {
                port.put("name", "grpc");
                port.put("port", 8080);
                port.put("targetPort", 9090);
            }
        }
        port.put("protocol", "TCP");
        spec.put("ports", List.of(port));
        doc.put("spec", spec);
        return doc;
    }

    private static Map<String, Object> resource(String apiVersion, String kind, String name, String namespace,
            Map<String, Object> spec) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", apiVersion);
        doc.put("kind", kind);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        metadata.put("namespace", namespace);
        doc.put("metadata", metadata);
        doc.put("spec", spec);
        return doc;
    }

    /** A PEM file shipped with this module (self-signed EC certificates made once with openssl; test data only). */
    private static String pem(String file) {
        try (InputStream in = ConfigGenerator.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }
}
