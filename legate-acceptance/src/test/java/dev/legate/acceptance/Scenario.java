package dev.legate.acceptance;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One scenario: the resources it adds to a configuration, and the queries whose answers it predicts. Scenarios are
 * loaded many at a time into one configuration (as Emissary's KAT does), so each keeps to its own hostnames and path
 * prefixes ({@code /sNNN/...}).
 *
 * @param name unique, short, says what is combined (e.g. {@code s042-prefix-rewrite-default-headers})
 * @param features the feature values combined, for the report (e.g. {@code match=prefix}, {@code rewrite=default})
 * @param resources the getambassador.io (and Kubernetes) documents, as YAML trees; {@code ${backend:NAME}} in a
 *     string stands for that backend's {@code 127.0.0.1:PORT}
 * @param queries what is asked, with the expected answers
 */
public record Scenario(String name, List<String> features, List<Map<String, Object>> resources,
        List<Query> queries) {

    public Scenario {
        requireNonNull(name, "name");
        features = List.copyOf(features);
        resources = List.copyOf(resources);
        queries = List.copyOf(queries);
    }

    /** How many requests the scenario sends (a query may be repeated, e.g. to measure a canary's split). */
    public int requests() {
        return queries.stream().mapToInt(Query::repeat).sum();
    }
}
