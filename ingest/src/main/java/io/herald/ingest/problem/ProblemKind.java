package io.herald.ingest.problem;

import org.springframework.http.HttpStatus;

/**
 * The rejections of the ingest API beyond an invalid envelope (those use
 * {@link io.herald.core.envelope.InvalidEnvelopeException.Reason}). Each slug names a stable problem type URI,
 * {@value Problems#TYPE_BASE}{@code <slug>}, that producers may branch on.
 */
public enum ProblemKind {
    PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload too large"),
    TOO_MANY_ITEMS(HttpStatus.BAD_REQUEST, "too-many-items", "Too many items"),
    INVALID_IDEMPOTENCY_KEY(HttpStatus.BAD_REQUEST, "invalid-idempotency-key", "Invalid Idempotency-Key"),
    UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "unauthorized", "Missing or unknown API key"),
    FORBIDDEN_NAMESPACE(HttpStatus.FORBIDDEN, "forbidden-namespace", "Namespace not allowed for this API key"),
    /** Another request with the same idempotency key is still waiting for Kafka: retry after a moment. */
    IDEMPOTENCY_IN_PROGRESS(HttpStatus.CONFLICT, "idempotency-in-progress", "Request with this key in progress"),
    /** The key was first used for a different request: a producer bug, never retried automatically. */
    IDEMPOTENCY_KEY_REUSED(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused",
            "Idempotency key reused for a different request"),
    IDEMPOTENCY_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "idempotency-unavailable", "Idempotency store unavailable"),
    OVERLOADED(HttpStatus.SERVICE_UNAVAILABLE, "overloaded", "Too many notifications in flight"),
    KAFKA_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "kafka-unavailable", "Kafka unavailable");

    private final HttpStatus status;
    private final String slug;
    private final String title;

    ProblemKind(HttpStatus status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    /** Whether the same request may succeed later, so the answer carries {@code Retry-After}. */
    public boolean retryable() {
        return status == HttpStatus.SERVICE_UNAVAILABLE || status == HttpStatus.CONFLICT;
    }
}
