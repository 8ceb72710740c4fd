/**
 * Where configuration comes from: a directory of YAML watched for changes, with changes coalesced before each
 * recompile; the Kubernetes cluster (package {@code kubernetes}), the Consul catalog ({@code consul}) and Istio's
 * certificate directory, read through one {@link dev.legate.sources.SnapshotSource}.
 */
@NullMarked
package dev.legate.sources;

import org.jspecify.annotations.NullMarked;
