package dev.legate.acceptance;

import static dev.legate.acceptance.Resources.host;
import static dev.legate.acceptance.Resources.map;
import static dev.legate.acceptance.Resources.mapping;
import static dev.legate.acceptance.Resources.resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scenarios of the external services (AuthService, RateLimitService), generated as a small matrix. Each
 * configuration holds one AuthService (Emissary allows one), so they come in two configurations of their own, apart
 * from the main one: gRPC AuthService with a RateLimitService, and HTTP AuthService. Expected answers follow
 * Emissary's documented semantics (and Envoy's ext_authz and ratelimit filters, which Emissary configures):
 *
 * <ul>
 *   <li>AuthService (proto grpc, proto http) x Mapping rewrite (default "/", "/in/") (x {@code bypass_auth}, see
 *       {@link #BYPASS_AUTH_IN_TIER_1}), each with
 *       queries the auth backend allows or denies (by path, by {@code requested-status}, by a header only gRPC
 *       forwards), with headers the backend returns: gRPC adds all of them upstream (and returns all of them on a
 *       denial); HTTP only those in {@code allowed_authorization_headers} (and Emissary's defaults), and only the
 *       request headers in {@code allowed_request_headers} (and the defaults) reach the auth service, behind its
 *       {@code path_prefix}. Then, with the auth backend stopped: gRPC ({@code failure_mode_allow: false},
 *       {@code status_on_error: 503}) answers 503, HTTP ({@code failure_mode_allow: true}) lets requests through.</li>
 *   <li>RateLimitService x Mapping labels: generic_key, request_headers (with and without
 *       {@code omit_if_not_present}), remote_address, destination_cluster, two label groups; every request passes
 *       the AuthService first (one is denied there, and never reaches the rate limit); the rate-limit backend answers OVER_LIMIT for a descriptor value {@code over} (429 to the client) and
 *       OK otherwise, and asks for {@code x-legate-ratelimit-backend} on the client's response either way.</li>
 * </ul>
 */
final class ServiceScenarios {

    static final String GRPC_AUTH = "authz-grpc";
    static final String HTTP_AUTH = "authz-http";
    static final String RATELIMIT = "ratelimit";
    static final String HOSTNAME = "svc.example";
    private static final String ECHO = "beta";
    private static final String AUTH_BACKEND = "x-legate-auth-backend";
    private static final String AUTH_PATH = "x-legate-auth-path";
    private static final String RL_BACKEND = "x-legate-ratelimit-backend";

    enum Proto { GRPC, HTTP }

    /**
     * Whether {@code bypass_auth} Mappings are generated. Not with Armeria 1.35: {@code bypass_auth} becomes the
     * route's {@code typed_per_filter_config} {@code ExtAuthzPerRoute{disabled: true}}, and Armeria parses every
     * per-route configuration with the filter factory of its name: without one it refuses the route (the connection
     * manager marking ext_authz optional does not help), and with one it parses the per-route configuration and the
     * connection manager's {@code ExtAuthz} with the same class, so one of them always fails; a {@code FilterConfig}
     * marked {@code is_optional} is not recognised either (it compares the type URL without its
     * {@code type.googleapis.com/} prefix). The expectations for bypassed Mappings are kept, for a client that can.
     */
    static final boolean BYPASS_AUTH_IN_TIER_1 = false;

    /**
     * One configuration's scenarios: those run while its auth backend is up, then those run after it is stopped.
     *
     * @param authBackend the name of the auth backend its AuthService points to
     */
    record Configuration(String name, String authBackend, List<Scenario> scenarios, List<Scenario> authDown) {
        Configuration {
            scenarios = List.copyOf(scenarios);
            authDown = List.copyOf(authDown);
        }

        boolean rateLimited() {
            return authBackend.equals(GRPC_AUTH);
        }
    }

    private int next;

    private String id(String prefix) {
        return String.format("%s%02d", prefix, next++);
    }

    /** The gRPC AuthService with the RateLimitService, and the HTTP AuthService. */
    List<Configuration> all() {
        return List.of(configuration(Proto.GRPC), configuration(Proto.HTTP));
    }

    private Configuration configuration(Proto proto) {
        List<Scenario> up = new ArrayList<>();
        List<Scenario> down = new ArrayList<>();
        up.add(new Scenario("svc-base-" + proto.name().toLowerCase(java.util.Locale.ROOT), List.of("services"),
                base(proto), List.of()));
        // bypass_auth is left out: it becomes a per-route ExtAuthzPerRoute, and Armeria 1.35's xDS client refuses a
        // route configuration carrying one (see BYPASS_AUTH_IN_TIER_1).
        for (boolean customRewrite : new boolean[] {false, true}) {
            for (boolean bypass : BYPASS_AUTH_IN_TIER_1 ? new boolean[] {false, true} : new boolean[] {false}) {
                String id = id("a");
                up.add(authScenario(id, proto, customRewrite, bypass));
                down.add(authDownScenario(id, proto, customRewrite ? "/in/" : "/", bypass));
            }
        }
        if (proto == Proto.GRPC) {
            up.addAll(rateLimitScenarios());
        }
        return new Configuration(proto.name().toLowerCase(java.util.Locale.ROOT),
                proto == Proto.GRPC ? GRPC_AUTH : HTTP_AUTH, up, down);
    }

    /** The Host, the AuthService and (gRPC) the RateLimitService. */
    private static List<Map<String, Object>> base(Proto proto) {
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(host("svc-host", HOSTNAME, "Route"));
        if (proto == Proto.GRPC) {
            out.add(resource("AuthService", "authentication", map("auth_service", "${backend:" + GRPC_AUTH + "}",
                    "proto", "grpc", "protocol_version", "v3", "timeout_ms", 5000, "failure_mode_allow", false,
                    "status_on_error", map("code", 503))));
            out.add(resource("RateLimitService", "ratelimit", map("service", "${backend:" + RATELIMIT + "}",
                    "protocol_version", "v3", "timeout_ms", 5000)));
        } else {
            out.add(resource("AuthService", "authentication", map("auth_service", "${backend:" + HTTP_AUTH + "}",
                    "proto", "http", "path_prefix", "/extauth", "timeout_ms", 5000, "failure_mode_allow", true,
                    "allowed_request_headers", List.of("requested-status", "requested-header"),
                    "allowed_authorization_headers", List.of("x-auth-user", AUTH_PATH))));
        }
        return out;
    }

    // ---- AuthService ------------------------------------------------------------------------------------------

    private static Scenario authScenario(String id, Proto proto, boolean customRewrite, boolean bypass) {
        String prefix = "/" + id + "/";
        String base = customRewrite ? "/in/" : "/";
        Map<String, Object> spec = map("hostname", HOSTNAME, "prefix", prefix);
        if (customRewrite) {
            spec.put("rewrite", base);
        }
        if (bypass) {
            spec.put("bypass_auth", true);
        }
        boolean grpc = proto == Proto.GRPC;
        String authName = grpc ? GRPC_AUTH : HTTP_AUTH;
        String authPrefix = grpc ? "" : "/extauth";
        List<Query> queries = new ArrayList<>();

        // Allowed: gRPC adds every header of the OK response upstream; HTTP only the allowed ones.
        String okPath = prefix + "ok?x=1";
        queries.add(Query.get("allowed", HOSTNAME, okPath, bypass
                ? routed(base + "ok?x=1", Map.of(), Set.of(AUTH_BACKEND, AUTH_PATH))
                : grpc ? routed(base + "ok?x=1", Map.of(AUTH_BACKEND, authName, AUTH_PATH, okPath), Set.of())
                : routed(base + "ok?x=1", Map.of(AUTH_PATH, authPrefix + okPath), Set.of(AUTH_BACKEND))));

        // Denied by the path: the auth service's status and headers go back to the client.
        String denyPath = prefix + "deny/x";
        queries.add(Query.get("denied by path", HOSTNAME, denyPath, bypass
                ? routed(base + "deny/x", Map.of(), Set.of(AUTH_BACKEND))
                : grpc ? new Expected.Rejected(403, Map.of(AUTH_BACKEND, authName, AUTH_PATH, denyPath), Set.of())
                : new Expected.Rejected(403, Map.of(AUTH_PATH, authPrefix + denyPath), Set.of(AUTH_BACKEND))));

        // Denied with a chosen status and headers: HTTP returns only the allowed ones.
        Map<String, String> returned = Map.of("requested-header", "x-auth-user=alice, x-auth-extra=bob");
        Map<String, String> denial = new LinkedHashMap<>(returned);
        denial.put("requested-status", "401");
        queries.add(Query.get("denied 401 with headers", HOSTNAME, prefix + "who", bypass
                ? routed(base + "who", Map.of(), Set.of(AUTH_BACKEND))
                : grpc ? new Expected.Rejected(401, Map.of("x-auth-user", "alice", "x-auth-extra", "bob"), Set.of())
                : new Expected.Rejected(401, Map.of("x-auth-user", "alice"), Set.of("x-auth-extra")))
                .withHeaders(denial));

        // Allowed with headers for upstream.
        queries.add(Query.get("allowed with headers", HOSTNAME, prefix + "me", bypass
                ? routed(base + "me", Map.of(), Set.of("x-auth-user", "x-auth-extra"))
                : grpc ? routed(base + "me", Map.of("x-auth-user", "alice", "x-auth-extra", "bob"), Set.of())
                : routed(base + "me", Map.of("x-auth-user", "alice"), Set.of("x-auth-extra")))
                .withHeaders(returned));

        // The auth service's header replaces the client's own.
        queries.add(Query.get("auth header overwrites the client's", HOSTNAME, prefix + "me2", bypass
                ? routed(base + "me2", Map.of("x-auth-user", "mallory"), Set.of())
                : routed(base + "me2", Map.of("x-auth-user", "alice"), Set.of()))
                .withHeaders(Map.of("x-auth-user", "mallory", "requested-header", "x-auth-user=alice")));

        // A header only gRPC forwards to the auth service (HTTP sends only allowed_request_headers).
        queries.add(Query.get("deny header", HOSTNAME, prefix + "h", bypass || !grpc
                ? routed(base + "h", Map.of(), Set.of(AUTH_BACKEND))
                : new Expected.Rejected(403, Map.of(AUTH_BACKEND, authName), Set.of()))
                .withHeaders(Map.of("x-legate-deny", "yes")));

        return new Scenario(id + "-auth-" + proto.name().toLowerCase(java.util.Locale.ROOT)
                + (customRewrite ? "-rewrite" : "") + (bypass ? "-bypass" : ""),
                List.of("auth=" + proto.name().toLowerCase(java.util.Locale.ROOT),
                        "rewrite=" + (customRewrite ? "custom" : "default"), "bypass_auth=" + bypass),
                List.of(mapping(id + "-m", ECHO, spec)), queries);
    }

    /** The same Mapping, asked again once the auth backend is down (no resources of its own). */
    private static Scenario authDownScenario(String id, Proto proto, String base, boolean bypass) {
        String prefix = "/" + id + "/";
        boolean grpc = proto == Proto.GRPC;
        Expected ok = grpc && !bypass ? new Expected.Rejected(503, Map.of(), Set.of(AUTH_BACKEND))
                : routed(base + "ok", Map.of(), Set.of(AUTH_BACKEND, AUTH_PATH));
        Expected deny = grpc && !bypass ? new Expected.Rejected(503, Map.of(), Set.of(AUTH_BACKEND))
                : routed(base + "deny/x", Map.of(), Set.of(AUTH_BACKEND, AUTH_PATH));
        return new Scenario(id + "-auth-down-" + proto.name().toLowerCase(java.util.Locale.ROOT)
                + (bypass ? "-bypass" : ""),
                List.of("auth=" + proto.name().toLowerCase(java.util.Locale.ROOT), "auth backend down",
                        "failure_mode_allow=" + !grpc, "bypass_auth=" + bypass),
                List.of(), List.of(Query.get("auth down", HOSTNAME, prefix + "ok", ok),
                        Query.get("auth down, would be denied", HOSTNAME, prefix + "deny/x", deny)));
    }

    private static Expected.Routed routed(String path, Map<String, String> added, Set<String> removed) {
        return new Expected.Routed(ECHO, path, HOSTNAME, added, removed, Map.of(), Set.of());
    }

    // ---- RateLimitService -------------------------------------------------------------------------------------

    private List<Scenario> rateLimitScenarios() {
        Map<String, Object> xLimit = map("request_headers", map("key", "x-limit", "header_name", "x-limit"));
        Map<String, Object> xLimitOptional = map("request_headers", map("key", "x-limit", "header_name", "x-limit",
                "omit_if_not_present", true));
        List<Scenario> out = new ArrayList<>();
        out.add(rateLimit("generic_key over", List.of(List.of(generic("over"))), false,
                new Case("any", Map.of(), Outcome.OVER)));
        out.add(rateLimit("generic_key fine", List.of(List.of(generic("fine"))), false,
                new Case("any", Map.of(), Outcome.OK)));
        out.add(rateLimit("request_headers", List.of(List.of(xLimit)), false,
                new Case("over", Map.of("x-limit", "over"), Outcome.OVER),
                new Case("fine", Map.of("x-limit", "fine"), Outcome.OK),
                new Case("absent: no descriptor", Map.of(), Outcome.NOT_ASKED)));
        out.add(rateLimit("request_headers omit_if_not_present + generic_key",
                List.of(List.of(xLimitOptional, generic("fine"))), false,
                new Case("over", Map.of("x-limit", "over"), Outcome.OVER),
                new Case("absent: generic_key alone", Map.of(), Outcome.OK)));
        out.add(rateLimit("remote_address + request_headers",
                List.of(List.of(map("remote_address", map("key", "remote_address")), xLimit)), false,
                new Case("over", Map.of("x-limit", "over"), Outcome.OVER),
                new Case("fine", Map.of("x-limit", "fine"), Outcome.OK),
                new Case("absent: no descriptor", Map.of(), Outcome.NOT_ASKED)));
        out.add(rateLimit("destination_cluster + request_headers",
                List.of(List.of(map("destination_cluster", map("key", "destination_cluster")), xLimit)), false,
                new Case("over", Map.of("x-limit", "over"), Outcome.OVER),
                new Case("fine", Map.of("x-limit", "fine"), Outcome.OK)));
        out.add(rateLimit("two label groups", List.of(List.of(generic("fine")), List.of(xLimit)), false,
                new Case("second group over", Map.of("x-limit", "over"), Outcome.OVER),
                new Case("second group absent", Map.of(), Outcome.OK)));
        out.add(rateLimit("auth before the rate limit", List.of(List.of(generic("over"))), false,
                new Case("allowed, then over the limit", Map.of(), Outcome.OVER),
                new Case("denied by auth first", Map.of("x-legate-deny", "yes"), Outcome.DENIED)));
        return out;
    }

    private static Map<String, Object> generic(String value) {
        return map("generic_key", map("value", value));
    }

    private enum Outcome { OVER, OK, NOT_ASKED, DENIED }

    private record Case(String description, Map<String, String> headers, Outcome outcome) {
    }

    private Scenario rateLimit(String feature, List<List<Map<String, Object>>> groups, boolean bypassAuth,
            Case... cases) {
        String id = id("r");
        String prefix = "/" + id + "/";
        List<Map<String, Object>> labelGroups = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            labelGroups.add(map("group-" + i, groups.get(i)));
        }
        Map<String, Object> spec = map("hostname", HOSTNAME, "prefix", prefix,
                "labels", map("ambassador", labelGroups));
        if (bypassAuth) {
            spec.put("bypass_auth", true);
        }
        List<Query> queries = new ArrayList<>();
        for (Case c : cases) {
            Expected expected = switch (c.outcome()) {
                case OVER -> new Expected.Rejected(429, Map.of(RL_BACKEND, RATELIMIT), Set.of());
                case OK -> new Expected.Routed(ECHO, "/x", HOSTNAME, Map.of(), Set.of(), Map.of(RL_BACKEND, RATELIMIT),
                        Set.of());
                case NOT_ASKED -> new Expected.Routed(ECHO, "/x", HOSTNAME, Map.of(), Set.of(), Map.of(),
                        Set.of(RL_BACKEND));
                case DENIED -> new Expected.Rejected(403, Map.of(AUTH_BACKEND, GRPC_AUTH), Set.of(RL_BACKEND));
            };
            queries.add(Query.get(c.description(), HOSTNAME, prefix + "x", expected).withHeaders(c.headers()));
        }
        return new Scenario(id + "-ratelimit-" + feature.replaceAll("[^a-z_]+", "-"),
                List.of("ratelimit", "labels=" + feature, "bypass_auth=" + bypassAuth),
                List.of(mapping(id + "-m", ECHO, spec)), queries);
    }
}
