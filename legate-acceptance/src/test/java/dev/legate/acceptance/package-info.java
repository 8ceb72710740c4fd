/**
 * Legate's acceptance harness (its KAT): scenarios generated as a matrix of Emissary features plus hand-written
 * ones, loaded together into a configuration that {@code legate serve} publishes, and queried through real xDS
 * clients (and a real Envoy when one is present) to real echo backends.
 */
@NullMarked
package dev.legate.acceptance;

import org.jspecify.annotations.NullMarked;
