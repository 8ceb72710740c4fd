package dev.legate.compiler.ir;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.legate.model.MappingSpec;
import java.util.Map;

/** The specs of the built-in Mappings Emissary adds for diagnostics and probes (hostname {@code *}). */
final class ProbeSpecs {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ProbeSpecs() {
    }

    static MappingSpec spec(String prefix, String rewrite, String service) {
        return MAPPER.convertValue(Map.of("prefix", prefix, "rewrite", rewrite, "service", service, "hostname", "*"),
                MappingSpec.class);
    }
}
