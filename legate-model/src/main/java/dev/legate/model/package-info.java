/**
 * The {@code getambassador.io} resources (v3alpha1, the hub version) and the Kubernetes core objects Legate reads,
 * as small immutable records. Fields keep Emissary's JSON names so that a user's YAML decodes unchanged.
 */
@NullMarked
package dev.legate.model;

import org.jspecify.annotations.NullMarked;
