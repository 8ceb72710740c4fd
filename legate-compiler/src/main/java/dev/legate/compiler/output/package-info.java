/** Renders compile results as the files users read: envoy.json, ir.json, diagnostics.json, snapshot.yaml. */
@NullMarked
package dev.legate.compiler.output;

import org.jspecify.annotations.NullMarked;
