package dev.legate.model.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shape of a field as Emissary's Go types accept it. Checking a value against a shape reports wrong types
 * the way Go's {@code encoding/json} would refuse them: null is always accepted (it decodes to the zero value),
 * unknown object fields are accepted (they are passed through), and only the shape's own depth is walked.
 */
sealed interface Shape {

    /** How a message names what was expected, e.g. "a string". */
    String expected();

    /** Whether the node's own type fits, without looking inside it. */
    boolean fits(JsonNode node);

    record Str() implements Shape {
        public String expected() { return "a string"; }
        public boolean fits(JsonNode node) { return node.isTextual(); }
    }

    record Bool() implements Shape {
        public String expected() { return "a boolean"; }
        public boolean fits(JsonNode node) { return node.isBoolean(); }
    }

    record Int() implements Shape {
        public String expected() { return "an integer"; }
        public boolean fits(JsonNode node) { return node.isNumber(); }
    }

    /** Anything at all (an untyped value such as Module {@code config} contents). */
    record Any() implements Shape {
        public String expected() { return "any value"; }
        public boolean fits(JsonNode node) { return true; }
    }

    /** An object whose contents are not checked. */
    record AnyObject() implements Shape {
        public String expected() { return "an object"; }
        public boolean fits(JsonNode node) { return node.isObject(); }
    }

    record ListOf(Shape item) implements Shape {
        public String expected() { return "a list"; }
        public boolean fits(JsonNode node) { return node.isArray(); }
    }

    record MapOf(Shape value) implements Shape {
        public String expected() { return "an object"; }
        public boolean fits(JsonNode node) { return node.isObject(); }
    }

    record Obj(Map<String, Shape> fields) implements Shape {
        public Obj {
            fields = Map.copyOf(fields);
        }
        public String expected() { return "an object"; }
        public boolean fits(JsonNode node) { return node.isObject(); }
    }

    /** One of several shapes, chosen by the node's own type. */
    record Alt(String expected, List<Shape> options) implements Shape {
        public Alt {
            options = List.copyOf(options);
        }
        public boolean fits(JsonNode node) {
            return options.stream().anyMatch(o -> o.fits(node));
        }
    }

    Shape STR = new Str();
    Shape BOOL = new Bool();
    Shape INT = new Int();
    Shape ANY = new Any();
    Shape ANY_OBJECT = new AnyObject();
    Shape STR_LIST = new ListOf(STR);
    Shape STR_MAP = new MapOf(STR);
    /** Emissary's v2 {@code StringOrStringList} and {@code AmbassadorID}. */
    Shape STR_OR_LIST = new Alt("a string or a list of strings", List.of(STR, STR_LIST));
    /** Emissary's v2 {@code BoolOrString}. */
    Shape BOOL_OR_STR = new Alt("a boolean or a string", List.of(BOOL, STR));

    static ListOf list(Shape item) {
        return new ListOf(item);
    }

    static MapOf map(Shape value) {
        return new MapOf(value);
    }

    /** {@code obj("a", STR, "b", INT, ...)}. */
    static Obj obj(Object... keysAndShapes) {
        Map<String, Shape> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndShapes.length; i += 2) {
            fields.put((String) keysAndShapes[i], (Shape) keysAndShapes[i + 1]);
        }
        return new Obj(fields);
    }

    /** Reports every place where {@code node} does not have this shape. */
    static void check(JsonNode node, Shape shape, String path, Problems problems) {
        if (Trees.absent(node)) {
            return;
        }
        if (shape instanceof Alt alt) {
            for (Shape option : alt.options()) {
                if (option.fits(node)) {
                    check(node, option, path, problems);
                    return;
                }
            }
            problems.error(path, "expected " + alt.expected() + ", got " + Trees.describe(node));
            return;
        }
        if (!shape.fits(node)) {
            problems.error(path, "expected " + shape.expected() + ", got " + Trees.describe(node));
            return;
        }
        switch (shape) {
            case Int i -> {
                if (!Trees.isIntegral(node)) {
                    problems.error(path, "expected an integer, got " + Trees.describe(node));
                }
            }
            case ListOf l -> {
                ArrayNode array = (ArrayNode) node;
                for (int i = 0; i < array.size(); i++) {
                    check(array.get(i), l.item(), Trees.index(path, i), problems);
                }
            }
            case MapOf m -> {
                for (Map.Entry<String, JsonNode> e : ((ObjectNode) node).properties()) {
                    check(e.getValue(), m.value(), Trees.child(path, e.getKey()), problems);
                }
            }
            case Obj o -> {
                ObjectNode object = (ObjectNode) node;
                for (Map.Entry<String, Shape> f : o.fields().entrySet()) {
                    JsonNode value = object.get(f.getKey());
                    if (value != null) {
                        check(value, f.getValue(), Trees.child(path, f.getKey()), problems);
                    }
                }
            }
            default -> { }
        }
    }
}
