/** Checks generated Envoy resources against Envoy's own field constraints before they leave the compiler. */
@NullMarked
package dev.legate.compiler.validate;

import org.jspecify.annotations.NullMarked;
