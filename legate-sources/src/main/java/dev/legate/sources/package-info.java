/**
 * Where configuration comes from: a directory of YAML watched for changes, with changes coalesced before each
 * recompile. (Kubernetes informers and Consul join here later.)
 */
@NullMarked
package dev.legate.sources;

import org.jspecify.annotations.NullMarked;
