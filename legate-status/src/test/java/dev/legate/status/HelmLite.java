package dev.legate.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A test-only renderer for the part of Helm's template language the project's charts use (there is no helm binary
 * on the build machines): text with {@code {{ }}} actions and {@code {{- -}}} whitespace trimming; comments;
 * {@code if / else if / else / end}, {@code with}, {@code range} over lists, {@code define}; pipelines of
 * {@code .Values...}, {@code .Release...}, {@code .Chart...}, {@code .}, string and number literals and
 * parenthesized pipelines; the functions {@code include, quote, nindent, indent, toYaml, default, printf (%s),
 * trunc, trimSuffix, contains, not, eq, and, or}. Anything else is an error, so a chart cannot silently use more
 * than this checks. Values are coalesced as Helm does (chart defaults, overridden by the given values; a subchart
 * gets its parent's values under its alias).
 */
final class HelmLite {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private final Map<String, List<Node>> defines = new HashMap<>();

    /** Renders every {@code templates/*.yaml} of a chart; returns file name → rendered text. */
    static Map<String, String> render(Path chart, String releaseName, String namespace, JsonNode overrides) {
        try {
            JsonNode chartYaml = YAML.readTree(chart.resolve("Chart.yaml").toFile());
            JsonNode values = merge(YAML.readTree(chart.resolve("values.yaml").toFile()), overrides);
            ObjectNode root = JSON.objectNode();
            root.set("Values", values);
            ObjectNode release = root.putObject("Release");
            release.put("Name", releaseName);
            release.put("Namespace", namespace);
            release.put("Service", "Helm");
            ObjectNode c = root.putObject("Chart");
            c.put("Name", chartYaml.path("name").asText());
            c.put("Version", chartYaml.path("version").asText());
            c.put("AppVersion", chartYaml.path("appVersion").asText());
            HelmLite engine = new HelmLite();
            List<Path> files;
            try (Stream<Path> list = Files.list(chart.resolve("templates"))) {
                files = list.sorted().toList();
            }
            for (Path file : files) {
                if (file.getFileName().toString().endsWith(".tpl")) {
                    engine.render(Files.readString(file), root); // collects its defines
                }
            }
            Map<String, String> out = new java.util.TreeMap<>();
            for (Path file : files) {
                if (file.getFileName().toString().endsWith(".yaml")) {
                    out.put(file.getFileName().toString(), engine.render(Files.readString(file), root));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Helm's coalescing: {@code overrides} wins, objects merge key by key. */
    static JsonNode merge(JsonNode defaults, JsonNode overrides) {
        if (defaults instanceof ObjectNode d && overrides instanceof ObjectNode o) {
            ObjectNode out = d.deepCopy();
            o.properties().forEach(e -> out.set(e.getKey(), merge(out.path(e.getKey()), e.getValue())));
            return out;
        }
        return overrides.isMissingNode() ? defaults : overrides.deepCopy();
    }

    String render(String template, JsonNode root) {
        StringBuilder out = new StringBuilder();
        exec(parse(tokens(template)), root, root, out);
        return out.toString();
    }

    // ---- lexing: text and actions, with {{- -}} trimming

    private record Token(boolean action, String text) {
    }

    private static List<Token> tokens(String template) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf("{{", i);
            if (open < 0) {
                tokens.add(new Token(false, template.substring(i)));
                break;
            }
            String text = template.substring(i, open);
            int close = template.indexOf("}}", open);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed action at " + open);
            }
            String action = template.substring(open + 2, close);
            if (action.startsWith("-")) {
                text = text.stripTrailing();
                action = action.substring(1);
            }
            boolean trimAfter = action.endsWith("-");
            if (trimAfter) {
                action = action.substring(0, action.length() - 1);
            }
            tokens.add(new Token(false, text));
            action = action.strip();
            if (!(action.startsWith("/*") && action.endsWith("*/"))) {
                tokens.add(new Token(true, action));
            }
            i = close + 2;
            if (trimAfter) {
                while (i < template.length() && Character.isWhitespace(template.charAt(i))) {
                    i++;
                }
            }
        }
        return tokens;
    }

    // ---- parsing into nodes

    private sealed interface Node permits Text, Output, If, Range, With {
    }

    private record Text(String text) implements Node {
    }

    private record Output(String pipeline) implements Node {
    }

    private record If(String condition, List<Node> then, List<Node> otherwise) implements Node {
    }

    private record Range(String pipeline, List<Node> body) implements Node {
    }

    private record With(String pipeline, List<Node> body, List<Node> otherwise) implements Node {
    }

    private int position;

    private List<Node> parse(List<Token> tokens) {
        position = 0;
        List<Node> nodes = block(tokens, List.of());
        if (position < tokens.size()) {
            throw new IllegalArgumentException("unexpected {{ " + tokens.get(position).text() + " }}");
        }
        return nodes;
    }

    /** Nodes up to (not including) an action starting with one of {@code stops}. */
    private List<Node> block(List<Token> tokens, List<String> stops) {
        List<Node> nodes = new ArrayList<>();
        while (position < tokens.size()) {
            Token t = tokens.get(position);
            if (!t.action()) {
                nodes.add(new Text(t.text()));
                position++;
                continue;
            }
            String a = t.text();
            if (stops.stream().anyMatch(s -> a.equals(s) || a.startsWith(s + " "))) {
                return nodes;
            }
            position++;
            if (a.startsWith("if ")) {
                nodes.add(ifNode(tokens, a.substring(3)));
            } else if (a.startsWith("range ")) {
                List<Node> body = block(tokens, List.of("end"));
                position++;
                nodes.add(new Range(a.substring(6), body));
            } else if (a.startsWith("with ")) {
                List<Node> body = block(tokens, List.of("else", "end"));
                List<Node> otherwise = List.of();
                if (tokens.get(position).text().equals("else")) {
                    position++;
                    otherwise = block(tokens, List.of("end"));
                }
                position++;
                nodes.add(new With(a.substring(5), body, otherwise));
            } else if (a.startsWith("define ")) {
                List<Node> body = block(tokens, List.of("end"));
                position++;
                defines.put(unquote(a.substring(7).strip()), body);
            } else if (a.equals("end") || a.equals("else") || a.startsWith("else ")) {
                throw new IllegalArgumentException("unexpected {{ " + a + " }}");
            } else {
                nodes.add(new Output(a));
            }
        }
        if (!stops.isEmpty()) {
            throw new IllegalArgumentException("missing {{ end }}");
        }
        return nodes;
    }

    private If ifNode(List<Token> tokens, String condition) {
        List<Node> then = block(tokens, List.of("else", "end"));
        String stop = tokens.get(position).text();
        position++;
        if (stop.startsWith("else if ")) {
            return new If(condition, then, List.of(ifNode(tokens, stop.substring(8))));
        }
        if (stop.equals("else")) {
            List<Node> otherwise = block(tokens, List.of("end"));
            position++;
            return new If(condition, then, otherwise);
        }
        return new If(condition, then, List.of());
    }

    // ---- execution

    private void exec(List<Node> nodes, JsonNode dot, JsonNode root, StringBuilder out) {
        for (Node node : nodes) {
            switch (node) {
                case Text t -> out.append(t.text());
                case Output o -> out.append(text(eval(o.pipeline(), dot, root)));
                case If i -> exec(truthy(eval(i.condition(), dot, root)) ? i.then() : i.otherwise(), dot, root, out);
                case Range r -> {
                    Object items = eval(r.pipeline(), dot, root);
                    if (items instanceof ArrayNode list) {
                        list.forEach(item -> exec(r.body(), item, root, out));
                    } else if (truthy(items)) {
                        throw new IllegalArgumentException("range over a non-list: " + r.pipeline());
                    }
                }
                case With w -> {
                    Object value = eval(w.pipeline(), dot, root);
                    if (truthy(value)) {
                        exec(w.body(), node(value), root, out);
                    } else {
                        exec(w.otherwise(), dot, root, out);
                    }
                }
            }
        }
    }

    private static boolean truthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof String s) {
            return !s.isEmpty();
        }
        if (value instanceof Boolean b) {
            return b;
        }
        JsonNode n = node(value);
        return switch (n.getNodeType()) {
            case BOOLEAN -> n.asBoolean();
            case NUMBER -> n.asDouble() != 0;
            case STRING -> !n.asText().isEmpty();
            case ARRAY, OBJECT -> !n.isEmpty();
            default -> false;
        };
    }

    private static JsonNode node(Object value) {
        if (value instanceof JsonNode n) {
            return n;
        }
        if (value == null) {
            return NullNode.instance;
        }
        if (value instanceof Boolean b) {
            return JSON.booleanNode(b);
        }
        if (value instanceof Long l) {
            return JSON.numberNode(l);
        }
        return TextNode.valueOf(value.toString());
    }

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof JsonNode n) {
            if (n.isMissingNode() || n.isNull()) {
                return "";
            }
            if (n.isValueNode()) {
                return n.asText();
            }
            throw new IllegalArgumentException("printing a map or list (use toYaml): " + n);
        }
        return value.toString();
    }

    /** A pipeline: {@code cmd | cmd | ...}; each command's result is the last argument of the next. */
    private Object eval(String pipeline, JsonNode dot, JsonNode root) {
        List<List<String>> commands = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String word : words(pipeline)) {
            if (word.equals("|")) {
                commands.add(current);
                current = new ArrayList<>();
            } else {
                current.add(word);
            }
        }
        commands.add(current);
        Object value = null;
        boolean first = true;
        for (List<String> command : commands) {
            List<Object> args = new ArrayList<>();
            for (String arg : command.subList(1, command.size())) {
                args.add(term(arg, dot, root));
            }
            if (!first) {
                args.add(value);
            }
            String head = command.getFirst();
            value = isFunction(head) ? call(head, args, root)
                    : args.isEmpty() ? term(head, dot, root) : fail("not a function: " + head);
            first = false;
        }
        return value;
    }

    private static Object fail(String message) {
        throw new IllegalArgumentException(message);
    }

    private static boolean isFunction(String word) {
        return Character.isLetter(word.charAt(0)) && !word.equals("true") && !word.equals("false");
    }

    private Object term(String word, JsonNode dot, JsonNode root) {
        if (word.startsWith("(")) {
            return eval(word.substring(1, word.length() - 1), dot, root);
        }
        if (word.startsWith("\"")) {
            return unquote(word);
        }
        if (word.equals("true") || word.equals("false")) {
            return Boolean.parseBoolean(word);
        }
        if (Character.isDigit(word.charAt(0)) || word.charAt(0) == '-') {
            return Long.parseLong(word);
        }
        if (word.equals(".")) {
            return dot;
        }
        if (word.startsWith(".") || word.startsWith("$.")) {
            JsonNode at = word.startsWith("$") ? root : dot;
            for (String part : word.substring(word.indexOf('.') + 1).split("\\.")) {
                at = at.path(part);
            }
            return at;
        }
        if (isFunction(word)) {
            return call(word, List.of(), root);
        }
        throw new IllegalArgumentException("cannot read " + word);
    }

    private Object call(String function, List<Object> args, JsonNode root) {
        return switch (function) {
            case "include" -> {
                List<Node> body = defines.get(text(args.get(0)));
                if (body == null) {
                    throw new IllegalArgumentException("no template " + args.get(0));
                }
                StringBuilder out = new StringBuilder();
                exec(body, node(args.get(1)), root, out);
                yield out.toString();
            }
            case "quote" -> "\"" + text(args.getLast()).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case "nindent", "indent" -> {
                String pad = " ".repeat(((Long) args.get(0)).intValue());
                String indented = pad + text(args.get(1)).replace("\n", "\n" + pad);
                yield function.equals("nindent") ? "\n" + indented : indented;
            }
            case "toYaml" -> {
                try {
                    yield YAML.writeValueAsString(node(args.getFirst())).stripTrailing();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case "default" -> truthy(args.get(1)) ? args.get(1) : args.get(0);
            case "printf" -> {
                String format = text(args.getFirst());
                for (Object arg : args.subList(1, args.size())) {
                    format = format.replaceFirst("%s", java.util.regex.Matcher.quoteReplacement(text(arg)));
                }
                if (format.contains("%")) {
                    throw new IllegalArgumentException("printf: only %s is supported: " + format);
                }
                yield format;
            }
            case "trunc" -> {
                String s = text(args.get(1));
                int n = ((Long) args.get(0)).intValue();
                yield s.length() <= n ? s : s.substring(0, n);
            }
            case "trimSuffix" -> {
                String s = text(args.get(1));
                String suffix = text(args.get(0));
                yield s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
            }
            case "contains" -> text(args.get(1)).contains(text(args.get(0)));
            case "not" -> !truthy(args.getFirst());
            case "eq" -> text(args.get(0)).equals(text(args.get(1)));
            case "and" -> args.stream().allMatch(HelmLite::truthy);
            case "or" -> args.stream().anyMatch(HelmLite::truthy);
            default -> throw new IllegalArgumentException("function not supported here: " + function);
        };
    }

    /** Words of an action: quoted strings and parenthesized groups stay whole; {@code |} is its own word. */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                int end = i + 1;
                while (text.charAt(end) != '"') {
                    end += text.charAt(end) == '\\' ? 2 : 1;
                }
                words.add(text.substring(i, end + 1));
                i = end + 1;
            } else if (c == '(') {
                int depth = 0;
                int end = i;
                do {
                    depth += text.charAt(end) == '(' ? 1 : text.charAt(end) == ')' ? -1 : 0;
                    end++;
                } while (depth > 0);
                words.add(text.substring(i, end));
                i = end;
            } else if (c == '|') {
                words.add("|");
                i++;
            } else {
                int end = i;
                while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != '|') {
                    end++;
                }
                words.add(text.substring(i, end));
                i = end;
            }
        }
        return words;
    }

    private static String unquote(String quoted) {
        if (!quoted.startsWith("\"") || !quoted.endsWith("\"")) {
            throw new IllegalArgumentException("expected a string: " + quoted);
        }
        return quoted.substring(1, quoted.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }

    static JsonNode missing() {
        return MissingNode.getInstance();
    }
}
