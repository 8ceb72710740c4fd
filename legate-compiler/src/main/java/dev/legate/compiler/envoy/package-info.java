/** IR to Envoy v3 protos: one translator per Envoy resource type, and the static bootstrap. */
@NullMarked
package dev.legate.compiler.envoy;

import org.jspecify.annotations.NullMarked;
