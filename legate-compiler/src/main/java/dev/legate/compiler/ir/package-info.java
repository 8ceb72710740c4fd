/**
 * The intermediate representation: listeners, filter chains, virtual hosts, routes and clusters as Emissary would
 * build them, with the source resource of each element. It does not depend on Envoy's protos.
 */
@NullMarked
package dev.legate.compiler.ir;

import org.jspecify.annotations.NullMarked;
