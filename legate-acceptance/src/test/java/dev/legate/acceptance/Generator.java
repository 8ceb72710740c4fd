package dev.legate.acceptance;

import static dev.legate.acceptance.Resources.host;
import static dev.legate.acceptance.Resources.map;
import static dev.legate.acceptance.Resources.mapping;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds scenarios as a matrix of features, with the answers Emissary's semantics predict (Emissary's compiler and
 * Envoy's documented route behaviour, not Legate's output):
 * <ul>
 *   <li>Mappings: match (prefix, prefix_regex, prefix_exact) x rewrite (default "/", "", a path) x host_rewrite x
 *       selector (none, headers, regex_headers, query_parameters, regex_query_parameters) x header operations (none, add_request_headers,
 *       remove_request_headers, add_response_headers), bound to an exact hostname or to "*" in turn;
 *   <li>Hosts: requestPolicy.insecure.action (Redirect, Route, Reject) x exact or wildcard hostname x Mapping bound
 *       to the Host's hostname or "*" x method, each queried on the three Listener securityModels with
 *       X-Forwarded-Proto https, http and absent;
 *   <li>canaries: two- and three-way weights, with equal or different rewrites;
 *   <li>precedence: explicit precedence, longer prefixes, header, method, query and host constraints.
 * </ul>
 */
final class Generator {

    /** The wildcard Host every Mapping scenario is reached through ({@code sNNN.mm.example}). */
    static final String MAPPING_HOST_SUFFIX = ".mm.example";

    private int next;

    /** Every generated scenario, plus the wildcard Host the Mapping scenarios use. */
    List<Scenario> all() {
        List<Scenario> all = new ArrayList<>();
        all.add(new Scenario("mm-host", List.of("host=*.mm.example"),
                List.of(host("mm-host", "*" + MAPPING_HOST_SUFFIX, "Route")), List.of()));
        all.addAll(mappingMatrix());
        all.addAll(hostMatrix());
        all.addAll(canaries());
        all.addAll(precedence());
        return all;
    }

    private String id() {
        return String.format("s%03d", next++);
    }

    // ---- Mapping options ------------------------------------------------------------------------------------

    enum Match { PREFIX, REGEX, EXACT }

    enum Rewrite { DEFAULT, NONE, CUSTOM }

    enum HostRewrite { NONE, LITERAL }

    enum Selector { NONE, HEADER, REGEX_HEADER, QUERY, REGEX_QUERY }

    enum HeaderOps { NONE, ADD_REQUEST, REMOVE_REQUEST, ADD_RESPONSE }

    List<Scenario> mappingMatrix() {
        List<Scenario> out = new ArrayList<>();
        int i = 0;
        for (Match match : Match.values()) {
            for (Rewrite rewrite : Rewrite.values()) {
                for (HostRewrite hostRewrite : HostRewrite.values()) {
                    for (Selector selector : Selector.values()) {
                        for (HeaderOps ops : HeaderOps.values()) {
                            out.add(mappingScenario(id(), match, rewrite, hostRewrite, selector, ops,
                                    i++ % 2 == 0 ? Binding.HOSTNAME : Binding.STAR));
                        }
                    }
                }
            }
        }
        return out;
    }

    enum Binding { HOSTNAME, STAR }

    private static Scenario mappingScenario(String id, Match match, Rewrite rewrite, HostRewrite hostRewrite,
            Selector selector, HeaderOps ops, Binding binding) {
        String authority = id + MAPPING_HOST_SUFFIX;
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("hostname", binding == Binding.HOSTNAME ? authority : "*");
        String pattern = switch (match) {
            case PREFIX -> "/" + id + "/api/";
            case REGEX -> "/" + id + "/re/[a-z]+";
            case EXACT -> "/" + id + "/exact";
        };
        spec.put("prefix", pattern);
        if (match == Match.REGEX) {
            spec.put("prefix_regex", true);
        } else if (match == Match.EXACT) {
            spec.put("prefix_exact", true);
        }
        switch (rewrite) {
            case DEFAULT -> { } // Emissary's default rewrite is "/"
            case NONE -> spec.put("rewrite", "");
            case CUSTOM -> spec.put("rewrite", "/new/");
        }
        if (hostRewrite == HostRewrite.LITERAL) {
            spec.put("host_rewrite", "rewritten-" + id + ".example");
        }
        switch (selector) {
            case NONE -> { }
            case HEADER -> spec.put("headers", map("x-sel", "blue"));
            case REGEX_HEADER -> spec.put("regex_headers", map("x-sel", "^bl[a-z]+$"));
            case QUERY -> spec.put("query_parameters", map("sel", "blue"));
            case REGEX_QUERY -> spec.put("regex_query_parameters", map("sel", "^bl[a-z]+$"));
        }
        switch (ops) {
            case NONE -> { }
            case ADD_REQUEST -> spec.put("add_request_headers", map("x-added", map("value", "added-" + id)));
            case REMOVE_REQUEST -> spec.put("remove_request_headers", List.of("x-drop"));
            case ADD_RESPONSE -> spec.put("add_response_headers", map("x-resp", map("value", "resp-" + id)));
        }
        List<String> features = List.of("match=" + match, "rewrite=" + rewrite, "host_rewrite=" + hostRewrite,
                "selector=" + selector, "headers=" + ops, "binding=" + binding);

        // Paths that match, and paths that must not.
        List<String> hits = switch (match) {
            case PREFIX -> List.of("/" + id + "/api/item?x=1", "/" + id + "/api/");
            case REGEX -> List.of("/" + id + "/re/abc?x=1", "/" + id + "/re/zz");
            case EXACT -> List.of("/" + id + "/exact?x=1", "/" + id + "/exact");
        };
        List<String> misses = switch (match) {
            case PREFIX -> List.of("/" + id + "/apix", "/" + id + "/ap");
            case REGEX -> List.of("/" + id + "/re/123", "/" + id + "/re/abc/def");
            case EXACT -> List.of("/" + id + "/exact/more", "/" + id + "/exactly");
        };
        Map<String, String> goodSelector = switch (selector) {
            case HEADER, REGEX_HEADER -> Map.of("x-sel", "blue");
            default -> Map.of();
        };
        String host = hostRewrite == HostRewrite.LITERAL ? "rewritten-" + id + ".example" : authority;
        List<Query> queries = new ArrayList<>();
        for (String hit : hits) {
            String path = isQuery(selector) ? withQuery(hit, "sel=blue") : hit;
            queries.add(Query.get("matches", authority, path, routed(id, ops, expectedPath(match, rewrite,
                    pattern, path), host)).withHeaders(goodSelector).withHeaders(Map.of("x-drop", "1")));
        }
        String first = isQuery(selector) ? withQuery(hits.get(0), "sel=blue") : hits.get(0);
        queries.add(Query.get("any method matches", authority, first, routed(id, ops, expectedPath(match, rewrite,
                pattern, first), host)).withHeaders(goodSelector).withHeaders(Map.of("x-drop", "1"))
                .withMethod("POST"));
        for (String miss : misses) {
            String path = isQuery(selector) ? withQuery(miss, "sel=blue") : miss;
            queries.add(Query.get("path does not match", authority, path, new Expected.NotFound())
                    .withHeaders(goodSelector));
        }
        switch (selector) {
            case NONE -> { }
            case HEADER -> queries.add(Query.get("wrong header value", authority, first, new Expected.NotFound())
                    .withHeaders(Map.of("x-sel", "green")));
            case REGEX_HEADER -> {
                queries.add(Query.get("header fails the regex", authority, first, new Expected.NotFound())
                        .withHeaders(Map.of("x-sel", "red")));
                queries.add(Query.get("header missing", authority, first, new Expected.NotFound()));
            }
            case QUERY -> queries.add(Query.get("wrong query parameter", authority,
                    withQuery(hits.get(0), "sel=red"), new Expected.NotFound()));
            case REGEX_QUERY -> {
                queries.add(Query.get("query parameter fails the regex", authority,
                        withQuery(hits.get(0), "sel=red"), new Expected.NotFound()));
                queries.add(Query.get("query parameter missing", authority, hits.get(0), new Expected.NotFound()));
            }
        }
        // Another host under the same wildcard Host: only a Mapping bound to "*" takes it.
        String other = "other-" + authority;
        queries.add(Query.get("another hostname", other, first, binding == Binding.STAR
                ? routed(id, ops, expectedPath(match, rewrite, pattern, first),
                        hostRewrite == HostRewrite.LITERAL ? host : other)
                : new Expected.NotFound()).withHeaders(goodSelector).withHeaders(Map.of("x-drop", "1")));
        // The same queries through every Listener's own routes: the Host routes insecure requests, so each
        // securityModel routes them whatever X-Forwarded-Proto says (SECURE gets "http", INSECURE "https").
        List<Query> everywhere = new ArrayList<>(queries);
        for (Query q : queries) {
            everywhere.add(q.on(ListenerKind.SECURE).withHeaders(Map.of("x-forwarded-proto", "http")));
            everywhere.add(q.on(ListenerKind.INSECURE));
        }
        return new Scenario(id + "-mapping", features, List.of(mapping(id + "-m", "alpha", spec)), everywhere);
    }

    private static boolean isQuery(Selector selector) {
        return selector == Selector.QUERY || selector == Selector.REGEX_QUERY;
    }

    private static Expected.Routed routed(String id, HeaderOps ops, String path, String host) {
        Map<String, String> added = switch (ops) {
            case ADD_REQUEST -> Map.of("x-added", "added-" + id, "x-drop", "1");
            case REMOVE_REQUEST -> Map.of();
            default -> Map.of("x-drop", "1");
        };
        Set<String> removed = ops == HeaderOps.REMOVE_REQUEST ? Set.of("x-drop") : Set.of();
        Map<String, String> response = ops == HeaderOps.ADD_RESPONSE ? Map.of("x-resp", "resp-" + id) : Map.of();
        return new Expected.Routed("alpha", path, host, added, removed, response, Set.of());
    }

    private static String withQuery(String path, String param) {
        return path + (path.contains("?") ? "&" : "?") + param;
    }

    /**
     * The path the backend sees. Emissary writes {@code rewrite} (default "/") as Envoy's prefix_rewrite (an empty
     * rewrite writes none); Envoy swaps the matched part for it: the prefix for a prefix match, the whole path (not
     * the query) for an exact or regex match.
     */
    static String expectedPath(Match match, Rewrite rewrite, String pattern, String path) {
        String to = switch (rewrite) {
            case DEFAULT -> "/";
            case NONE -> null;
            case CUSTOM -> "/new/";
        };
        if (to == null) {
            return path;
        }
        int q = path.indexOf('?');
        String bare = q < 0 ? path : path.substring(0, q);
        return switch (match) {
            case PREFIX -> to + path.substring(pattern.length());
            case REGEX, EXACT -> to + path.substring(bare.length());
        };
    }

    // ---- Host options x Listener securityModel x X-Forwarded-Proto --------------------------------------------

    enum HostName { EXACT, WILDCARD }

    List<Scenario> hostMatrix() {
        List<Scenario> out = new ArrayList<>();
        for (String action : List.of("Redirect", "Route", "Reject")) {
            for (HostName hostName : HostName.values()) {
                for (Binding binding : Binding.values()) {
                    for (String method : new String[] {null, "POST"}) {
                        out.add(hostScenario(id(), action, hostName, binding, method));
                    }
                }
            }
        }
        return out;
    }

    private static Scenario hostScenario(String id, String action, HostName hostName, Binding binding,
            String method) {
        String hostname = hostName == HostName.EXACT ? id + ".example" : "*." + id + ".example";
        String authority = hostName == HostName.EXACT ? hostname : "app." + id + ".example";
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("hostname", binding == Binding.HOSTNAME ? hostname : "*");
        spec.put("prefix", "/" + id + "/svc/");
        if (method != null) {
            spec.put("method", method);
        }
        String path = "/" + id + "/svc/x?y=1";
        List<Query> queries = new ArrayList<>();
        List<String> methods = method == null ? List.of("GET") : List.of("POST", "GET");
        for (ListenerKind listener : ListenerKind.values()) {
            for (String xfp : new String[] {"https", "http", null}) {
                for (String m : methods) {
                    Expected expected;
                    if (listener == ListenerKind.INSECURE && action.equals("Redirect")) {
                        expected = new Expected.NotFound(); // not bound to that Listener (see Resources.host)
                    } else if (method != null && !method.equals(m)) {
                        expected = new Expected.NotFound(); // the redirect variant keeps the method match too
                    } else if (listener.secure(xfp) || action.equals("Route")) {
                        expected = Expected.Routed.to("beta", "/x?y=1", authority);
                    } else if (action.equals("Redirect")) {
                        expected = new Expected.Redirect(301, "https://" + authority + path);
                    } else {
                        expected = new Expected.NotFound();
                    }
                    queries.add(new Query("insecure " + action + " on " + listener + " with XFP " + xfp, listener,
                            m, authority, path, xfp == null ? Map.of() : Map.of("x-forwarded-proto", xfp), 1,
                            expected));
                }
            }
        }
        return new Scenario(id + "-host", List.of("insecure=" + action, "hostname=" + hostName,
                "binding=" + binding, "method=" + (method == null ? "any" : method)),
                List.of(host(id + "-host", hostname, action), mapping(id + "-m", "beta", spec)), queries);
    }

    // ---- Canaries ---------------------------------------------------------------------------------------------

    /** Requests per canary query (each draws its own route random, from a fixed sequence per query). */
    static final int CANARY_REQUESTS = 400;

    List<Scenario> canaries() {
        List<Scenario> out = new ArrayList<>();
        for (int weight : new int[] {0, 10, 25, 50, 75, 90, 100}) {
            for (boolean sameRewrite : new boolean[] {true, false}) {
                String id = id();
                String authority = id + MAPPING_HOST_SUFFIX;
                Map<String, Object> a = map("hostname", authority, "prefix", "/" + id + "/c/", "weight", weight);
                Map<String, Object> b = map("hostname", authority, "prefix", "/" + id + "/c/");
                if (!sameRewrite) {
                    a.put("rewrite", "/a/");
                    b.put("rewrite", "/b/");
                }
                Query q = Query.get("canary " + weight + "%", authority, "/" + id + "/c/p?k=v",
                        new Expected.Split(Map.of("alpha", weight, "beta", 100 - weight),
                                sameRewrite ? Map.of("alpha", "/p?k=v", "beta", "/p?k=v")
                                        : Map.of("alpha", "/a/p?k=v", "beta", "/b/p?k=v")))
                        .repeated(CANARY_REQUESTS);
                out.add(new Scenario(id + "-canary", List.of("canary=" + weight, "rewrites="
                        + (sameRewrite ? "same" : "different")),
                        List.of(mapping(id + "-a", "alpha", a), mapping(id + "-b", "beta", b)), List.of(q)));
            }
        }
        for (int[] w : new int[][] {{20, 30}, {10, 10}, {60, 30}}) {
            String id = id();
            String authority = id + MAPPING_HOST_SUFFIX;
            int rest = 100 - w[0] - w[1];
            Query q = Query.get("three-way canary", authority, "/" + id + "/c/p",
                    new Expected.Split(Map.of("alpha", w[0], "beta", w[1], "gamma", rest),
                            Map.of("alpha", "/p", "beta", "/p", "gamma", "/p"))).repeated(CANARY_REQUESTS);
            out.add(new Scenario(id + "-canary3", List.of("canary=" + w[0] + "/" + w[1] + "/" + rest),
                    List.of(mapping(id + "-a", "alpha", map("hostname", authority, "prefix", "/" + id + "/c/",
                                    "weight", w[0])),
                            mapping(id + "-b", "beta", map("hostname", authority, "prefix", "/" + id + "/c/",
                                    "weight", w[1])),
                            mapping(id + "-c", "gamma", map("hostname", authority, "prefix", "/" + id + "/c/"))),
                    List.of(q)));
        }
        return out;
    }

    // ---- Precedence -----------------------------------------------------------------------------------------

    List<Scenario> precedence() {
        List<Scenario> out = new ArrayList<>();
        for (boolean explicit : new boolean[] {true, false}) {
            String id = id();
            String authority = id + MAPPING_HOST_SUFFIX;
            Map<String, Object> shortSpec = map("hostname", authority, "prefix", "/" + id + "/");
            if (explicit) {
                shortSpec.put("precedence", 10);
            }
            out.add(new Scenario(id + "-precedence", List.of("precedence=" + (explicit ? "explicit" : "none")),
                    List.of(mapping(id + "-short", "alpha", shortSpec),
                            mapping(id + "-long", "beta", map("hostname", authority, "prefix", "/" + id + "/long/"))),
                    List.of(Query.get(explicit ? "precedence beats a longer prefix" : "the longer prefix wins",
                                    authority, "/" + id + "/long/x", explicit
                                            ? Expected.Routed.to("alpha", "/long/x", authority)
                                            : Expected.Routed.to("beta", "/x", authority)),
                            Query.get("only the short prefix", authority, "/" + id + "/other",
                                    Expected.Routed.to("alpha", "/other", authority)))));
        }
        String id = id();
        String authority = id + MAPPING_HOST_SUFFIX;
        out.add(constrained(id, authority, "header", map("headers", map("x-sel", "blue")),
                Map.of("x-sel", "blue"), "GET", "/" + id + "/x"));
        id = id();
        authority = id + MAPPING_HOST_SUFFIX;
        out.add(constrained(id, authority, "method", map("method", "POST"), Map.of(), "POST", "/" + id + "/x"));
        id = id();
        authority = id + MAPPING_HOST_SUFFIX;
        out.add(constrained(id, authority, "query", map("query_parameters", map("v", "2")), Map.of(), "GET",
                "/" + id + "/x?v=2"));
        id = id();
        authority = id + MAPPING_HOST_SUFFIX;
        // A Mapping for one exact hostname and one for any: the exact one first, whatever the order.
        out.add(new Scenario(id + "-precedence-host", List.of("precedence=hostname"),
                List.of(mapping(id + "-any", "alpha", map("hostname", "*", "prefix", "/" + id + "/")),
                        mapping(id + "-exact", "beta", map("hostname", authority, "prefix", "/" + id + "/"))),
                List.of(Query.get("the exact hostname's Mapping", authority, "/" + id + "/x",
                                Expected.Routed.to("beta", "/x", authority)),
                        Query.get("another hostname takes the general one", "zz-" + authority, "/" + id + "/x",
                                Expected.Routed.to("alpha", "/x", "zz-" + authority)))));
        return out;
    }

    /** A Mapping with one more constraint goes first; without the constraint the general one answers. */
    private static Scenario constrained(String id, String authority, String feature, Map<String, Object> extra,
            Map<String, String> hitHeaders, String hitMethod, String hitPath) {
        Map<String, Object> specific = map("hostname", authority, "prefix", "/" + id + "/");
        specific.putAll(extra);
        String rest = hitPath.substring(("/" + id).length());
        return new Scenario(id + "-precedence-" + feature, List.of("precedence=" + feature),
                List.of(mapping(id + "-general", "alpha", map("hostname", authority, "prefix", "/" + id + "/")),
                        mapping(id + "-specific", "beta", specific)),
                List.of(Query.get("the constrained Mapping", authority, hitPath,
                                Expected.Routed.to("beta", rest, authority)).withHeaders(hitHeaders)
                                .withMethod(hitMethod),
                        Query.get("the general Mapping", authority, "/" + id + "/x",
                                Expected.Routed.to("alpha", "/x", authority))));
    }
}
