package dev.legate.sources.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Kubernetes field selector ({@code a=b,c!=d}) split into requirements, because fabric8 takes them one by one.
 * Kubernetes accepts {@code =}, {@code ==} and {@code !=}; so does this.
 */
record FieldSelector(List<Requirement> requirements) {

    enum Operator {
        EQUALS, NOT_EQUALS
    }

    record Requirement(String field, Operator operator, String value) {
        @Override
        public String toString() {
            return field + (operator == Operator.EQUALS ? "=" : "!=") + value;
        }
    }

    FieldSelector {
        requirements = List.copyOf(requirements);
    }

    static FieldSelector parse(String selector) {
        List<Requirement> out = new ArrayList<>();
        for (String part : selector.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int ne = p.indexOf("!=");
            int eq = p.indexOf('=');
            if (ne > 0) {
                out.add(new Requirement(p.substring(0, ne).strip(), Operator.NOT_EQUALS, p.substring(ne + 2).strip()));
            } else if (eq > 0) {
                int valueStart = p.startsWith("==", eq) ? eq + 2 : eq + 1;
                out.add(new Requirement(p.substring(0, eq).strip(), Operator.EQUALS, p.substring(valueStart).strip()));
            } else {
                throw new IllegalArgumentException("field selector '" + selector + "': '" + p
                        + "' is not field=value or field!=value");
            }
        }
        return new FieldSelector(out);
    }

    /** This selector's requirements followed by those of {@code more}. */
    FieldSelector and(Optional<String> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<Requirement> all = new ArrayList<>(requirements);
        all.addAll(parse(more.get()).requirements());
        return new FieldSelector(all);
    }

    /**
     * Whether {@code object} meets the requirements on the fields this can read ({@code metadata.name},
     * {@code metadata.namespace}, {@code type}); others are left to the API server. The API server applies the
     * selector already: this is a second check, so that a server that ignores a field (as some test servers do)
     * cannot hand Legate objects it must not hold, such as non-TLS Secrets.
     */
    boolean matches(io.fabric8.kubernetes.api.model.GenericKubernetesResource object) {
        for (Requirement r : requirements) {
            Object actual = switch (r.field()) {
                case "metadata.name" -> object.getMetadata() == null ? "" : object.getMetadata().getName();
                case "metadata.namespace" -> object.getMetadata() == null ? "" : object.getMetadata().getNamespace();
                case "type" -> object.getAdditionalProperties().getOrDefault("type", "");
                default -> null;
            };
            if (actual == null && !r.field().startsWith("metadata.")) {
                continue;
            }
            boolean equal = r.value().equals(actual == null ? "" : actual.toString());
            if (equal != (r.operator() == Operator.EQUALS)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return String.join(",", requirements.stream().map(Requirement::toString).toList());
    }
}
