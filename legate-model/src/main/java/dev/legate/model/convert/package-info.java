/**
 * Conversion of {@code getambassador.io/v1} and {@code getambassador.io/v2} resource documents into
 * {@code getambassador.io/v3alpha1} (the hub version Legate compiles) and back, on Jackson trees.
 *
 * <p>The rules follow Emissary-ingress's own conversion functions (its {@code v2*} bookkeeping fields in
 * v3alpha1 keep what a later v3alpha1&rarr;v2 conversion needs), so that a v2 document survives
 * v2&rarr;v3alpha1&rarr;v2 unchanged. Entry points: {@link dev.legate.model.convert.ToV3alpha1} and
 * {@link dev.legate.model.convert.FromV3alpha1}; both never throw and report problems in a
 * {@link dev.legate.model.convert.Conversion}.
 */
@NullMarked
package dev.legate.model.convert;

import org.jspecify.annotations.NullMarked;
