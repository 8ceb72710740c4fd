/**
 * Backends for testing a gateway end to end, in the spirit of Emissary's kat-server: each identifies itself and
 * echoes what it received, so a test can assert which backend answered and what the gateway did to the request.
 */
@NullMarked
package dev.legate.backend;

import org.jspecify.annotations.NullMarked;
