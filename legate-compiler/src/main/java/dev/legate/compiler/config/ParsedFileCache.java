package dev.legate.compiler.config;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
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

    private record Entry(byte[] digest, YamlDocuments.Parsed parsed) {
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private long hits;
    private long misses;

    /** The parse of {@code content} read from {@code origin}: from the cache when the bytes are unchanged. */
    YamlDocuments.Parsed parse(String origin, byte[] content, java.util.function.Supplier<YamlDocuments.Parsed> parser) {
        byte[] digest = sha256(content);
        synchronized (this) {
            Entry e = entries.get(origin);
            if (e != null && MessageDigest.isEqual(e.digest(), digest)) {
                hits++;
                return e.parsed();
            }
        }
        YamlDocuments.Parsed parsed = parser.get();
        synchronized (this) {
            misses++;
            entries.put(origin, new Entry(digest, parsed));
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
