package dev.legate.compiler.output;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a JSON tree as block-style YAML. Jackson's YAML generator analyses every scalar through SnakeYAML's
 * emitter, which dominated writing a 10,000-Mapping snapshot; this writer decides quoting with one regular
 * expression and uses JSON's double-quoted form (which YAML reads) for anything not plainly safe.
 */
final class BlockYaml {

    /** Plain scalars YAML would read as something other than a string. */
    private static final Pattern NOT_A_STRING = Pattern.compile(
            "(?i)true|false|yes|no|on|off|y|n|null|~|[-+]?(\\.inf|\\.nan)|[-+]?[0-9][0-9_]*(\\.[0-9_]*)?([eE][-+]?[0-9]+)?"
                    + "|0x[0-9a-f_]+|0o?[0-7_]+|[0-9]+(:[0-9]+)+");

    private BlockYaml() {
    }

    static void write(JsonNode node, StringBuilder out) {
        if (node.isObject() && node.isEmpty()) {
            out.append("{}\n");
        } else if (node.isArray() && node.isEmpty()) {
            out.append("[]\n");
        } else if (node.isContainerNode()) {
            writeContainer(node, 0, out);
        } else {
            scalar(node, out);
            out.append('\n');
        }
    }

    private static void writeContainer(JsonNode node, int indent, StringBuilder out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                pad(indent, out);
                string(e.getKey(), out);
                out.append(':');
                value(e.getValue(), indent + 2, out);
            }
        } else {
            for (JsonNode item : node) {
                pad(indent, out);
                out.append('-');
                if (item.isObject() && !item.isEmpty()) {
                    // "- key: value" with the rest of the mapping aligned under the first key.
                    out.append(' ');
                    int mark = out.length();
                    writeContainer(item, indent + 2, out);
                    out.delete(mark, mark + indent + 2);
                } else if (item.isArray() && !item.isEmpty()) {
                    // A list in a list: its items go one level deeper.
                    out.append('\n');
                    writeContainer(item, indent + 2, out);
                } else {
                    value(item, indent + 2, out);
                }
            }
        }
    }

    private static void value(JsonNode value, int indent, StringBuilder out) {
        if (value.isContainerNode() && !value.isEmpty()) {
            out.append('\n');
            writeContainer(value, value.isArray() ? indent - 2 : indent, out);
        } else {
            out.append(' ');
            if (value.isObject()) {
                out.append("{}");
            } else if (value.isArray()) {
                out.append("[]");
            } else {
                scalar(value, out);
            }
            out.append('\n');
        }
    }

    private static void scalar(JsonNode node, StringBuilder out) {
        if (node.isTextual()) {
            string(node.asText(), out);
        } else if (node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else {
            out.append(node.asText());
        }
    }

    private static void string(String text, StringBuilder out) {
        if (isPlain(text) && !(mayNotBeAString(text) && NOT_A_STRING.matcher(text).matches())) {
            out.append(text);
        } else {
            out.append('"');
            JsonStringEncoder.getInstance().quoteAsString(text, out);
            out.append('"');
        }
    }

    /**
     * Safe as a plain scalar: letters, digits and {@code _./@+=()-}, starting with a letter, digit, '/' or '_', with
     * single spaces between words (so no ": ", " #", leading or trailing space).
     */
    private static boolean isPlain(String text) {
        int n = text.length();
        if (n == 0) {
            return false;
        }
        char first = text.charAt(0);
        if (!(Character.isLetterOrDigit(first) && first < 128) && first != '/' && first != '_') {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = text.charAt(i);
            boolean word = (c < 128 && Character.isLetterOrDigit(c)) || "_./@+=()-".indexOf(c) >= 0;
            if (!word && !(c == ' ' && i + 1 < n && text.charAt(i - 1) != ' ' && text.charAt(i + 1) != ' ')) {
                return false;
            }
        }
        return true;
    }

    /** Cheap pre-check for {@link #NOT_A_STRING}: only short words, numbers and '~' can be non-strings. */
    private static boolean mayNotBeAString(String text) {
        char first = text.charAt(0);
        return text.length() <= 5 || Character.isDigit(first) || first == '+' || first == '-' || first == '.';
    }

    private static void pad(int indent, StringBuilder out) {
        for (int i = 0; i < indent; i++) {
            out.append(' ');
        }
    }
}
