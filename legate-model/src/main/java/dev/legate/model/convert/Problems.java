package dev.legate.model.convert;

import java.util.ArrayList;
import java.util.List;

/** Collects the notes and errors of one conversion, each prefixed with the path it is about. */
final class Problems {

    /** More messages than this of one sort are summarized, so that a hostile document cannot flood the result. */
    static final int MAX_MESSAGES = 500;

    private final List<String> notes = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private int droppedNotes;
    private int droppedErrors;

    void note(String path, String message) {
        if (notes.size() < MAX_MESSAGES) {
            notes.add(path + ": " + message);
        } else {
            droppedNotes++;
        }
    }

    void error(String path, String message) {
        if (errors.size() < MAX_MESSAGES) {
            errors.add(path + ": " + message);
        } else {
            droppedErrors++;
        }
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    List<String> notes() {
        return withSummary(notes, droppedNotes, "notes");
    }

    List<String> errors() {
        return withSummary(errors, droppedErrors, "errors");
    }

    private static List<String> withSummary(List<String> messages, int dropped, String what) {
        if (dropped == 0) {
            return List.copyOf(messages);
        }
        List<String> out = new ArrayList<>(messages);
        out.add("(document): " + dropped + " further " + what + " were left out");
        return List.copyOf(out);
    }
}
