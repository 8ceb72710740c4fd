package dev.legate.sources.kubernetes;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Optional;

/**
 * One kind the source watches, in one version, with the field selector of its own that Emissary gives it (Endpoints
 * outside kube-system, Secrets of type kubernetes.io/tls).
 *
 * @param group API group, empty for the core group
 * @param plural the resource name in URLs
 * @param ownFieldSelector this kind's own field selector, to which AMBASSADOR_FIELD_SELECTOR is added
 * @param importance {@link Importance#EXPECTED} when its absence is worth a warning (a getambassador.io CRD that is
 *     not installed), {@link Importance#OPTIONAL} when not (EndpointSlices on an old cluster)
 */
public record WatchedKind(String group, String version, String kind, String plural, Scope scope,
        Optional<String> ownFieldSelector, Importance importance) {

    /** Whether objects of the kind live in namespaces. */
    public enum Scope {
        NAMESPACED, CLUSTER
    }

    /** Whether a missing kind deserves a warning. */
    public enum Importance {
        EXPECTED, OPTIONAL
    }

    public WatchedKind {
        requireNonNull(group, "group");
        requireNonNull(version, "version");
        requireNonNull(kind, "kind");
        requireNonNull(plural, "plural");
        requireNonNull(scope, "scope");
        requireNonNull(ownFieldSelector, "ownFieldSelector");
        requireNonNull(importance, "importance");
    }

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** {@code plural.version.group}, as Emissary logs it. */
    public String resourceName() {
        return plural + "." + version + (group.isEmpty() ? "" : "." + group);
    }

    public WatchedKind withVersion(String otherVersion) {
        return new WatchedKind(group, otherVersion, kind, plural, scope, ownFieldSelector, importance);
    }

    /** For fabric8's generic resource operations on this kind. */
    public ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(scope == Scope.NAMESPACED).build();
    }

    @Override
    public String toString() {
        return resourceName();
    }
}
