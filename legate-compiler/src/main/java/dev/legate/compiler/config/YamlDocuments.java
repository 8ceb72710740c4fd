package dev.legate.compiler.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.legate.compiler.Diagnostic;
import dev.legate.model.SourceLocation;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Splits YAML (or JSON) text into documents and parses each on its own, so that one malformed document is reported
 * with its file and line and the other documents of the same file still load.
 */
public final class YamlDocuments {

    private static final int MAX_DOCUMENT_CODE_POINTS = 16 * 1024 * 1024;

    private static final ObjectMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .loaderOptions(loaderOptions())
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
            .build());

    /** Documents parsed from one text, and the problems found. */
    public record Parsed(List<RawDocument> documents, List<Diagnostic> diagnostics) {

        public Parsed {
            documents = List.copyOf(documents);
            diagnostics = List.copyOf(diagnostics);
        }
    }

    private YamlDocuments() {
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_DOCUMENT_CODE_POINTS);
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(50);
        return options;
    }

    /**
     * Documents parsed before, by their text and first line: a file read again after an edit re-parses only the
     * documents whose text (or place) changed, and hands over the very same {@link RawDocument} instances for the
     * others, whose decoding (and everything compiled from them) the compiler then reuses.
     */
    interface Known {
        Known NONE = new Known() {
            @Override
            public @org.jspecify.annotations.Nullable List<RawDocument> documents(String text, int startLine) {
                return null;
            }

            @Override
            public void parsed(String text, int startLine, List<RawDocument> documents) {
            }
        };

        /** The documents parsed before from this text starting on this line, or null. */
        @org.jspecify.annotations.Nullable List<RawDocument> documents(String text, int startLine);

        /** Notes the documents this text starting on this line parsed to (without any problem). */
        void parsed(String text, int startLine, List<RawDocument> documents);
    }

    /** Parses {@code text}, read from {@code origin} (a path shown to users). */
    public static Parsed parse(String origin, String text) {
        return parse(origin, text, Known.NONE);
    }

    /** As {@link #parse(String, String)}, reusing the documents {@code known} parsed before from the same text. */
    static Parsed parse(String origin, String text, Known known) {
        List<RawDocument> documents = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        String source = "file:" + origin;
        // Scan line starts for "---" separators; documents are substrings, so nothing is copied line by line.
        int documentStart = 0;
        int documentLine = 1;
        int line = 1;
        int position = 0;
        int length = text.length();
        while (position < length) {
            int end = text.indexOf('\n', position);
            int lineEnd = end < 0 ? length : end;
            if (isSeparator(text, position, lineEnd)) {
                parseOne(origin, source, text.substring(documentStart, position), documentLine, documents,
                        diagnostics, known);
                // The separator line may carry content ("--- {a: b}"): keep it, minus the marker.
                documentStart = Math.min(position + 4, lineEnd);
                documentLine = line;
            }
            position = lineEnd + 1;
            line++;
        }
        if (documentStart < length) {
            parseOne(origin, source, text.substring(documentStart), documentLine, documents, diagnostics, known);
        }
        return new Parsed(documents, diagnostics);
    }

    /** "---" alone, or followed by whitespace (and perhaps content). */
    private static boolean isSeparator(String text, int start, int end) {
        if (end - start < 3 || !text.startsWith("---", start)) {
            return false;
        }
        if (end - start == 3) {
            return true;
        }
        char next = text.charAt(start + 3);
        return next == ' ' || next == '\t' || next == '\r';
    }

    private static void parseOne(String origin, String source, String text, int startLine,
            List<RawDocument> documents, List<Diagnostic> diagnostics, Known known) {
        if (text.isBlank()) {
            return;
        }
        List<RawDocument> before = known.documents(text, startLine);
        if (before != null) {
            documents.addAll(before);
            known.parsed(text, startLine, before);
            return;
        }
        int documentsBefore = documents.size();
        int diagnosticsBefore = diagnostics.size();
        parseNew(origin, source, text, startLine, documents, diagnostics);
        if (diagnostics.size() == diagnosticsBefore) {
            known.parsed(text, startLine, List.copyOf(documents.subList(documentsBefore, documents.size())));
        }
    }

    private static void parseNew(String origin, String source, String text, int startLine,
            List<RawDocument> documents, List<Diagnostic> diagnostics) {
        JsonNode tree;
        try {
            tree = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            int line = startLine + (where == null ? 0 : Math.max(0, where.getLineNr() - 1));
            diagnostics.add(Diagnostic.error(source, origin + ":" + line + ": malformed YAML: " + firstLine(e)));
            return;
        } catch (RuntimeException e) {
            // SnakeYAML signals some limits (aliases, code points) with unchecked exceptions.
            diagnostics.add(Diagnostic.error(source, origin + ":" + startLine + ": unreadable YAML document: "
                    + firstLine(e)));
            return;
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return;
        }
        SourceLocation location = new SourceLocation(origin, startLine);
        if (tree instanceof ObjectNode object) {
            // Each document keeps its own text, from which its tree is parsed again if it was let go (see
            // RawDocument): the same parser on the same text gives an equal tree.
            if ("List".equals(object.path("kind").asText()) && object.path("items").isArray()) {
                int index = 0;
                for (JsonNode item : object.path("items")) {
                    if (item instanceof ObjectNode itemObject) {
                        int itemIndex = index;
                        documents.add(RawDocument.rebuildable(itemObject, location,
                                () -> (ObjectNode) reparse(text).path("items").get(itemIndex)));
                    } else {
                        diagnostics.add(Diagnostic.error(source, location + ": List item is not an object"));
                    }
                    index++;
                }
                return;
            }
            documents.add(RawDocument.rebuildable(object, location, () -> (ObjectNode) reparse(text)));
        } else {
            diagnostics.add(Diagnostic.error(source, location + ": document is a " + tree.getNodeType()
                    .toString().toLowerCase(java.util.Locale.ROOT) + ", expected a Kubernetes object"));
        }
    }

    /** Parses a document's text again (it parsed before: the same parser on the same text cannot fail now). */
    private static JsonNode reparse(String text) {
        try {
            return YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a document that parsed before no longer parses", e);
        }
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        String first = newline < 0 ? message : message.substring(0, newline);
        // Jackson appends its own source description; the file and line are already given.
        int at = first.indexOf(" at [Source");
        return (at < 0 ? first : first.substring(0, at)).strip();
    }
}
