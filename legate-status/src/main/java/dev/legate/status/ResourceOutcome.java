package dev.legate.status;

import static java.util.Objects.requireNonNull;

import dev.legate.model.ResourceKey;
import java.util.List;

/**
 * What Legate made of one resource in one compile.
 *
 * @param errors the error diagnostics on it, in diagnostic order (empty when accepted)
 * @param warnings its warnings (an accepted resource may have some)
 */
public record ResourceOutcome(ResourceKey key, Verdict verdict, List<String> errors, List<String> warnings) {

    /** Accepted: it is part of the configuration. Rejected: it was left out, or part of it was. */
    public enum Verdict {
        ACCEPTED, REJECTED
    }

    public ResourceOutcome {
        requireNonNull(key, "key");
        requireNonNull(verdict, "verdict");
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        if (verdict == Verdict.REJECTED && errors.isEmpty()) {
            throw new IllegalArgumentException("errors: a rejected resource needs at least one (key: " + key + ")");
        }
    }

    public static ResourceOutcome accepted(ResourceKey key, List<String> warnings) {
        return new ResourceOutcome(key, Verdict.ACCEPTED, List.of(), warnings);
    }

    public static ResourceOutcome rejected(ResourceKey key, List<String> errors) {
        return new ResourceOutcome(key, Verdict.REJECTED, errors, List.of());
    }
}
