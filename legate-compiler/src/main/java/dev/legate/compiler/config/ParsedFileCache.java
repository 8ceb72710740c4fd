package dev.legate.compiler.config;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Remembers how each file parsed, so that a reconfiguration re-parses only the files whose bytes changed. Parsing is
 * the most expensive part of reading a large configuration, and one edit changes one file. Entries are compared by
 * the SHA-256 digest of their content (the content itself is not kept: its documents already keep their own text, see
 * {@link RawDocument#releaseTree()}); files no longer present are forgotten. Parsed documents are shared between
 * reads, which is safe because decoding never modifies them. Thread-safe.
 */
public final class ParsedFileCache {

    /**
     * A file's digest, its parse, and its documents by text and first line (the text is the documents' own: see
     * {@link RawDocument#releaseTree()}), for the next parse of the file once it changed.
     */
    private record Entry(byte[] digest, YamlDocuments.Parsed parsed, Map<DocumentKey, List<RawDocument>> documents) {
    }

    private record DocumentKey(String text, int startLine) {
    }

    /** The documents of one parse, by text and first line, reading those of the previous parse of the file. */
    private static final class Known implements YamlDocuments.Known {
        private final Map<DocumentKey, List<RawDocument>> before;
        private final Map<DocumentKey, List<RawDocument>> now = new HashMap<>();

        Known(Map<DocumentKey, List<RawDocument>> before) {
            this.before = before;
        }

        @Override
        public @org.jspecify.annotations.Nullable List<RawDocument> documents(String text, int startLine) {
            return before.get(new DocumentKey(text, startLine));
        }

        @Override
        public void parsed(String text, int startLine, List<RawDocument> documents) {
            now.put(new DocumentKey(text, startLine), documents);
        }
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private long hits;
    private long misses;

    /**
     * The parse of {@code content} read from {@code origin}: from the cache when the bytes are unchanged; else made by
     * {@code parser}, which reuses the documents of the file's previous parse whose text is unchanged.
     */
    YamlDocuments.Parsed parse(String origin, byte[] content,
            java.util.function.Function<YamlDocuments.Known, YamlDocuments.Parsed> parser) {
        byte[] digest = sha256(content);
        Entry e;
        synchronized (this) {
            e = entries.get(origin);
            if (e != null && MessageDigest.isEqual(e.digest(), digest)) {
                hits++;
                return e.parsed();
            }
        }
        Known known = new Known(e == null ? Map.of() : e.documents());
        YamlDocuments.Parsed parsed = parser.apply(known);
        synchronized (this) {
            misses++;
            entries.put(origin, new Entry(digest, parsed, known.now));
        }
        return parsed;
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Forgets files that were not part of the last read. */
    synchronized void retainOnly(Set<String> origins) {
        entries.keySet().retainAll(origins);
    }

    /** Cache hits and misses so far, for logs and tests. */
    public synchronized long[] hitsAndMisses() {
        return new long[] {hits, misses};
    }
}
