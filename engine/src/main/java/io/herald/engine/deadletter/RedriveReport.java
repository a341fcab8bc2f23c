package io.herald.engine.deadletter;

import java.util.List;

/** One result per dead letter, in the order they were handled. */
public record RedriveReport(boolean dryRun, List<RedriveResult> results) {

    public long count(RedriveResult.Outcome outcome) {
        return results.stream().filter(r -> r.outcome() == outcome).count();
    }

    public long failed() {
        return results.stream().filter(r -> !r.outcome().succeeded()).count();
    }
}
