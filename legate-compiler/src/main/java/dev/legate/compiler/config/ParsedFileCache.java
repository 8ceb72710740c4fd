package dev.legate.compiler.config;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Remembers how each file parsed, so that a reconfiguration re-parses only the files whose bytes changed. Parsing is
 * the most expensive part of reading a large configuration, and one edit changes one file. Entries are compared by
 * their full content (no hash collisions); files no longer present are forgotten. Parsed documents are shared
 * between reads, which is safe because decoding never modifies them. Thread-safe.
 */
public final class ParsedFileCache {

    private record Entry(byte[] content, YamlDocuments.Parsed parsed) {
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private long hits;
    private long misses;

    /** The parse of {@code content} read from {@code origin}: from the cache when the bytes are unchanged. */
    YamlDocuments.Parsed parse(String origin, byte[] content, java.util.function.Supplier<YamlDocuments.Parsed> parser) {
        synchronized (this) {
            Entry e = entries.get(origin);
            if (e != null && Arrays.equals(e.content(), content)) {
                hits++;
                return e.parsed();
            }
        }
        YamlDocuments.Parsed parsed = parser.get();
        synchronized (this) {
            misses++;
            entries.put(origin, new Entry(content, parsed));
        }
        return parsed;
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
