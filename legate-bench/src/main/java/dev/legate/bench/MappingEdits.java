package dev.legate.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.legate.compiler.config.RawDocument;
import dev.legate.compiler.config.ResourceSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The edits the in-process loops ({@link EditLoop}, {@link SnapshotWriteLoop}) make to a generated configuration: edit
 * {@code e} gives one prefix Mapping, picked by a stride through all of them, a new prefix segment, as a user editing
 * one Mapping would. Each edit leaves every other document the same instance, as a watched directory does.
 */
final class MappingEdits {

    private final ResourceSnapshot base;
    private final List<RawDocument> documents;
    private final List<Integer> prefixMappings = new ArrayList<>();

    MappingEdits(ResourceSnapshot base) {
        this.base = base;
        this.documents = new ArrayList<>(base.documents());
        for (int i = 0; i < documents.size(); i++) {
            RawDocument d = documents.get(i);
            if ("Mapping".equals(d.tree().path("kind").asText()) && d.tree().path("spec").has("prefix")) {
                prefixMappings.add(i);
            }
        }
    }

    /** The generated configuration of {@code mappings} Mappings, to be edited. */
    static MappingEdits generated(int mappings) {
        return new MappingEdits(ConfigGenerator.snapshot(ConfigGenerator.Settings.forMappings(mappings)));
    }

    ResourceSnapshot base() {
        return base;
    }

    /** The configuration after edit {@code e} (and the edits made before it). */
    ResourceSnapshot edit(int e) {
        int index = prefixMappings.get((e * 7919) % prefixMappings.size());
        RawDocument d = documents.get(index);
        ObjectNode tree = d.tree().deepCopy();
        ((ObjectNode) tree.get("spec")).put("prefix", tree.get("spec").get("prefix").asText() + "loop" + e + "/");
        documents.set(index, new RawDocument(tree, d.location()));
        return new ResourceSnapshot(List.copyOf(documents), base.loadDiagnostics());
    }
}
