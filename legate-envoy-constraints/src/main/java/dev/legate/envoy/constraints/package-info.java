/**
 * Checks Envoy v3 protobuf resources against Envoy's own field constraints, the
 * {@code validate.rules} (protoc-gen-validate) annotations in Envoy's {@code .proto} files,
 * including the messages packed inside {@code google.protobuf.Any} fields.
 *
 * <p>The entry point is {@link dev.legate.envoy.constraints.EnvoyConstraints}.
 */
@NullMarked
package dev.legate.envoy.constraints;

import org.jspecify.annotations.NullMarked;
