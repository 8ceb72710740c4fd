/**
 * Legate's compiler: a pure function from one {@link dev.legate.compiler.config.ResourceSnapshot} to Envoy v3
 * configuration, through a typed intermediate representation. No IO, no clock: the same input gives byte-identical
 * output.
 */
@NullMarked
package dev.legate.compiler;

import org.jspecify.annotations.NullMarked;
