package dev.legate.diag;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the overview was asked for: a search and a page for each big table.
 *
 * @param routeQuery words every listed route must contain (listener, host, path, header, cluster, source...)
 * @param pageSize rows per page, 1 to {@link #MAX_PAGE_SIZE}
 */
public record OverviewQuery(String sourceQuery, int sourcePage, String routeQuery, int routePage,
        String clusterQuery, int clusterPage, int pageSize) {

    public static final int DEFAULT_PAGE_SIZE = 50;
    public static final int MAX_PAGE_SIZE = 1000;
    public static final OverviewQuery FIRST_PAGES = new OverviewQuery("", 1, "", 1, "", 1, DEFAULT_PAGE_SIZE);

    public OverviewQuery {
        requireNonNull(sourceQuery, "sourceQuery");
        requireNonNull(routeQuery, "routeQuery");
        requireNonNull(clusterQuery, "clusterQuery");
        pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, pageSize));
    }

    /** From the request's query parameters: {@code q}, {@code page}, {@code sq}, {@code spage}, {@code cq}, ... */
    public static OverviewQuery of(Map<String, String> params) {
        return new OverviewQuery(params.getOrDefault("sq", ""), number(params.get("spage"), 1),
                params.getOrDefault("q", ""), number(params.get("page"), 1),
                params.getOrDefault("cq", ""), number(params.get("cpage"), 1),
                number(params.get("per_page"), DEFAULT_PAGE_SIZE));
    }

    private static int number(@Nullable String value, int otherwise) {
        if (value == null) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
