package dev.legate.acceptance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for the YAML trees scenarios are made of. */
final class Resources {

    static final String NAMESPACE = "default";

    private Resources() {
    }

    /** A map in insertion order from alternating keys and values. */
    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static Map<String, Object> resource(String kind, String name, Map<String, Object> spec) {
        return map("apiVersion", "getambassador.io/v3alpha1", "kind", kind,
                "metadata", map("name", name, "namespace", NAMESPACE), "spec", spec);
    }

    /** A Mapping to a backend started by the harness ({@code service: 127.0.0.1:PORT}). */
    static Map<String, Object> mapping(String name, String backend, Map<String, Object> spec) {
        Map<String, Object> s = new LinkedHashMap<>(spec);
        s.put("service", "${backend:" + backend + "}");
        return resource("Mapping", name, s);
    }

    /** The label that binds a Host to the INSECURE Listener (see {@link #listeners}). */
    static final String INSECURE_BINDING = "acceptance-insecure-listener";

    /**
     * A Host. Hosts that redirect insecure requests are not bound to the INSECURE Listener: there every route of such
     * a Host is a redirect, and Armeria 1.35's xDS client never completes a listener whose virtual host names no
     * cluster (it waits for one), so the whole INSECURE listener would be lost to tier 1.
     */
    static Map<String, Object> host(String name, String hostname, String insecureAction) {
        Map<String, Object> host = resource("Host", name, map("hostname", hostname,
                "requestPolicy", map("insecure", map("action", insecureAction))));
        if (!insecureAction.equals("Redirect")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> meta = (Map<String, Object>) host.get("metadata");
            meta.put("labels", map(INSECURE_BINDING, "bound"));
        }
        return host;
    }

    /** The three Listeners every configuration has, on the given ports. */
    static List<Map<String, Object>> listeners(Map<ListenerKind, Integer> ports) {
        return ports.entrySet().stream().map(e -> resource("Listener", e.getKey().resourceName(), map(
                "port", e.getValue(), "protocol", "HTTP", "securityModel", e.getKey().name(),
                "hostBinding", e.getKey() == ListenerKind.INSECURE
                        ? map("namespace", map("from", "ALL"), "selector", map("matchLabels",
                                map(INSECURE_BINDING, "bound")))
                        : map("namespace", map("from", "ALL"))))).toList();
    }
}
