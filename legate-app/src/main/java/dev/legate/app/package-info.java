/** The {@code legate} command: one binary with subcommands, and the composition root of the application. */
@NullMarked
package dev.legate.app;

import org.jspecify.annotations.NullMarked;
