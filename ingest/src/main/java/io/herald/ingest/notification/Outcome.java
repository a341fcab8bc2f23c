package io.herald.ingest.notification;

import io.herald.ingest.problem.ProblemException;

/** What became of one submission. */
sealed interface Outcome {

    /** In Kafka: now, or by an earlier request with the same idempotency key ({@code replayed}). */
    record Accepted(NotificationAccepted result, boolean replayed) implements Outcome {
    }

    /** Not accepted; whether it may be retried is in the problem's kind. */
    record Rejected(ProblemException problem) implements Outcome {
    }
}
