package dev.legate.diag;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One page of a table, after filtering: the rows whose text contains every word of {@link #query()}.
 *
 * @param page 1-based
 * @param total how many rows match the query (on every page together)
 * @param pages how many pages those make (at least 1)
 */
public record Page<T>(String query, int page, int pageSize, int total, int pages, List<T> items) {

    public Page {
        requireNonNull(query, "query");
        items = List.copyOf(items);
    }

    /** Filters {@code rows} (whose lower-cased search text is {@code text}, in the same order) and cuts a page. */
    static <T> Page<T> of(List<T> rows, List<String> text, String query, int page, int pageSize) {
        String[] words = query.toLowerCase(Locale.ROOT).trim().split("\\s+");
        List<T> matching;
        if (query.isBlank()) {
            matching = rows;
        } else {
            matching = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                if (containsAll(text.get(i), words)) {
                    matching.add(rows.get(i));
                }
            }
        }
        int size = Math.max(1, pageSize);
        int pages = Math.max(1, (matching.size() + size - 1) / size);
        int current = Math.min(Math.max(1, page), pages);
        int from = Math.min(matching.size(), (current - 1) * size);
        int to = Math.min(matching.size(), from + size);
        return new Page<>(query.trim(), current, size, matching.size(), pages, matching.subList(from, to));
    }

    private static boolean containsAll(String text, String[] words) {
        for (String w : words) {
            if (!text.contains(w)) {
                return false;
            }
        }
        return true;
    }
}
