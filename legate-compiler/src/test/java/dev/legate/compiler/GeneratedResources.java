package dev.legate.compiler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceSnapshot;
import dev.legate.compiler.config.YamlDocuments;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * Generators (QuickTheories) for getambassador.io resources (and the core Services and TLS Secrets they use): valid
 * ones, and mutations of valid ones whose validity is known, so that properties can say which resources must be
 * reported.
 *
 * <p>Generators draw every choice from QuickTheories' randomness source (through {@link Draw}), so a failing input
 * shrinks by shrinking those choices. A generated resource is a template over an index: the index makes its name,
 * prefix, hostname and port unique, so the resources of one input never collide unless a mutation makes them collide
 * on purpose. Every document is rendered as its own file (JSON text, which YAML reads), so a document that cannot
 * even be parsed is reported against a file that holds nothing else.
 */
final class GeneratedResources {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The certificate and key of the test Secret every golden fixture may use. */
    private static final Map<String, Object> TLS_DATA = tlsData();

    /** The Secret valid Hosts and TLSContexts name. */
    private static final Doc EXAMPLE_SECRET = new Doc("Secret", "example-tls", "default", json(Map.of(
            "apiVersion", "v1", "kind", "Secret", "type", "kubernetes.io/tls",
            "metadata", Map.of("name", "example-tls", "namespace", "default"), "data", TLS_DATA)),
            Validity.VALID, Reach.ISOLATED, "none");

    /** What the compiler must make of a generated document. */
    enum Validity {
        /** Accepted without errors. */
        VALID,
        /** Rejected, or accepted in part: at least one ERROR diagnostic names it (or its file). */
        INVALID,
        /** Either way (unicode, huge values, unknown fields, extreme numbers): only "never throws" applies. */
        EITHER
    }

    /** Whether a mutated document can change what the valid documents of the same input compile to. */
    enum Reach {
        /** It cannot: it shares no name, hostname, prefix or port with them. */
        ISOLATED,
        /** It may on purpose (a conflicting Host, a second AuthService). */
        SHARED
    }

    /**
     * One generated document.
     *
     * @param text the document as the compiler reads it (JSON, or JSON that was then damaged)
     */
    record Doc(String kind, String name, String namespace, String text, Validity validity, Reach reach,
            String mutation) {

        String key() {
            return kind + "/" + name + "." + namespace;
        }

        String file() {
            return "generated/" + kind + "-" + name + "-" + Integer.toHexString(text.hashCode()) + ".yaml";
        }

        @Override
        public String toString() {
            String shown = kind.equals("Secret") ? "(TLS Secret)"
                    : text.length() > 400 ? text.substring(0, 400) + "...(" + text.length() + " chars)" : text;
            return "\n  " + key() + " [" + validity + ", " + mutation + "] " + shown;
        }
    }

    /** The valid documents of an input, and documents that were mutated (each with what it must produce). */
    record Input(List<Doc> valid, List<Doc> mutated) {

        Input {
            valid = List.copyOf(valid);
            mutated = List.copyOf(mutated);
        }

        List<Doc> all() {
            List<Doc> all = new ArrayList<>(valid);
            all.addAll(mutated);
            return all;
        }
    }

    private GeneratedResources() {
    }

    /** Draws choices from QuickTheories' randomness source; everything generated here goes through it. */
    record Draw(RandomnessSource source) {

        int between(int low, int high) {
            return (int) source.next(Constraint.between(low, high));
        }

        long between(long low, long high) {
            return source.next(Constraint.between(low, high));
        }

        boolean coin() {
            return between(0, 1) == 1;
        }

        @SafeVarargs
        final <T> T pick(T... options) {
            return options[between(0, options.length - 1)];
        }

        <T> T pick(List<T> options) {
            return options.get(between(0, options.size() - 1));
        }

        /** An option drawn with the given weights: {@code weights[i]} for {@code options.get(i)}. */
        <T> T weighted(List<T> options, int... weights) {
            int total = java.util.Arrays.stream(weights).sum();
            int at = between(0, total - 1);
            for (int i = 0; i < weights.length; i++) {
                at -= weights[i];
                if (at < 0) {
                    return options.get(i);
                }
            }
            throw new IllegalStateException();
        }

        String alpha(int minLength, int maxLength) {
            StringBuilder b = new StringBuilder();
            int length = between(minLength, maxLength);
            for (int i = 0; i < length; i++) {
                b.append((char) ('a' + between(0, 25)));
            }
            return b.toString();
        }

        /** Non-ASCII text from the Basic Multilingual Plane (no surrogates). */
        String unicode(int maxLength) {
            StringBuilder b = new StringBuilder();
            int length = between(1, maxLength);
            while (b.length() < length) {
                char c = (char) between(0x80, 0xFFFD);
                if (!Character.isSurrogate(c)) {
                    b.append(c);
                }
            }
            return b.toString();
        }

        String chars(String alphabet, int minLength, int maxLength) {
            StringBuilder b = new StringBuilder();
            int length = between(minLength, maxLength);
            for (int i = 0; i < length; i++) {
                b.append(alphabet.charAt(between(0, alphabet.length() - 1)));
            }
            return b.toString();
        }
    }

    /** A valid document of one kind, drawn for the given index. */
    @FunctionalInterface
    private interface Template {
        Doc make(Draw draw, int index);
    }

    /** Mutated documents are made from indices from here on, apart from the valid ones'. */
    private static final int FIRST_MUTANT = 1000;

    private static final List<Template> MANY = List.of(GeneratedResources::mapping, GeneratedResources::mapping,
            GeneratedResources::host, GeneratedResources::listener, GeneratedResources::tlsContext,
            GeneratedResources::tcpMapping, GeneratedResources::resolver, GeneratedResources::service,
            GeneratedResources::secret);

    private static final List<Template> SINGLETONS = List.of(GeneratedResources::module,
            GeneratedResources::authService, GeneratedResources::rateLimitService);

    /**
     * Valid documents of every kind: the Secret Hosts use, 1 to 9 others, at most one Module, AuthService and
     * RateLimitService, and a Host whenever a TLSContext needs one.
     */
    static Gen<List<Doc>> validDocuments() {
        return in -> valid(new Draw(in));
    }

    private static List<Doc> valid(Draw draw) {
        List<Doc> docs = new ArrayList<>();
        docs.add(EXAMPLE_SECRET);
        int count = draw.between(1, 9);
        for (int i = 0; i < count; i++) {
            docs.add(draw.pick(MANY).make(draw, docs.size()));
        }
        if (draw.between(0, 3) == 0) {
            // A Mapping and its shadow (one shadow per group, as Emissary allows).
            int i = docs.size();
            docs.add(doc("Mapping", "m" + i, Map.of("hostname", "*", "prefix", "/shadowed-" + i + "/", "service",
                    "svc" + i)));
            docs.add(doc("Mapping", "m" + (i + 1), Map.of("hostname", "*", "prefix", "/shadowed-" + i + "/",
                    "service", "svc" + (i + 1), "shadow", true)));
        }
        for (Template singleton : SINGLETONS) {
            if (draw.between(0, 2) == 0) {
                docs.add(singleton.make(draw, docs.size()));
            }
        }
        // A TLSContext that terminates TLS needs some Host to be used (it is an error otherwise, as in Emissary).
        if (docs.stream().anyMatch(d -> d.kind().equals("TLSContext"))
                && docs.stream().noneMatch(d -> d.kind().equals("Host"))) {
            docs.add(host(draw, docs.size()));
        }
        return docs;
    }

    /** Valid documents plus 1 to 4 mutations of freshly generated ones (indices apart from the valid ones'). */
    static Gen<Input> inputs() {
        return in -> {
            Draw draw = new Draw(in);
            List<Doc> valid = valid(draw);
            List<Doc> mutated = new ArrayList<>();
            int count = draw.between(1, 4);
            for (int i = 0; i < count; i++) {
                mutated.add(mutant(draw, FIRST_MUTANT + i, valid));
            }
            return new Input(valid, mutated);
        };
    }

    /** Like {@link #inputs()}, keeping only mutations that cannot reach the valid documents. */
    static Gen<Input> isolatedInputs() {
        return inputs().map(i -> new Input(i.valid(),
                i.mutated().stream().filter(d -> d.reach() == Reach.ISOLATED).toList()));
    }

    /** The documents as the compiler receives them: each its own file, in order. */
    static ResourceSnapshot snapshot(List<Doc> docs) {
        List<RawDocument> documents = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (Doc doc : docs) {
            YamlDocuments.Parsed parsed = YamlDocuments.parse(doc.file(), doc.text());
            documents.addAll(parsed.documents());
            diagnostics.addAll(parsed.diagnostics());
        }
        return new ResourceSnapshot(documents, diagnostics);
    }

    // ---- valid templates ----

    private static final List<String> MAPPING_OPTIONS = List.of("rewrite", "timeout_ms", "precedence",
            "add_request_headers", "headers", "method", "retry_policy", "cors", "regex", "remove_response_headers",
            "idle_timeout_ms", "grpc", "circuit_breakers", "bypass_auth", "host_rewrite", "case_sensitive", "canary",
            "host_redirect", "regex_rewrite", "labels", "endpoint_resolver", "query_parameters");

    private static Doc mapping(Draw draw, int i) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("hostname", draw.pick("*", "shared.example.com", "*.example.com"));
        spec.put("prefix", "/m" + i + "/");
        spec.put("service", switch (draw.between(0, 3)) {
            case 0 -> "svc" + i;
            case 1 -> "svc" + i + ":8080";
            case 2 -> "http://svc" + i + ".other:9000";
            default -> "https://svc" + i;
        });
        int options = draw.between(0, 6);
        for (int o = 0; o < options; o++) {
            String option = draw.pick(MAPPING_OPTIONS);
            int v = draw.between(0, 60_000);
            switch (option) {
                case "rewrite" -> spec.put("rewrite", v % 2 == 0 ? "/" : "/r" + v + "/");
                case "timeout_ms" -> spec.put("timeout_ms", v);
                case "idle_timeout_ms" -> spec.put("idle_timeout_ms", v);
                case "precedence" -> spec.put("precedence", v % 11 - 5);
                case "add_request_headers" -> spec.put("add_request_headers",
                        Map.of("x-added-" + (v % 7), Map.of("value", "v" + v)));
                case "headers" -> spec.put("headers", Map.of("x-match", "v" + (v % 5)));
                case "method" -> spec.put("method", List.of("GET", "POST", "PUT", "DELETE").get(v % 4));
                case "retry_policy" -> spec.put("retry_policy", Map.of("retry_on", "5xx", "num_retries", v % 6));
                case "cors" -> spec.put("cors", Map.of("origins", List.of("https://a.example.com"),
                        "methods", List.of("GET", "POST")));
                case "regex" -> {
                    spec.put("prefix", "/m" + i + "/[a-z]{1," + (1 + v % 9) + "}");
                    spec.put("prefix_regex", true);
                }
                case "remove_response_headers" -> spec.put("remove_response_headers", List.of("x-r" + (v % 3)));
                case "grpc" -> spec.put("grpc", v % 2 == 0);
                case "circuit_breakers" -> spec.put("circuit_breakers",
                        List.of(Map.of("max_connections", v % 1000, "priority", "default")));
                case "bypass_auth" -> spec.put("bypass_auth", v % 2 == 0);
                case "host_rewrite" -> spec.put("host_rewrite", "rewritten" + (v % 4) + ".example.com");
                case "case_sensitive" -> spec.put("case_sensitive", v % 2 == 0);
                case "canary" -> {
                    // Valid Mappings may share this prefix: a canary group, weights by Emissary's rules. A mutated one
                    // keeps a group of its own, so that it cannot change the valid ones' weights.
                    spec.put("prefix", "/canary-" + (i >= FIRST_MUTANT ? i : v % 3) + "/");
                    spec.put("hostname", "*");
                    spec.put("weight", 1 + v % 40);
                }
                case "host_redirect" -> {
                    spec.put("host_redirect", true);
                    spec.put("service", "redirect" + (v % 3) + ".example.com");
                    spec.remove("rewrite");
                }
                case "regex_rewrite" -> {
                    spec.put("regex_rewrite", Map.of("pattern", "^/m" + i + "/(.*)$", "substitution", "/r/\\1"));
                    spec.remove("rewrite");
                }
                case "labels" -> spec.put("labels", Map.of("ambassador", List.of(Map.of("group-" + (v % 3),
                        List.of(Map.of("generic_key", Map.of("value", "limit-" + (v % 10))),
                                Map.of("request_headers", Map.of("key", "x-k", "header_name", "x-h" + (v % 2))))))));
                case "endpoint_resolver" -> {
                    spec.put("resolver", "endpoint");
                    spec.put("load_balancer", Map.of("policy", List.of("round_robin", "least_request").get(v % 2)));
                }
                case "query_parameters" -> spec.put("query_parameters", Map.of("q" + (v % 3), "v"));
                default -> throw new IllegalStateException(option);
            }
        }
        if (spec.containsKey("weight")) {
            // Members of a canary group must agree on the group's other fields: keep them to the group's prefix,
            // the service and the weight.
            spec.keySet().retainAll(List.of("hostname", "prefix", "service", "weight"));
            spec.put("service", "svc" + i);
        }
        return doc("Mapping", "m" + i, spec);
    }

    private static Doc host(Draw draw, int i) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("hostname", "h" + i + ".example.com");
        spec.put("requestPolicy", Map.of("insecure", Map.of("action", draw.pick("Route", "Redirect", "Reject"))));
        if (draw.coin()) {
            spec.put("tlsSecret", Map.of("name", "example-tls"));
            String minVersion = draw.pick("", "v1.2", "v1.3");
            if (!minVersion.isEmpty()) {
                spec.put("tls", Map.of("min_tls_version", minVersion));
            }
        }
        return doc("Host", "h" + i, spec);
    }

    private static Doc listener(Draw draw, int i) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("port", 8100 + i);
        switch (draw.between(0, 5)) {
            case 0 -> spec.put("protocolStack", List.of("TLS", "HTTP", "TCP"));
            case 1 -> spec.put("protocolStack", List.of("PROXY", "HTTP", "TCP"));
            default -> spec.put("protocol", draw.pick("HTTP", "HTTPS", "HTTPPROXY", "HTTPSPROXY"));
        }
        spec.put("securityModel", draw.pick("XFP", "SECURE", "INSECURE"));
        spec.put("hostBinding", Map.of("namespace", Map.of("from", draw.pick("ALL", "SELF"))));
        int depth = draw.between(0, 3);
        if (depth > 0) {
            spec.put("l7Depth", depth);
        }
        return doc("Listener", "l" + i, spec);
    }

    private static Doc tlsContext(Draw draw, int i) {
        return doc("TLSContext", "t" + i, Map.of("hosts", List.of("t" + i + ".example.com"), "secret", "example-tls",
                "min_tls_version", draw.pick("v1.2", "v1.3"), "alpn_protocols", draw.pick("h2", "http/1.1",
                        "h2,http/1.1")));
    }

    private static Doc tcpMapping(Draw draw, int i) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("port", 20000 + i);
        spec.put("service", "tcp" + i + ":9000");
        switch (draw.between(0, 2)) {
            case 1 -> spec.put("idle_timeout_ms", 5000);
            case 2 -> spec.put("weight", 50);
            default -> {
            }
        }
        return doc("TCPMapping", "tcp" + i, spec);
    }

    private static Doc resolver(Draw draw, int i) {
        String kind = draw.pick("KubernetesServiceResolver", "KubernetesEndpointResolver", "ConsulResolver");
        return doc(kind, "resolver" + i, kind.equals("ConsulResolver")
                ? Map.of("address", "consul" + i + ":8500", "datacenter", "dc" + i) : Map.of());
    }

    private static Doc service(Draw draw, int i) {
        List<Object> ports = new ArrayList<>();
        int count = draw.between(1, 3);
        for (int p = 0; p < count; p++) {
            ports.add(Map.of("name", "p" + p, "port", 80 + p, "targetPort", 8080 + p));
        }
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("apiVersion", "v1");
        tree.put("kind", "Service");
        tree.put("metadata", Map.of("name", "svc" + i, "namespace", "default"));
        tree.put("spec", Map.of("ports", ports, "selector", Map.of("app", "svc" + i)));
        return new Doc("Service", "svc" + i, "default", json(tree), Validity.VALID, Reach.ISOLATED, "none");
    }

    private static Doc secret(Draw draw, int i) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("apiVersion", "v1");
        tree.put("kind", "Secret");
        tree.put("type", "kubernetes.io/tls");
        tree.put("metadata", Map.of("name", "tls" + i, "namespace", "default"));
        tree.put("data", TLS_DATA);
        return new Doc("Secret", "tls" + i, "default", json(tree), Validity.VALID, Reach.ISOLATED, "none");
    }

    private static Doc module(Draw draw, int i) {
        return doc("Module", "ambassador", Map.of("config", Map.of("use_remote_address", draw.coin(),
                "xff_num_trusted_hops", draw.between(0, 3), "diagnostics", Map.of("enabled", draw.coin()),
                "server_name", "legate")));
    }

    private static Doc authService(Draw draw, int i) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("auth_service", "auth:3000");
        spec.put("proto", draw.pick("http", "grpc"));
        spec.put("timeout_ms", draw.between(1, 5000));
        spec.put("protocol_version", "v3");
        spec.put("allowed_request_headers", List.of("x-allowed"));
        return doc("AuthService", "auth", spec);
    }

    private static Doc rateLimitService(Draw draw, int i) {
        return doc("RateLimitService", "ratelimit", Map.of("service", "ratelimit:8081", "protocol_version", "v3",
                "domain", draw.pick("d0", "d1"), "timeout_ms", draw.between(1, 1000)));
    }

    // ---- mutations ----

    /** One change to a valid spec, with what it makes of the resource. */
    private record Change(String name, Validity validity, Consumer<Map<String, Object>> edit) {
    }

    private static Change invalid(String name, Consumer<Map<String, Object>> specEdit) {
        return new Change(name, Validity.INVALID, specEdit);
    }

    private static Change either(String name, Consumer<Map<String, Object>> specEdit) {
        return new Change(name, Validity.EITHER, specEdit);
    }

    private static final List<Template> MUTABLE = List.of(GeneratedResources::mapping, GeneratedResources::host,
            GeneratedResources::listener, GeneratedResources::tcpMapping);

    private static Doc mutant(Draw draw, int index, List<Doc> valid) {
        // Megabyte strings are rare: the YAML parser takes about a second for each (see megabyteString).
        int kind = draw.weighted(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14),
                120, 50, 50, 30, 30, 20, 20, 20, 20, 40, 20, 20, 30, 1, 10);
        return switch (kind) {
            case 0 -> specChange(mapping(draw, index), mappingChange(draw));
            case 1 -> specChange(host(draw, index), hostChange(draw));
            case 2 -> specChange(listener(draw, index), listenerChange(draw));
            case 3 -> specChange(tlsContext(draw, index), tlsContextChange(draw));
            case 4 -> specChange(tcpMapping(draw, index), tcpMappingChange(draw));
            case 5 -> specChange(module(draw, index), moduleChange(draw));
            case 6 -> specChange(authService(draw, index), authChange(draw));
            case 7 -> specChange(rateLimitService(draw, index), rateLimitChange(draw));
            case 8 -> specNotAnObject(draw, resolver(draw, index));
            case 9 -> specNotAnObject(draw, draw.pick(List.of(GeneratedResources::mapping, GeneratedResources::host,
                    GeneratedResources::listener, GeneratedResources::tlsContext, GeneratedResources::tcpMapping,
                    (Template) GeneratedResources::resolver)).make(draw, index));
            case 10 -> duplicateName(draw, index, valid);
            case 11 -> conflictingHost(draw, index, valid);
            case 12 -> damagedText(draw, index);
            case 13 -> megabyteString(draw, index);
            default -> deepNesting(draw, index);
        };
    }

    private static Doc specChange(Doc original, Change change) {
        Map<String, Object> tree = tree(original.text());
        change.edit().accept(spec(tree));
        // Singleton kinds clash with a valid one of the same name, or apply to everything; any Host that is
        // accepted replaces the default Host the valid Listeners would otherwise get: these reach further.
        Reach reach = isSingleton(original.kind())
                || original.kind().equals("Host") && change.validity() != Validity.INVALID ? Reach.SHARED
                : Reach.ISOLATED;
        return new Doc(original.kind(), original.name(), original.namespace(), json(tree), change.validity(), reach,
                change.name());
    }

    private static boolean isSingleton(String kind) {
        return kind.equals("Module") || kind.equals("AuthService") || kind.equals("RateLimitService");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(Map<String, Object> tree) {
        return (Map<String, Object>) tree.get("spec");
    }

    /** A value of the wrong type for a string, number or object field. */
    private static Object wrongType(Draw draw) {
        return draw.pick(List.<Object>of(List.of(1, 2), Map.of("a", Map.of("b", List.of("c"))), List.of(Map.of()),
                List.of()));
    }

    private static Object notAnInteger(Draw draw) {
        return switch (draw.between(0, 2)) {
            case 0 -> wrongType(draw);
            case 1 -> draw.pick("text", "1.5e", "", "ten", "0x1G");
            default -> "n" + draw.alpha(1, 20);
        };
    }

    private static String invalidRegex(Draw draw) {
        return draw.pick("(", "[a-", "a{2,1}", "*x", "(?<name", "x)", "a**", "[z-a]", "\\", "(?P<n>a)(?P<n>b)");
    }

    private static int outside(Draw draw, int low, int high) {
        return draw.coin() ? draw.between(high + 1, Integer.MAX_VALUE) : draw.between(Integer.MIN_VALUE, low - 1);
    }

    private static int negative(Draw draw) {
        return draw.between(Integer.MIN_VALUE, -1);
    }

    private static Change mappingChange(Draw draw) {
        return switch (draw.between(0, 26)) {
            case 0 -> invalid("no prefix", s -> s.remove("prefix"));
            case 1 -> invalid("no service", s -> s.remove("service"));
            case 2 -> invalid("empty service", s -> s.put("service", ""));
            case 3 -> {
                String r = invalidRegex(draw);
                yield invalid("prefix regex " + r, s -> {
                    s.put("prefix", r);
                    s.put("prefix_regex", true);
                });
            }
            case 4 -> {
                String r = invalidRegex(draw);
                yield invalid("regex header " + r, s -> s.put("regex_headers", Map.of("x", r)));
            }
            case 5 -> {
                String r = invalidRegex(draw);
                yield invalid("regex rewrite " + r, s -> s.put("regex_rewrite", Map.of("pattern", r,
                        "substitution", "/")));
            }
            case 6 -> {
                Object v = notAnInteger(draw);
                yield invalid("timeout_ms " + v, s -> s.put("timeout_ms", v));
            }
            case 7 -> {
                int v = negative(draw);
                yield invalid("timeout_ms " + v, s -> s.put("timeout_ms", v));
            }
            case 8 -> {
                int v = outside(draw, 0, 100);
                yield invalid("weight " + v, s -> s.put("weight", v));
            }
            case 9 -> {
                int code = draw.between(0, 1000);
                boolean redirectCode = List.of(301, 302, 303, 307, 308).contains(code);
                yield new Change("redirect code " + code, redirectCode ? Validity.EITHER : Validity.INVALID, s -> {
                    s.put("host_redirect", true);
                    s.put("redirect_response_code", code);
                });
            }
            case 10 -> {
                Object v = wrongType(draw);
                yield invalid("prefix " + v, s -> s.put("prefix", v));
            }
            case 11 -> {
                Object v = wrongType(draw);
                yield invalid("service " + v, s -> s.put("service", v));
            }
            case 12 -> {
                Object v = wrongType(draw);
                yield invalid("headers " + v, s -> s.put("headers", List.of("a", v)));
            }
            case 13 -> {
                String p = draw.pick("random", "", "RING_HASH", "first");
                yield invalid("lb policy " + p, s -> s.put("load_balancer", Map.of("policy", p)));
            }
            case 14 -> invalid("ring hash without source", s -> s.put("load_balancer", Map.of("policy",
                    "ring_hash")));
            case 15 -> {
                String t = draw.pick("bogus", "A", "srv");
                yield invalid("dns_type " + t, s -> s.put("dns_type", t));
            }
            case 16 -> {
                int n = negative(draw);
                yield invalid("num_retries " + n, s -> s.put("retry_policy", Map.of("retry_on", "5xx",
                        "num_retries", n)));
            }
            case 17 -> {
                int n = negative(draw);
                yield invalid("circuit breaker " + n, s -> s.put("circuit_breakers", List.of(Map.of(
                        "max_requests", n))));
            }
            case 18 -> invalid("outlier detection", s -> s.put("outlier_detection", Map.of("a", 1)));
            case 19 -> {
                String u = draw.unicode(40);
                yield either("unicode prefix", s -> s.put("prefix", "/" + u + "/"));
            }
            case 20 -> {
                String u = draw.unicode(40);
                yield either("unicode header value", s -> s.put("add_request_headers", Map.of("x-u",
                        Map.of("value", u))));
            }
            case 21 -> {
                String u = draw.unicode(40);
                yield either("unicode header name", s -> s.put("add_request_headers", Map.of(u,
                        Map.of("value", "v"))));
            }
            case 22 -> {
                String u = draw.unicode(40);
                yield either("unicode hostname", s -> s.put("hostname", u + ".example.com"));
            }
            case 23 -> {
                String u = draw.unicode(40);
                yield either("unicode service", s -> s.put("service", u));
            }
            case 24 -> {
                long n = draw.between((long) Integer.MAX_VALUE, Long.MAX_VALUE);
                yield either("huge timeout " + n, s -> s.put("timeout_ms", n));
            }
            case 25 -> {
                String f = draw.alpha(1, 12);
                yield either("unknown field " + f, s -> s.put("x_" + f, f));
            }
            default -> {
                String u = draw.unicode(40);
                yield either("unicode regex", s -> {
                    s.put("prefix", "/" + u + "(a|b)*");
                    s.put("prefix_regex", true);
                });
            }
        };
    }

    private static Change hostChange(Draw draw) {
        return switch (draw.between(0, 8)) {
            case 0 -> {
                String a = draw.pick("Bounce", "route", "", "Allow");
                yield invalid("insecure action " + a, s -> s.put("requestPolicy", Map.of("insecure",
                        Map.of("action", a))));
            }
            case 1 -> {
                int p = outside(draw, -1, 65535);
                yield invalid("additionalPort " + p, s -> s.put("requestPolicy", Map.of("insecure",
                        Map.of("action", "Route", "additionalPort", p))));
            }
            case 2 -> invalid("tlsSecret without name", s -> s.put("tlsSecret", Map.of("name", "")));
            case 3 -> {
                String v = draw.pick("v9.9", "tls1.2", "1.2", "");
                yield invalid("min_tls_version " + v, s -> {
                    s.put("tlsSecret", Map.of("name", "example-tls"));
                    s.put("tls", Map.of("min_tls_version", v));
                });
            }
            case 4 -> invalid("tls and tlsContext", s -> {
                s.put("tls", Map.of("min_tls_version", "v1.2"));
                s.put("tlsContext", Map.of("name", "ctx"));
            });
            case 5 -> {
                Object v = wrongType(draw);
                yield invalid("hostname " + v, s -> s.put("hostname", v));
            }
            case 6 -> {
                Object v = wrongType(draw);
                yield invalid("requestPolicy " + v, s -> s.put("requestPolicy", List.of(v)));
            }
            case 7 -> {
                String u = draw.unicode(40);
                yield either("unicode hostname", s -> s.put("hostname", u + ".example.com"));
            }
            default -> either("tlsSecret missing", s -> s.put("tlsSecret", Map.of("name", "nowhere")));
        };
    }

    private static Change listenerChange(Draw draw) {
        return switch (draw.between(0, 12)) {
            case 0 -> invalid("no port", s -> s.remove("port"));
            case 1 -> {
                int p = outside(draw, 1, 65535);
                yield invalid("port " + p, s -> s.put("port", p));
            }
            case 2 -> {
                Object p = notAnInteger(draw);
                yield invalid("port " + p, s -> s.put("port", p));
            }
            case 3 -> {
                // Invalid beside a protocolStack too: protocol is an enum in the CRD.
                String p = draw.pick("FTP", "http", "", "QUIC");
                yield invalid("protocol " + p, s -> s.put("protocol", p));
            }
            case 4 -> invalid("no protocol", s -> {
                s.remove("protocol");
                s.remove("protocolStack");
            });
            case 5 -> invalid("no securityModel", s -> s.remove("securityModel"));
            case 6 -> {
                String m = draw.pick("MAYBE", "xfp", "");
                yield invalid("securityModel " + m, s -> s.put("securityModel", m));
            }
            case 7 -> invalid("no hostBinding", s -> s.remove("hostBinding"));
            case 8 -> invalid("stack ends in HTTP", s -> s.put("protocolStack", List.of("TLS", "HTTP")));
            case 9 -> invalid("stack element", s -> s.put("protocolStack", List.of("SCTP", "TCP")));
            case 10 -> {
                int d = negative(draw);
                yield invalid("l7Depth " + d, s -> s.put("l7Depth", d));
            }
            case 11 -> {
                String f = draw.pick("NOBODY", "");
                yield invalid("hostBinding from " + f, s -> s.put("hostBinding", Map.of("namespace",
                        Map.of("from", f))));
            }
            default -> {
                String u = draw.unicode(40);
                yield either("unicode statsPrefix", s -> s.put("statsPrefix", u));
            }
        };
    }

    private static Change tlsContextChange(Draw draw) {
        return switch (draw.between(0, 5)) {
            case 0 -> {
                String v = draw.pick("v9.9", "tls1.2", "");
                yield invalid("min_tls_version " + v, s -> s.put("min_tls_version", v));
            }
            case 1 -> invalid("empty host", s -> s.put("hosts", List.of("")));
            case 2 -> {
                int p = outside(draw, 1, 65535);
                yield invalid("redirect_cleartext_from " + p, s -> s.put("redirect_cleartext_from", p));
            }
            case 3 -> {
                Object v = wrongType(draw);
                yield invalid("hosts " + v, s -> s.put("hosts", Map.of("a", v)));
            }
            case 4 -> either("secret missing", s -> s.put("secret", "nowhere"));
            default -> {
                String u = draw.unicode(40);
                yield either("unicode alpn", s -> s.put("alpn_protocols", u));
            }
        };
    }

    private static Change tcpMappingChange(Draw draw) {
        return switch (draw.between(0, 3)) {
            case 0 -> {
                Object p = notAnInteger(draw);
                yield invalid("port " + p, s -> s.put("port", p));
            }
            case 1 -> {
                Object v = wrongType(draw);
                yield invalid("service " + v, s -> s.put("service", v));
            }
            case 2 -> {
                int w = outside(draw, 0, 100);
                yield either("weight " + w, s -> s.put("weight", w));
            }
            default -> {
                String u = draw.unicode(40);
                yield either("unicode service", s -> s.put("service", u));
            }
        };
    }

    private static Change moduleChange(Draw draw) {
        return switch (draw.between(0, 5)) {
            case 0 -> invalid("no config", s -> s.remove("config"));
            case 1 -> {
                Object v = wrongType(draw);
                yield invalid("config " + v, s -> s.put("config", List.of(v)));
            }
            case 2 -> {
                int n = draw.between(Integer.MIN_VALUE, 0);
                yield invalid("regex_max_size " + n, s -> s.put("config", Map.of("regex_max_size", n)));
            }
            case 3 -> {
                int n = negative(draw);
                yield invalid("xff hops " + n, s -> s.put("config", Map.of("xff_num_trusted_hops", n)));
            }
            case 4 -> {
                int n = draw.between(8193, Integer.MAX_VALUE);
                yield invalid("max headers " + n, s -> s.put("config", Map.of("max_request_headers_kb", n)));
            }
            default -> {
                String a = draw.pick("KEEP", "allow", "");
                yield invalid("underscores " + a, s -> s.put("config", Map.of("headers_with_underscores_action",
                        a)));
            }
        };
    }

    private static Change authChange(Draw draw) {
        return switch (draw.between(0, 3)) {
            case 0 -> {
                String p = draw.pick("soap", "HTTP2", "");
                yield invalid("proto " + p, s -> s.put("proto", p));
            }
            case 1 -> {
                String v = draw.pick("v1", "v4");
                yield invalid("protocol_version " + v, s -> s.put("protocol_version", v));
            }
            case 2 -> {
                int n = draw.between(Integer.MIN_VALUE, 0);
                yield invalid("include_body " + n, s -> s.put("include_body", Map.of("max_bytes", n,
                        "allow_partial", true)));
            }
            default -> invalid("no auth_service", s -> s.remove("auth_service"));
        };
    }

    private static Change rateLimitChange(Draw draw) {
        return switch (draw.between(0, 2)) {
            case 0 -> {
                String v = draw.pick("v2", "v9");
                yield invalid("protocol_version " + v, s -> s.put("protocol_version", v));
            }
            case 1 -> invalid("no service", s -> s.remove("service"));
            default -> {
                int n = negative(draw);
                yield invalid("timeout_ms " + n, s -> s.put("timeout_ms", n));
            }
        };
    }

    /** A spec that is not an object at all. */
    private static Doc specNotAnObject(Draw draw, Doc original) {
        Object value = switch (draw.between(0, 3)) {
            case 0 -> 42;
            case 1 -> "text";
            case 2 -> true;
            default -> List.of(wrongType(draw));
        };
        Map<String, Object> tree = tree(original.text());
        tree.put("spec", value);
        return new Doc(original.kind(), original.name(), original.namespace(), json(tree), Validity.INVALID,
                Reach.ISOLATED, "spec " + value);
    }

    /** A second definition of a valid document's kind and name: reported, and the first one kept. */
    private static Doc duplicateName(Draw draw, int index, List<Doc> valid) {
        List<Doc> candidates = valid.stream().filter(d -> !isSingleton(d.kind()) && !d.kind().equals("Service")
                && !d.kind().equals("Secret")).toList();
        if (candidates.isEmpty()) {
            return mapping(draw, index);
        }
        Doc target = draw.pick(candidates);
        Map<String, Object> tree = tree(target.text());
        Map<String, Object> fresh = tree(switch (target.kind()) {
            case "Mapping" -> mapping(draw, index).text();
            case "Host" -> host(draw, index).text();
            case "Listener" -> listener(draw, index).text();
            case "TCPMapping" -> tcpMapping(draw, index).text();
            default -> target.text();
        });
        tree.put("spec", fresh.get("spec"));
        return new Doc(target.kind(), target.name(), target.namespace(), json(tree), Validity.INVALID,
                Reach.ISOLATED, "duplicate of " + target.key());
    }

    /** A Host whose hostname a valid Host already claims (or a shared one): either outcome, shared reach. */
    private static Doc conflictingHost(Draw draw, int index, List<Doc> valid) {
        Doc fresh = host(draw, index);
        Map<String, Object> tree = tree(fresh.text());
        List<Doc> hosts = valid.stream().filter(d -> d.kind().equals("Host")).toList();
        spec(tree).put("hostname", hosts.isEmpty() ? "shared.example.com"
                : spec(tree(draw.pick(hosts).text())).get("hostname"));
        return new Doc("Host", fresh.name(), fresh.namespace(), json(tree), Validity.EITHER, Reach.SHARED,
                "conflicting hostname");
    }

    /** A valid document's text with some characters replaced, removed or inserted: usually no longer YAML. */
    private static Doc damagedText(Draw draw, int index) {
        Doc fresh = draw.pick(MUTABLE).make(draw, index);
        StringBuilder damaged = new StringBuilder(fresh.text());
        int edits = draw.between(1, 6);
        for (int e = 0; e < edits; e++) {
            int at = draw.between(0, damaged.length() - 1);
            String noise = draw.chars("{}[]:,\"'\n -#&*!|>%@`\\\t\u00e9\u4e2d", 1, 3);
            switch (draw.between(0, 2)) {
                case 0 -> damaged.insert(at, noise);
                case 1 -> damaged.deleteCharAt(at);
                default -> damaged.replace(at, Math.min(damaged.length(), at + noise.length()), noise);
            }
        }
        return new Doc(fresh.kind(), fresh.name(), fresh.namespace(), damaged.toString(), Validity.EITHER,
                fresh.kind().equals("Host") ? Reach.SHARED : Reach.ISOLATED, "damaged text");
    }

    /**
     * A megabyte string where a number is expected (an error), or as a Mapping's prefix or header (either). SnakeYAML
     * reads a long scalar in time quadratic in its length (about 0.3 s for 1 MiB, 4 s for 4 MiB), so these are
     * drawn rarely.
     */
    private static Doc megabyteString(Draw draw, int index) {
        Doc fresh = mappingTemplate(index);
        Map<String, Object> tree = tree(fresh.text());
        String huge = String.valueOf((char) ('a' + draw.between(0, 25))).repeat(1 << 20);
        Validity validity = Validity.EITHER;
        switch (draw.between(0, 2)) {
            case 0 -> {
                spec(tree).put("timeout_ms", huge);
                validity = Validity.INVALID;
            }
            case 1 -> spec(tree).put("prefix", "/" + huge);
            default -> spec(tree).put("add_request_headers", Map.of("x-huge", Map.of("value", huge)));
        }
        return new Doc("Mapping", fresh.name(), fresh.namespace(), json(tree), validity, Reach.ISOLATED,
                "megabyte string");
    }

    /** Nested lists where a string is expected: deeper than the parser allows (a file error), or not. */
    private static Doc deepNesting(Draw draw, int index) {
        int depth = draw.pick(50, 150, 199, 201, 1000, 20_000);
        Doc fresh = mappingTemplate(index);
        Map<String, Object> tree = tree(fresh.text());
        spec(tree).put("prefix", "__DEEP__");
        String text = json(tree).replace("\"__DEEP__\"", "[".repeat(depth) + "]".repeat(depth));
        return new Doc("Mapping", fresh.name(), fresh.namespace(), text, Validity.INVALID, Reach.ISOLATED,
                "nesting " + depth);
    }

    private static Doc mappingTemplate(int index) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("hostname", "*");
        spec.put("prefix", "/m" + index + "/");
        spec.put("service", "svc" + index);
        return doc("Mapping", "m" + index, spec);
    }

    // ---- rendering ----

    private static Doc doc(String kind, String name, Map<String, Object> spec) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("apiVersion", "getambassador.io/v3alpha1");
        tree.put("kind", kind);
        tree.put("metadata", Map.of("name", name, "namespace", "default"));
        tree.put("spec", new LinkedHashMap<>(spec));
        return new Doc(kind, name, "default", json(tree), Validity.VALID, Reach.ISOLATED, "none");
    }

    static String json(Object tree) {
        try {
            return JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> tree(String json) {
        try {
            return JSON.readValue(json, LinkedHashMap.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> tlsData() {
        for (RawDocument d : Fixtures.parse("_secrets.yaml",
                Fixtures.read(Fixtures.GOLDEN.resolve("_secrets.yaml"))).documents()) {
            if (d.tree().path("metadata").path("name").asText().equals("example-tls")
                    && d.tree().path("metadata").path("namespace").isMissingNode()) {
                return JSON.convertValue(d.tree().get("data"), Map.class);
            }
        }
        throw new IllegalStateException("no example-tls Secret in the golden fixtures");
    }
}
