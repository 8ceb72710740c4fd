package dev.legate.acceptance;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/** Sends every query of every scenario concurrently (a bounded number in flight) and checks the answers. */
final class Runner {

    /** Sends one request of a query; the long is the request's route random. */
    @FunctionalInterface
    interface Sender {
        CompletableFuture<Answer> send(Query query, long random);
    }

    /** One failed query. */
    record Failure(String scenario, List<String> features, Query query, Expected expected, List<String> problems) {
    }

    /** The outcome of one tier. */
    record Outcome(String tier, int scenarios, int queries, int requests, int passed, List<Failure> failures,
            long millis) {
    }

    private Runner() {
    }

    static Outcome run(String tier, List<Scenario> scenarios, Sender sender, int inFlight) throws Exception {
        long start = System.nanoTime();
        Semaphore permits = new Semaphore(inFlight);
        record Pending(Scenario scenario, Query query, List<CompletableFuture<Answer>> answers) {
        }
        List<Pending> pending = new ArrayList<>();
        int requests = 0;
        for (Scenario s : scenarios) {
            for (int qi = 0; qi < s.queries().size(); qi++) {
                Query q = s.queries().get(qi);
                // A fixed sequence of route randoms per query: a canary's split is the same on every run.
                SplittableRandom randoms = new SplittableRandom((s.name() + "#" + qi).hashCode());
                List<CompletableFuture<Answer>> answers = new ArrayList<>();
                for (int r = 0; r < q.repeat(); r++) {
                    long random = randoms.nextLong();
                    permits.acquire();
                    CompletableFuture<Answer> f;
                    try {
                        f = sender.send(q, random);
                    } catch (RuntimeException e) {
                        f = CompletableFuture.completedFuture(Answer.failed(e.toString()));
                    }
                    f.whenComplete((a, e) -> permits.release());
                    answers.add(f);
                    requests++;
                }
                pending.add(new Pending(s, q, answers));
            }
        }
        int passed = 0;
        List<Failure> failures = new ArrayList<>();
        for (Pending p : pending) {
            List<Answer> answers = new ArrayList<>();
            for (CompletableFuture<Answer> f : p.answers()) {
                answers.add(f.exceptionally(e -> Answer.failed(e.toString())).get());
            }
            List<String> problems = Checker.check(p.query().expected(), answers);
            if (problems.isEmpty()) {
                passed++;
            } else {
                failures.add(new Failure(p.scenario().name(), p.scenario().features(), p.query(),
                        p.query().expected(), problems));
            }
        }
        return new Outcome(tier, scenarios.size(), pending.size(), requests, passed, failures,
                (System.nanoTime() - start) / 1_000_000);
    }
}
