package dev.legate.acceptance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a configuration directory: the Listeners and a Module in one file, each scenario's resources in its own,
 * with the backends' addresses filled in ({@code ${backend:NAME}} becomes {@code 127.0.0.1:PORT},
 * {@code ${port:NAME}} the port number).
 */
final class ConfigWriter {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

    private ConfigWriter() {
    }

    /** Writes the directory; returns which scenario owns each resource, keyed {@code Kind/name.namespace}. */
    static Map<String, String> write(Path dir, Map<ListenerKind, Integer> listenerPorts, List<Scenario> scenarios,
            Map<String, Integer> backendPorts) throws IOException {
        Files.createDirectories(dir);
        List<Map<String, Object>> base = new ArrayList<>(Resources.listeners(listenerPorts));
        // A real Envoy (tier 2) trusts the X-Forwarded-Proto the test client sends, as behind a load balancer.
        base.add(Resources.map("apiVersion", "getambassador.io/v3alpha1", "kind", "Module",
                "metadata", Resources.map("name", "ambassador", "namespace", Resources.NAMESPACE),
                "spec", Resources.map("config", Resources.map("xff_num_trusted_hops", 1))));
        writeDocuments(dir.resolve("000-base.yaml"), base);
        Map<String, String> owners = new TreeMap<>();
        for (Scenario s : scenarios) {
            List<Map<String, Object>> docs = new ArrayList<>();
            for (Map<String, Object> r : s.resources()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> filled = (Map<String, Object>) fill(r, backendPorts);
                docs.add(filled);
                @SuppressWarnings("unchecked")
                Map<String, Object> meta = (Map<String, Object>) filled.get("metadata");
                owners.put(filled.get("kind") + "/" + meta.get("name") + "." + meta.get("namespace"), s.name());
            }
            if (!docs.isEmpty()) {
                writeDocuments(dir.resolve(s.name() + ".yaml"), docs);
            }
        }
        return owners;
    }

    private static void writeDocuments(Path file, List<Map<String, Object>> docs) throws IOException {
        StringBuilder out = new StringBuilder();
        for (Map<String, Object> d : docs) {
            out.append("---\n").append(YAML.writeValueAsString(d));
        }
        Files.writeString(file, out);
    }

    private static Object fill(Object value, Map<String, Integer> ports) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put((String) k, fill(v, ports)));
            return out;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(v -> fill(v, ports)).toList();
        }
        if (value instanceof String s && s.startsWith("${") && s.endsWith("}")) {
            String[] kindName = s.substring(2, s.length() - 1).split(":", 2);
            Integer port = ports.get(kindName[1]);
            if (port == null) {
                throw new IllegalArgumentException("no backend " + kindName[1]);
            }
            return kindName[0].equals("backend") ? "127.0.0.1:" + port : (Object) port;
        }
        return value;
    }
}
