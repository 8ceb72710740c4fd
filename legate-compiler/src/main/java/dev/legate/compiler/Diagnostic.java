package dev.legate.compiler;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;

/**
 * Something a user should know about one source: an error (the resource, or part of it, was left out), a warning
 * (it was accepted but probably does not do what was meant) or a notice.
 *
 * @param source the resource key ({@code Kind/name.namespace}) or, for a file that could not be parsed,
 *     {@code file:<path>}
 */
public record Diagnostic(String source, Severity severity, String message) {

    public static final Comparator<Diagnostic> ORDER = Comparator.comparing(Diagnostic::source)
            .thenComparing(Diagnostic::severity)
            .thenComparing(Diagnostic::message);

    public enum Severity {
        ERROR, WARNING, NOTICE;

        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Diagnostic {
        requireNonNull(source, "source");
        requireNonNull(severity, "severity");
        requireNonNull(message, "message");
    }

    public static Diagnostic error(Object source, String message) {
        return new Diagnostic(source.toString(), Severity.ERROR, message);
    }

    public static Diagnostic warning(Object source, String message) {
        return new Diagnostic(source.toString(), Severity.WARNING, message);
    }

    public static Diagnostic notice(Object source, String message) {
        return new Diagnostic(source.toString(), Severity.NOTICE, message);
    }
}
