package dev.legate.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * The spec of the three resolver kinds: {@code KubernetesServiceResolver} and {@code KubernetesEndpointResolver}
 * (no fields besides {@code ambassador_id}) and {@code ConsulResolver} ({@code address}, {@code datacenter}). The
 * kind is the resource's key's kind.
 */
public record ResolverSpec(
        @JsonProperty("address") @Nullable String address,
        @JsonProperty("datacenter") @Nullable String datacenter) implements Spec {
}
