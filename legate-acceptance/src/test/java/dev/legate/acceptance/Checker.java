package dev.legate.acceptance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Compares the answers to a query with what was expected; returns what is wrong (empty when it passed). */
final class Checker {

    private Checker() {
    }

    static List<String> check(Expected expected, List<Answer> answers) {
        List<String> problems = new ArrayList<>();
        switch (expected) {
            case Expected.Split split -> checkSplit(split, answers, problems);
            default -> {
                for (Answer a : answers) {
                    checkOne(expected, a, problems);
                    if (!problems.isEmpty()) {
                        problems.add("answer: " + a);
                        break;
                    }
                }
            }
        }
        return problems;
    }

    private static void checkOne(Expected expected, Answer a, List<String> problems) {
        if (a.error() != null) {
            problems.add("no answer: " + a.error());
            return;
        }
        switch (expected) {
            case Expected.Routed r -> {
                if (a.status() != 200 || a.seen() == null) {
                    problems.add("expected 200 from " + r.backend() + ", got " + a.status()
                            + (a.seen() == null ? " without a backend" : ""));
                    return;
                }
                Answer.Seen seen = a.seen();
                if (!seen.backend().equals(r.backend())) {
                    problems.add("backend " + seen.backend() + ", expected " + r.backend());
                }
                if (!seen.path().equals(r.path())) {
                    problems.add("path seen " + seen.path() + ", expected " + r.path());
                }
                if (!seen.host().equals(r.host())) {
                    problems.add("host seen " + seen.host() + ", expected " + r.host());
                }
                r.addedHeaders().forEach((k, v) -> {
                    List<String> got = seen.headers().get(k);
                    if (got == null || !got.equals(List.of(v))) {
                        problems.add("request header " + k + " seen " + got + ", expected [" + v + "]");
                    }
                });
                r.removedHeaders().forEach(k -> {
                    if (seen.headers().containsKey(k)) {
                        problems.add("request header " + k + " reached the backend: " + seen.headers().get(k));
                    }
                });
                r.responseHeaders().forEach((k, v) -> {
                    if (!v.equals(a.responseHeaders().get(k))) {
                        problems.add("response header " + k + " = " + a.responseHeaders().get(k) + ", expected "
                                + v);
                    }
                });
                r.removedResponseHeaders().forEach(k -> {
                    if (a.responseHeaders().containsKey(k)) {
                        problems.add("response header " + k + " was not removed");
                    }
                });
            }
            case Expected.Redirect r -> {
                if (a.status() != r.status() || !r.location().equals(a.responseHeaders().get("location"))) {
                    problems.add("expected " + r.status() + " to " + r.location() + ", got " + a.status() + " to "
                            + a.responseHeaders().get("location"));
                }
            }
            case Expected.Rejected r -> {
                if (a.status() != r.status() || a.seen() != null) {
                    problems.add("expected " + r.status() + " from the gateway, got " + a.status()
                            + (a.seen() != null ? " from " + a.seen().backend() : ""));
                    return;
                }
                r.responseHeaders().forEach((k, v) -> {
                    if (!v.equals(a.responseHeaders().get(k))) {
                        problems.add("response header " + k + " = " + a.responseHeaders().get(k) + ", expected "
                                + v);
                    }
                });
                r.absentResponseHeaders().forEach(k -> {
                    if (a.responseHeaders().containsKey(k)) {
                        problems.add("response header " + k + " reached the client: " + a.responseHeaders().get(k));
                    }
                });
            }
            case Expected.NotFound n -> {
                if (a.status() != 404 || a.seen() != null) {
                    problems.add("expected 404 from the gateway, got " + a.status()
                            + (a.seen() != null ? " from " + a.seen().backend() : ""));
                }
            }
            case Expected.Split s -> throw new IllegalStateException("splits are checked as a whole");
        }
    }

    private static void checkSplit(Expected.Split split, List<Answer> answers, List<String> problems) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Answer a : answers) {
            if (a.error() != null || a.status() != 200 || a.seen() == null) {
                problems.add("a canary request was not routed: " + a);
                return;
            }
            String backend = a.seen().backend();
            if (!split.percent().containsKey(backend)) {
                problems.add("backend " + backend + " is not part of the split " + split.percent());
                return;
            }
            if (!a.seen().path().equals(split.pathSeen().get(backend))) {
                problems.add(backend + " saw path " + a.seen().path() + ", expected " + split.pathSeen().get(backend));
                return;
            }
            counts.merge(backend, 1, Integer::sum);
        }
        int n = answers.size();
        for (String backend : split.backends()) {
            double p = split.percent().get(backend) / 100.0;
            int count = counts.getOrDefault(backend, 0);
            double allowed = 4.5 * Math.sqrt(n * p * (1 - p)) + 0.5;
            if (Math.abs(count - n * p) > allowed) {
                problems.add(String.format("%s answered %d of %d requests (%.1f%%), expected %d%% (%.0f +/- %.0f)",
                        backend, count, n, 100.0 * count / n, split.percent().get(backend), n * p, allowed));
            }
        }
    }
}
