package dev.legate.diag;

import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * Legate's own log level, changed at runtime ({@code ?loglevel=} on the overview, with Envoy's). Legate logs through
 * SLF4J bound to {@code java.util.logging} (slf4j-jdk14), whose levels can change while running; with any other
 * binding the level cannot be changed and the diagnostics say so.
 */
final class LogLevels {

    /** Legate's loggers. Held strongly: {@code java.util.logging} forgets the level of a logger nobody holds. */
    private static final Logger LEGATE = Logger.getLogger("dev.legate");
    /** Envoy's level names (what {@code ?loglevel=} takes) to java.util.logging's. */
    private static final Map<String, Level> LEVELS = Map.of("trace", Level.FINEST, "debug", Level.FINE,
            "info", Level.INFO, "warning", Level.WARNING, "warn", Level.WARNING, "error", Level.SEVERE,
            "critical", Level.SEVERE, "off", Level.OFF);

    private LogLevels() {
    }

    /** Whether Legate's level can be changed: SLF4J is bound to java.util.logging. */
    static boolean changeable() {
        return LoggerFactory.getILoggerFactory().getClass().getName().startsWith("org.slf4j.jul.");
    }

    /**
     * Sets Legate's level, when {@link #changeable()}.
     *
     * @throws IllegalArgumentException for a level that is not one of Envoy's names
     */
    static void set(String level) {
        Level l = LEVELS.get(level.toLowerCase(Locale.ROOT));
        if (l == null) {
            throw new IllegalArgumentException("unknown log level '" + level + "' (expected one of "
                    + new java.util.TreeSet<>(LEVELS.keySet()) + ")");
        }
        LEGATE.setLevel(l);
    }

    /** Legate's level in Envoy's names ({@code info}, {@code debug}, ...). */
    static String current() {
        if (!changeable()) {
            return "fixed by the logging configuration";
        }
        Logger logger = LEGATE;
        while (logger.getLevel() == null && logger.getParent() != null) {
            logger = logger.getParent();
        }
        Level l = logger.getLevel() == null ? Level.INFO : logger.getLevel();
        if (l.intValue() <= Level.FINEST.intValue()) {
            return "trace";
        } else if (l.intValue() <= Level.FINE.intValue()) {
            return "debug";
        } else if (l.intValue() <= Level.INFO.intValue()) {
            return "info";
        } else if (l.intValue() <= Level.WARNING.intValue()) {
            return "warning";
        } else if (l.intValue() <= Level.SEVERE.intValue()) {
            return "error";
        }
        return "off";
    }
}
