package dev.legate.compiler.ir;

import dev.legate.model.ResourceKey;
import java.util.List;

/** The source resources an IR element was made from, so that a problem can be reported against them. */
public record Provenance(List<String> sources) {

    public static final Provenance INTERNAL = new Provenance(List.of());

    public Provenance {
        sources = List.copyOf(sources);
    }

    public static Provenance of(ResourceKey key) {
        return new Provenance(List.of(key.toString()));
    }

    /** The resource a problem should be reported against; internal elements report against the Module. */
    public String primary() {
        return sources.isEmpty() ? "Module/ambassador" : sources.get(0);
    }
}
