package dev.legate.app;

import java.util.logging.LogManager;

/**
 * java.util.logging's manager, minus the reset at JVM shutdown. The JDK resets logging from a shutdown hook of its own,
 * which runs at the same time as Legate's: the lines {@code legate serve} logs while it shuts down (draining Envoy,
 * closing the ADS server) would be lost, handlers closed under them. Legate's console handler flushes every record,
 * so there is nothing left to flush at exit.
 *
 * <p>Installed by {@link Main#main} through the {@code java.util.logging.manager} system property, before anything
 * uses logging; a manager given on the command line is left alone.
 */
public final class LegateLogManager extends LogManager {

    @Override
    public void reset() {
        // Left as configured: see the class comment. (LogManager.readConfiguration still resets through its own path.)
    }
}
