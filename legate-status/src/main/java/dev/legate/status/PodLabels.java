package dev.legate.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Pod's labels as the downward API writes them to a file: one {@code key="value"} per line. */
final class PodLabels {

    private static final Pattern LINE = Pattern.compile("^([^=]+)=\"(.*)\"$");

    private PodLabels() {}

    /** The labels in {@code file}; empty (unknown) when it is absent or unreadable. */
    static Optional<Map<String, String>> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Map<String, String> labels = new TreeMap<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Matcher m = LINE.matcher(line.strip());
                if (m.matches()) {
                    labels.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
                }
            }
            return Optional.of(labels);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
