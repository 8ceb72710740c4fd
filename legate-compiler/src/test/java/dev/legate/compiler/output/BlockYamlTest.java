package dev.legate.compiler.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What BlockYaml writes, a YAML parser reads back as the same tree. */
final class BlockYamlTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void awkwardScalarsRoundTrip() throws Exception {
        ObjectNode root = JSON.createObjectNode();
        List<String> strings = List.of("plain", "", " leading", "trailing ", "yes", "No", "on", "null", "~", "true",
                "123", "1.5", "1e3", "0x1f", "0o17", "12:30", ".inf", "-.NaN", "a: b", "a #b", "#x", "- x", "[x]",
                "{x}", "*alias", "&anchor", "!tag", "%x", "@x", "`x`", "'q'", "\"dq\"", "multi\nline", "tab\tx",
                "unicode é 中", "\u0000ctl", "/path/with:colon", "x:", "?x", "|x", ">x", "a,b", "key=value",
                "http://example.com:8080/x?y=1#z", "*.example.com", "example.*", ":authority");
        ArrayNode list = root.putArray("strings");
        strings.forEach(list::add);
        root.put("number", 42).put("negative", -7).put("decimal", 2.5).put("flag", true).putNull("nothing");
        root.putObject("empty");
        root.putArray("none");
        ObjectNode nested = root.putArray("items").addObject();
        nested.put("name", "first").putObject("inner").put("deep", "value");
        nested.putArray("list").add("a").addObject().put("k", "v");
        root.withArray("items").add("scalar");
        root.withArray("items").addArray().add(1).add(2);
        ObjectNode keys = root.putObject("keys");
        strings.forEach(s -> keys.put(s, s));

        StringBuilder out = new StringBuilder();
        BlockYaml.write(root, out);
        JsonNode back = YAML.readTree(out.toString());
        assertThat(back).as(out.toString()).isEqualTo(root);
    }

    @Test
    void emptyContainersAndScalarsAtTheTop() throws Exception {
        for (JsonNode node : List.of(JSON.createObjectNode(), JSON.createArrayNode(), JSON.getNodeFactory()
                .textNode("yes"))) {
            StringBuilder out = new StringBuilder();
            BlockYaml.write(node, out);
            assertThat(YAML.readTree(out.toString())).isEqualTo(node);
        }
    }
}
