package dev.legate.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Legate logs through SLF4J to {@code java.util.logging}, so that its level can change while it runs (the
 * diagnostics' {@code ?loglevel=}). One line per record on standard error, {@code HH:mm:ss.SSS [LEVEL] logger -
 * message}, with SLF4J's level names. Legate's loggers ({@code dev.legate}) and everything else start at INFO; the
 * handler passes every level, so changing a logger's level is enough.
 */
final class LogSetup {

    /** Held strongly: java.util.logging forgets the level of a logger nobody holds. */
    private static final Logger ROOT = Logger.getLogger("");
    private static final Logger LEGATE = Logger.getLogger("dev.legate");
    /**
     * fabric8 warns once per kind that getambassador.io/v3alpha1 is an "unstable version": it is the version Emissary's
     * CRDs serve, so the warning says nothing to Legate's users.
     */
    private static final Logger FABRIC8_VERSION_USAGE =
            Logger.getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils");
    private static volatile boolean done;

    private LogSetup() {
    }

    /** Configures logging once per process, unless a java.util.logging configuration was given. */
    static void configure() {
        if (done || System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        done = true;
        for (Handler h : ROOT.getHandlers()) {
            ROOT.removeHandler(h);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setLevel(Level.ALL);
        console.setFormatter(new OneLine());
        ROOT.addHandler(console);
        ROOT.setLevel(Level.INFO);
        LEGATE.setLevel(Level.INFO);
        FABRIC8_VERSION_USAGE.setLevel(Level.SEVERE);
    }

    /** {@code 12:34:56.789 [INFO] dev.legate.app.serve.Gateway - message}, then the stack trace if any. */
    static final class OneLine extends Formatter {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

        @Override
        public String format(LogRecord r) {
            StringBuilder s = new StringBuilder(128);
            s.append(TIME.format(LocalTime.ofInstant(r.getInstant(), ZoneId.systemDefault()))).append(" [")
                    .append(level(r.getLevel())).append("] ").append(r.getLoggerName()).append(" - ")
                    .append(formatMessage(r)).append(System.lineSeparator());
            if (r.getThrown() != null) {
                StringWriter trace = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(trace));
                s.append(trace);
            }
            return s.toString();
        }

        private static String level(Level l) {
            int v = l.intValue();
            if (v >= Level.SEVERE.intValue()) {
                return "ERROR";
            } else if (v >= Level.WARNING.intValue()) {
                return "WARN";
            } else if (v >= Level.INFO.intValue()) {
                return "INFO";
            } else if (v >= Level.FINE.intValue()) {
                return "DEBUG";
            }
            return "TRACE";
        }
    }
}
