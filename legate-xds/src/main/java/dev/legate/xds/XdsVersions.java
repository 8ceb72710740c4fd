package dev.legate.xds;

import static java.util.Objects.requireNonNull;

/**
 * The version of each resource type being served: a content hash (the first 16 hex digits of a SHA-256 over the
 * name-sorted resources' names and serialized bytes), so identical content always has the same version, on every
 * replica and after every restart. Empty strings before anything was published.
 *
 * @param clusters CDS version
 * @param endpoints EDS version
 * @param listeners LDS version
 * @param routes RDS version
 * @param secrets SDS version
 */
public record XdsVersions(String clusters, String endpoints, String listeners, String routes, String secrets) {

    static final XdsVersions NONE = new XdsVersions("", "", "", "", "");

    public XdsVersions {
        requireNonNull(clusters, "clusters");
        requireNonNull(endpoints, "endpoints");
        requireNonNull(listeners, "listeners");
        requireNonNull(routes, "routes");
        requireNonNull(secrets, "secrets");
    }

    /** The version of one type. */
    public String of(XdsType type) {
        return switch (type) {
            case CLUSTER -> clusters;
            case ENDPOINT -> endpoints;
            case LISTENER -> listeners;
            case ROUTE -> routes;
            case SECRET -> secrets;
        };
    }

    /** Whether anything has been published. */
    public boolean isEmpty() {
        return equals(NONE);
    }
}
