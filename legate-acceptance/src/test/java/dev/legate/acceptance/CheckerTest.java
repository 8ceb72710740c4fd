package dev.legate.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The checks themselves: each kind of wrong answer is caught. */
final class CheckerTest {

    private static Answer echo(String backend, String path, String host, Map<String, List<String>> headers,
            Map<String, String> response) {
        return new Answer(200, response, new Answer.Seen(backend, path, host, headers), null);
    }

    private static final Expected.Routed ROUTED = new Expected.Routed("alpha", "/x", "a.example",
            Map.of("x-added", "1"), Set.of("x-drop"), Map.of("x-resp", "r"), Set.of("x-secret"));

    @Test
    void aRoutedAnswerPassesOnlyWhenEverythingMatches() {
        Answer good = echo("alpha", "/x", "a.example", Map.of("x-added", List.of("1")), Map.of("x-resp", "r"));
        assertThat(Checker.check(ROUTED, List.of(good))).isEmpty();
        assertThat(Checker.check(ROUTED, List.of(echo("beta", "/x", "a.example", Map.of("x-added", List.of("1")),
                Map.of("x-resp", "r"))))).anyMatch(p -> p.contains("backend beta"));
        assertThat(Checker.check(ROUTED, List.of(echo("alpha", "/y", "a.example", Map.of("x-added", List.of("1")),
                Map.of("x-resp", "r"))))).anyMatch(p -> p.contains("path seen /y"));
        assertThat(Checker.check(ROUTED, List.of(echo("alpha", "/x", "b.example", Map.of("x-added", List.of("1")),
                Map.of("x-resp", "r"))))).anyMatch(p -> p.contains("host seen b.example"));
        assertThat(Checker.check(ROUTED, List.of(echo("alpha", "/x", "a.example",
                Map.of("x-added", List.of("1", "1")), Map.of("x-resp", "r"))))).anyMatch(p -> p.contains("x-added"));
        assertThat(Checker.check(ROUTED, List.of(echo("alpha", "/x", "a.example",
                Map.of("x-added", List.of("1"), "x-drop", List.of("1")), Map.of("x-resp", "r")))))
                .anyMatch(p -> p.contains("x-drop reached the backend"));
        assertThat(Checker.check(ROUTED, List.of(echo("alpha", "/x", "a.example", Map.of("x-added", List.of("1")),
                Map.of("x-resp", "r", "x-secret", "1"))))).anyMatch(p -> p.contains("x-secret was not removed"));
        assertThat(Checker.check(ROUTED, List.of(new Answer(404, Map.of(), null, null)))).isNotEmpty();
        assertThat(Checker.check(ROUTED, List.of(Answer.failed("refused")))).isNotEmpty();
    }

    @Test
    void redirectsAndNotFound() {
        Expected.Redirect redirect = new Expected.Redirect(301, "https://a.example/p");
        assertThat(Checker.check(redirect, List.of(new Answer(301, Map.of("location", "https://a.example/p"), null,
                null)))).isEmpty();
        assertThat(Checker.check(redirect, List.of(new Answer(302, Map.of("location", "https://a.example/p"), null,
                null)))).isNotEmpty();
        assertThat(Checker.check(redirect, List.of(new Answer(301, Map.of("location", "http://a.example/p"), null,
                null)))).isNotEmpty();
        assertThat(Checker.check(new Expected.NotFound(), List.of(new Answer(404, Map.of(), null, null)))).isEmpty();
        assertThat(Checker.check(new Expected.NotFound(), List.of(echo("alpha", "/", "a", Map.of(), Map.of()))))
                .isNotEmpty();
    }

    @Test
    void aSplitIsCheckedAgainstItsShares() {
        Expected.Split split = new Expected.Split(Map.of("alpha", 25, "beta", 75),
                Map.of("alpha", "/p", "beta", "/p"));
        assertThat(Checker.check(split, answers(50, 150, "/p"))).isEmpty();
        assertThat(Checker.check(split, answers(150, 50, "/p"))).anyMatch(p -> p.contains("alpha answered 150 of 200"));
        assertThat(Checker.check(new Expected.Split(Map.of("alpha", 10, "beta", 90), Map.of("alpha", "/p", "beta",
                "/p")), answers(0, 400, "/p"))).as("10%% is not 0%%").anyMatch(p -> p.contains("alpha answered 0"));
        assertThat(Checker.check(split, answers(50, 150, "/q"))).anyMatch(p -> p.contains("saw path /q"));
    }

    private static List<Answer> answers(int alpha, int beta, String path) {
        List<Answer> all = new ArrayList<>();
        for (int i = 0; i < alpha; i++) {
            all.add(echo("alpha", path, "a", Map.of(), Map.of()));
        }
        for (int i = 0; i < beta; i++) {
            all.add(echo("beta", path, "a", Map.of(), Map.of()));
        }
        Collections.shuffle(all, new java.util.Random(1));
        return all;
    }
}
