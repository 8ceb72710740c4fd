package dev.legate.acceptance;

import static dev.legate.acceptance.Resources.map;
import static dev.legate.acceptance.Resources.mapping;
import static dev.legate.acceptance.Resources.resource;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Scenarios written one by one, for cases a matrix does not reach. Hostnames {@code hwN.mm.example}. */
final class HandWritten {

    private HandWritten() {
    }

    static List<Scenario> all() {
        return List.of(regexRewrite(), hostRedirect(), removeThenAdd(), caseInsensitive(), endpointResolver(),
                responseHeaders());
    }

    private static String host(String id) {
        return id + Generator.MAPPING_HOST_SUFFIX;
    }

    /** regex_rewrite with capture groups: Envoy substitutes \1, \2 in the path, and keeps the query. */
    static Scenario regexRewrite() {
        String a = host("hw1");
        return new Scenario("hw1-regex-rewrite", List.of("regex_rewrite"),
                List.of(mapping("hw1-m", "alpha", map("hostname", a, "prefix", "/hw1/",
                        "regex_rewrite", map("pattern", "^/hw1/([a-z]+)/([0-9]+)$", "substitution", "/\\2/\\1")))),
                List.of(Query.get("groups swapped", a, "/hw1/item/42?full=1",
                                Expected.Routed.to("alpha", "/42/item?full=1", a)),
                        Query.get("no match: path unchanged", a, "/hw1/item/x",
                                Expected.Routed.to("alpha", "/hw1/item/x", a))));
    }

    /**
     * host_redirect: the Mapping's service is the new host; path_redirect replaces the path and the response code is
     * the one asked for. The scheme is the request's (X-Forwarded-Proto).
     */
    static Scenario hostRedirect() {
        String a = host("hw2");
        return new Scenario("hw2-host-redirect", List.of("host_redirect", "path_redirect", "redirect_response_code"),
                List.of(resource("Mapping", "hw2-path", map("hostname", a, "prefix", "/hw2/moved/",
                                "service", "target.example", "host_redirect", true, "path_redirect", "/elsewhere",
                                "redirect_response_code", 302)),
                        resource("Mapping", "hw2-host", map("hostname", a, "prefix", "/hw2/host/",
                                "service", "other.example", "host_redirect", true))),
                List.of(Query.get("302 to the new host and path", a, "/hw2/moved/x",
                                new Expected.Redirect(302, "https://target.example/elsewhere")),
                        Query.get("301 to the new host, same path", a, "/hw2/host/y/z",
                                new Expected.Redirect(301, "https://other.example/hw2/host/y/z"))));
    }

    /** Removing and adding one header: Envoy removes first, so only the added value reaches the backend. */
    static Scenario removeThenAdd() {
        String a = host("hw3");
        return new Scenario("hw3-remove-then-add", List.of("remove_request_headers", "add_request_headers"),
                List.of(mapping("hw3-m", "gamma", map("hostname", a, "prefix", "/hw3/",
                        "remove_request_headers", List.of("x-swap"),
                        "add_request_headers", map("x-swap", map("value", "new", "append", false))))),
                List.of(Query.get("only the new value", a, "/hw3/p", new Expected.Routed("gamma", "/p", a,
                        Map.of("x-swap", "new"), Set.of(), Map.of(), Set.of())).withHeaders(Map.of("x-swap", "old"))));
    }

    /** case_sensitive: false matches the prefix in any case; the rewrite swaps the matched part. */
    static Scenario caseInsensitive() {
        String a = host("hw4");
        return new Scenario("hw4-case-insensitive", List.of("case_sensitive=false"),
                List.of(mapping("hw4-m", "alpha", map("hostname", a, "prefix", "/HW4/Mixed/",
                        "case_sensitive", false))),
                List.of(Query.get("lower case", a, "/hw4/mixed/x", Expected.Routed.to("alpha", "/x", a)),
                        Query.get("as written", a, "/HW4/Mixed/y", Expected.Routed.to("alpha", "/y", a))));
    }

    /**
     * resolver: endpoint: the cluster is an EDS cluster whose endpoints come from the Service's Endpoints (the
     * backend {@code delta}'s port), sent over EDS.
     */
    static Scenario endpointResolver() {
        String a = host("hw5");
        return new Scenario("hw5-endpoint-resolver", List.of("resolver=endpoint", "eds"),
                List.of(map("apiVersion", "v1", "kind", "Service",
                                "metadata", map("name", "delta", "namespace", Resources.NAMESPACE),
                                "spec", map("ports", List.of(map("name", "http", "port", 80,
                                        "targetPort", "${port:delta}")))),
                        map("apiVersion", "v1", "kind", "Endpoints",
                                "metadata", map("name", "delta", "namespace", Resources.NAMESPACE),
                                "subsets", List.of(map("addresses", List.of(map("ip", "127.0.0.1")),
                                        "ports", List.of(map("name", "http", "port", "${port:delta}"))))),
                        resource("KubernetesEndpointResolver", "endpoint", map()),
                        resource("Mapping", "hw5-m", map("hostname", a, "prefix", "/hw5/", "service", "delta",
                                "resolver", "endpoint"))),
                List.of(Query.get("through EDS", a, "/hw5/a/b", Expected.Routed.to("delta", "/a/b", a)),
                        Query.get("through EDS, POST", a, "/hw5/", Expected.Routed.to("delta", "/", a))
                                .withMethod("POST")));
    }

    /** add_response_headers and remove_response_headers, against a header the backend itself adds. */
    static Scenario responseHeaders() {
        String a = host("hw6");
        return new Scenario("hw6-response-headers", List.of("add_response_headers", "remove_response_headers"),
                List.of(mapping("hw6-m", "beta", map("hostname", a, "prefix", "/hw6/",
                        "add_response_headers", map("x-gw", map("value", "added")),
                        "remove_response_headers", List.of("x-backend-secret")))),
                List.of(Query.get("added and removed", a, "/hw6/p", new Expected.Routed("beta", "/p", a, Map.of(),
                        Set.of(), Map.of("x-gw", "added"), Set.of("x-backend-secret")))
                        .withHeaders(Map.of("x-echo-response-header", "x-backend-secret=1"))));
    }
}
