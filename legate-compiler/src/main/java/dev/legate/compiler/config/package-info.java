/**
 * The first stage: parse source documents, convert older getambassador.io versions to v3alpha1, validate each
 * resource against its schema, apply the {@code ambassador_id} filter. Bad input becomes diagnostics, never
 * exceptions.
 */
@NullMarked
package dev.legate.compiler.config;

import org.jspecify.annotations.NullMarked;
