package dev.legate.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A tiny block-style YAML writer for the generator: maps (insertion order), lists, strings, numbers and booleans.
 * Strings are left plain when that is unambiguous and double-quoted otherwise, as a person would write them.
 */
final class Yaml {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./@:-]*[A-Za-z0-9_./@-]|[A-Za-z_/]");
    private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n",
            "~");

    private Yaml() {
    }

    /** Appends {@code ---} and the document. */
    static void document(StringBuilder out, Map<String, ?> document) {
        out.append("---\n");
        map(out, document, 0);
    }

    private static void map(StringBuilder out, Map<String, ?> map, int indent) {
        for (Map.Entry<String, ?> e : map.entrySet()) {
            indent(out, indent);
            out.append(scalar(e.getKey())).append(':');
            value(out, e.getValue(), indent);
        }
    }

    /** The value after "key:" (or after "- " in a list of maps, handled by list()). */
    @SuppressWarnings("unchecked")
    private static void value(StringBuilder out, Object value, int indent) {
        if (value instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                out.append(" {}\n");
            } else {
                out.append('\n');
                map(out, (Map<String, ?>) m, indent + 2);
            }
        } else if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                out.append(" []\n");
            } else if (list.stream().allMatch(v -> !(v instanceof Map) && !(v instanceof List))) {
                out.append(" [");
                for (int i = 0; i < list.size(); i++) {
                    out.append(i == 0 ? "" : ", ").append(scalar(list.get(i)));
                }
                out.append("]\n");
            } else {
                out.append('\n');
                list(out, list, indent);
            }
        } else {
            out.append(' ').append(scalar(value)).append('\n');
        }
    }

    @SuppressWarnings("unchecked")
    private static void list(StringBuilder out, List<?> list, int indent) {
        for (Object item : list) {
            indent(out, indent);
            out.append("- ");
            if (item instanceof Map<?, ?> m && !m.isEmpty()) {
                boolean first = true;
                for (Map.Entry<String, ?> e : ((Map<String, ?>) m).entrySet()) {
                    if (!first) {
                        indent(out, indent + 2);
                    }
                    first = false;
                    out.append(scalar(e.getKey())).append(':');
                    value(out, e.getValue(), indent + 2);
                }
            } else {
                out.append(scalar(item)).append('\n');
            }
        }
    }

    private static void indent(StringBuilder out, int n) {
        for (int i = 0; i < n; i++) {
            out.append(' ');
        }
    }

    static String scalar(Object value) {
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        String s = String.valueOf(value);
        if (PLAIN.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(Locale.ROOT))) {
            return s;
        }
        StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                default -> q.append(c);
            }
        }
        return q.append('"').toString();
    }
}
