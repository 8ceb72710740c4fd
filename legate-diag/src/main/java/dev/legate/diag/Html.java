package dev.legate.diag;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** A small HTML writer: every piece of text goes through {@link #text(Object)}, which escapes it. */
final class Html {

    private final StringBuilder out;

    Html(int capacity) {
        out = new StringBuilder(capacity);
    }

    /** Markup written as it is: only ever literals of this package, never data. */
    Html raw(String markup) {
        out.append(markup);
        return this;
    }

    /** Text, escaped for element content and attribute values alike. */
    Html text(Object value) {
        escape(String.valueOf(value), out);
        return this;
    }

    /** {@code <tag>text</tag>}. */
    Html el(String tag, Object value) {
        return raw("<").raw(tag).raw(">").text(value).raw("</").raw(tag).raw(">");
    }

    /** {@code <a href="href">text</a>}, with {@code href} escaped. */
    Html link(String href, Object value) {
        return raw("<a href=\"").text(href).raw("\">").text(value).raw("</a>");
    }

    static void escape(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        escape(s, b);
        return b.toString();
    }

    /** The page of a source: {@code /ambassador/v0/diag/Mapping/name.namespace}, each part URL-encoded. */
    static String sourceHref(String key) {
        return DiagHttp.DIAG + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/").replace("+", "%20");
    }

    /** The overview with {@code params}, and {@code name} set to {@code value}. */
    static String overviewHref(Map<String, String> params, String name, String value) {
        Map<String, String> p = new TreeMap<>(params);
        p.put(name, value);
        StringBuilder s = new StringBuilder(DiagHttp.DIAG);
        char sep = '?';
        for (Map.Entry<String, String> e : p.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            s.append(sep).append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
