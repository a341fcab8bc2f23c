package io.herald.ingest.notification;

import io.herald.ingest.auth.ProducerIdentity;
import io.herald.ingest.idempotency.Claim;
import io.herald.ingest.idempotency.IdempotencyStore;
import io.herald.ingest.problem.ProblemException;
import io.herald.ingest.problem.ProblemKind;
import io.herald.publisher.NotificationPublisher;
import io.herald.publisher.Published;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Produces the records a request asks for and waits, bounded by the ack timeout, for Kafka's acknowledgements:
 * a request is answered 202 only for what Kafka holds. Keyed submissions go through the idempotency store so
 * that a retry produces nothing new, and at most {@code max-in-flight} records wait for Kafka at once.
 */
@Service
public class NotificationIngest {

    private static final Logger log = LoggerFactory.getLogger(NotificationIngest.class);

    private final NotificationPublisher publisher;
    private final IdempotencyStore idempotency;
    private final IngestProperties properties;
    private final Semaphore inFlight;

    NotificationIngest(NotificationPublisher publisher, IdempotencyStore idempotency, IngestProperties properties) {
        this.publisher = publisher;
        this.idempotency = idempotency;
        this.properties = properties;
        this.inFlight = new Semaphore(properties.maxInFlight());
    }

    /**
     * @return one outcome per submission, in order
     * @throws ProblemException OVERLOADED, before anything is produced, when the submissions do not fit in the
     *                          in-flight limit
     */
    List<Outcome> publish(ProducerIdentity producer, List<Submission> submissions) {
        if (!inFlight.tryAcquire(submissions.size())) {
            log.warn("in-flight limit reached, refusing request producer={} records={} maxInFlight={}",
                    producer.name(), submissions.size(), properties.maxInFlight());
            throw new ProblemException(ProblemKind.OVERLOADED, "more than " + properties.maxInFlight()
                    + " notifications are waiting for Kafka on this node; nothing was written. Retry later.");
        }
        long deadline = System.nanoTime() + properties.ackTimeout().toNanos();
        List<CompletableFuture<Outcome>> pending = new ArrayList<>(submissions.size());
        for (Submission submission : submissions) {
            pending.add(start(producer, submission));
        }
        List<Outcome> outcomes = new ArrayList<>(submissions.size());
        for (int i = 0; i < submissions.size(); i++) {
            outcomes.add(await(pending.get(i), submissions.get(i), deadline));
        }
        return outcomes;
    }

    // Holds one in-flight permit, given back exactly once: when Kafka answers, or at once when nothing is produced.
    private CompletableFuture<Outcome> start(ProducerIdentity producer, Submission submission) {
        Claim claim;
        try {
            claim = submission.idempotencyKey() == null || !idempotency.enabled() ? null
                    : idempotency.claim(producer.name(), submission.envelope().channel(), submission.idempotencyKey(),
                            submission.fingerprint());
        } catch (ProblemException e) {
            inFlight.release();
            return CompletableFuture.completedFuture(new Outcome.Rejected(e));
        }
        if (claim != null && !(claim instanceof Claim.Claimed)) {
            inFlight.release();
            return CompletableFuture.completedFuture(settled(claim));
        }
        CompletableFuture<Published> sent;
        try {
            sent = publisher.publish(submission.envelope());
        } catch (RuntimeException e) {
            // unreachable for decoded envelopes (same rules), but a leaked permit or claim would outlive the request
            sent = CompletableFuture.failedFuture(e);
        }
        // Settled even after the request gave up waiting: the permit and the claim follow the record, not the
        // HTTP answer. These stages run on Kafka's I/O thread and the store's settling calls do not block.
        CompletableFuture<Outcome> outcome = sent.thenCompose(published -> {
            NotificationAccepted result = NotificationAccepted.of(published);
            Outcome accepted = new Outcome.Accepted(result, false);
            return claim instanceof Claim.Claimed claimed
                    ? idempotency.complete(claimed, result).thenApply(ignored -> accepted)
                    : CompletableFuture.completedFuture(accepted);
        }).exceptionallyCompose(failure -> {
            Outcome rejected = failed(submission, unwrap(failure));
            return claim instanceof Claim.Claimed claimed
                    ? idempotency.release(claimed).thenApply(ignored -> rejected)
                    : CompletableFuture.completedFuture(rejected);
        });
        outcome.whenComplete((settled, failure) -> inFlight.release());
        return outcome;
    }

    private static Outcome settled(Claim claim) {
        if (claim instanceof Claim.Replay replay) {
            return new Outcome.Accepted(replay.result(), true);
        }
        if (claim instanceof Claim.InProgress) {
            return new Outcome.Rejected(new ProblemException(ProblemKind.IDEMPOTENCY_IN_PROGRESS,
                    "a request with the same idempotency key is still waiting for Kafka; retry to get its result"));
        }
        return new Outcome.Rejected(new ProblemException(ProblemKind.IDEMPOTENCY_KEY_REUSED,
                "the idempotency key was used for a different notification; use a new key for a new notification"));
    }

    private Outcome await(CompletableFuture<Outcome> outcome, Submission submission, long deadline) {
        try {
            return outcome.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.warn("kafka did not acknowledge in time id={} channel={} ackTimeoutMs={}",
                    submission.envelope().id(), submission.envelope().channel(), properties.ackTimeout().toMillis());
            return new Outcome.Rejected(new ProblemException(ProblemKind.KAFKA_UNAVAILABLE,
                    "Kafka did not acknowledge within " + properties.ackTimeout().toMillis()
                            + " ms; the notification may still be written. Retry with the same id or Idempotency-Key."));
        } catch (ExecutionException e) {
            return failed(submission, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Rejected(new ProblemException(ProblemKind.KAFKA_UNAVAILABLE,
                    "the service is shutting down; the notification may still be written. Retry with the same id."));
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static Outcome failed(Submission submission, Throwable failure) {
        log.warn("kafka write failed id={} channel={} error={}",
                submission.envelope().id(), submission.envelope().channel(), failure.toString());
        return new Outcome.Rejected(new ProblemException(ProblemKind.KAFKA_UNAVAILABLE,
                "Kafka did not confirm the notification. Retry with the same id or Idempotency-Key."));
    }
}
