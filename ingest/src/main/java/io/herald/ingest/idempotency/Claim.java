package io.herald.ingest.idempotency;

import io.herald.ingest.notification.NotificationAccepted;

/** What the idempotency store says about a request's key. */
public sealed interface Claim {

    /** The key is this request's now: produce, then {@link IdempotencyStore#complete} or {@link IdempotencyStore#release}. */
    record Claimed(String redisKey, String pendingValue, String fingerprint) implements Claim {
    }

    /** The same request was accepted before: answer with its result and produce nothing. */
    record Replay(NotificationAccepted result) implements Claim {
    }

    /** The same request is still waiting for Kafka on some node. */
    record InProgress() implements Claim {
    }

    /** The key was first used for a different request. */
    record Reused() implements Claim {
    }
}
