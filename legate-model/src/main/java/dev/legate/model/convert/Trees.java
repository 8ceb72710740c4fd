package dev.legate.model.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Small, non-recursive helpers on Jackson trees and on the paths used in messages. */
final class Trees {

    /**
     * Containers nested deeper than this are cut off when a document is copied. Real resources nest a few dozen
     * levels at most; Jackson itself refuses to write more than 1000.
     */
    static final int MAX_DEPTH = 512;

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_\\-/]+");

    private Trees() {}

    // ---- paths ---------------------------------------------------------------------------------------------

    static String child(String parent, String key) {
        if (PLAIN_KEY.matcher(key).matches()) {
            return parent.isEmpty() ? key : parent + "." + key;
        }
        String quoted = "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
        return parent.isEmpty() ? quoted : parent + quoted;
    }

    static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }

    // ---- copying --------------------------------------------------------------------------------------------

    private record Frame(JsonNode source, ContainerNode<?> target, int depth, @Nullable Frame parent, String step) {}

    /**
     * Copies {@code root} without recursion. Containers deeper than {@link #MAX_DEPTH} are replaced by null and
     * reported once as an error. Value nodes are shared (they are immutable).
     */
    static ObjectNode copyObject(ObjectNode root, Problems problems) {
        ObjectNode out = NODES.objectNode();
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(root, out, 1, null, ""));
        boolean reported = false;
        while (!stack.isEmpty()) {
            Frame frame = stack.pop();
            if (frame.source() instanceof ObjectNode source) {
                ObjectNode target = (ObjectNode) frame.target();
                for (Map.Entry<String, JsonNode> e : source.properties()) {
                    JsonNode value = e.getValue();
                    String key = e.getKey();
                    if (value == null || value.isMissingNode()) {
                        target.set(key, NullNode.getInstance());
                    } else if (value.isContainerNode()) {
                        if (frame.depth() >= MAX_DEPTH) {
                            target.set(key, NullNode.getInstance());
                            if (!reported) {
                                reported = true;
                                reportTooDeep(problems, frame, "." + key);
                            }
                        } else {
                            ContainerNode<?> child = value.isObject() ? NODES.objectNode() : NODES.arrayNode();
                            target.set(key, child);
                            stack.push(new Frame(value, child, frame.depth() + 1, frame, "." + key));
                        }
                    } else {
                        target.set(key, value);
                    }
                }
            } else if (frame.source() instanceof ArrayNode source) {
                ArrayNode target = (ArrayNode) frame.target();
                for (int i = 0; i < source.size(); i++) {
                    JsonNode value = source.get(i);
                    if (value == null || value.isMissingNode()) {
                        target.add(NullNode.getInstance());
                    } else if (value.isContainerNode()) {
                        if (frame.depth() >= MAX_DEPTH) {
                            target.add(NullNode.getInstance());
                            if (!reported) {
                                reported = true;
                                reportTooDeep(problems, frame, "[" + i + "]");
                            }
                        } else {
                            ContainerNode<?> child = value.isObject() ? NODES.objectNode() : NODES.arrayNode();
                            target.add(child);
                            stack.push(new Frame(value, child, frame.depth() + 1, frame, "[" + i + "]"));
                        }
                    } else {
                        target.add(value);
                    }
                }
            }
        }
        return out;
    }

    private static void reportTooDeep(Problems problems, Frame frame, String lastStep) {
        List<String> steps = new ArrayList<>();
        steps.add(lastStep);
        for (Frame f = frame; f.parent() != null; f = f.parent()) {
            steps.add(f.step());
        }
        java.util.Collections.reverse(steps);
        String path = "";
        for (int i = 0; i < Math.min(4, steps.size()); i++) {
            String step = steps.get(i);
            path = step.startsWith("[") ? path + step : child(path, step.substring(1));
        }
        if (steps.size() > 4) {
            path += "...";
        }
        problems.error(path, "the document nests deeper than " + MAX_DEPTH
                + " levels; everything below that depth was replaced by null");
    }

    // ---- inspecting -----------------------------------------------------------------------------------------

    /** True for an absent field, an explicit null, or a missing node. */
    static boolean absent(@Nullable JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    static @Nullable String text(@Nullable JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    static boolean isTrue(@Nullable JsonNode node) {
        return node != null && node.isBoolean() && node.booleanValue();
    }

    static boolean isIntegral(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.canConvertToLong();
        }
        if (node.isFloatingPointNumber()) {
            double d = node.doubleValue();
            return !Double.isNaN(d) && !Double.isInfinite(d) && d == Math.rint(d) && Math.abs(d) < 9.2e18;
        }
        return false;
    }

    /** "a string", "a list", ... for messages. */
    static String describe(@Nullable JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isBoolean()) {
            return "a boolean (" + node.booleanValue() + ")";
        }
        if (node.isNumber()) {
            if (node.isIntegralNumber()) {
                return node.canConvertToLong() ? "an integer" : "an integer too large for 64 bits";
            }
            return isIntegral(node) ? "a number" : "a fractional number";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isBinary()) {
            return "binary data";
        }
        return "an embedded Java value";
    }

    // ---- editing ----------------------------------------------------------------------------------------------

    /**
     * Renames {@code from} to {@code to} keeping the field's position; an existing {@code to} field is replaced.
     * Does nothing when {@code from} is absent.
     */
    static void renameInPlace(ObjectNode obj, String from, String to) {
        JsonNode value = obj.get(from);
        if (value == null || from.equals(to)) {
            return;
        }
        replaceInPlace(obj, from, to, value);
    }

    /** Replaces field {@code oldKey} by {@code newKey: value} at the same position (dropping any other {@code newKey}). */
    static void replaceInPlace(ObjectNode obj, String oldKey, String newKey, JsonNode value) {
        if (!obj.has(oldKey)) {
            obj.set(newKey, value);
            return;
        }
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(obj.properties());
        obj.removeAll();
        for (Map.Entry<String, JsonNode> e : entries) {
            String key = e.getKey();
            if (key.equals(oldKey)) {
                obj.set(newKey, value);
            } else if (!key.equals(newKey)) {
                obj.set(key, e.getValue());
            }
        }
    }

    static List<Map.Entry<String, JsonNode>> entries(ObjectNode obj) {
        return new ArrayList<>(obj.properties());
    }

    static ArrayNode stringList(List<String> values) {
        ArrayNode out = NODES.arrayNode();
        values.forEach(out::add);
        return out;
    }
}
