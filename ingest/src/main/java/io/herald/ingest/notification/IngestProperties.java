package io.herald.ingest.notification;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How the HTTP API accepts notifications ({@code herald.ingest.*}).
 *
 * @param ackTimeout    how long a request waits for Kafka's acknowledgement before answering 503 (default 5 s);
 *                      also bounds how long producing may block for Kafka metadata
 * @param maxBodySize   the largest request body of {@code POST /v1/notifications}; larger ones get 413
 *                      (default 128 KB)
 * @param maxRecipients the most {@code recipients} one request may fan out to (default 100)
 * @param maxInFlight   the most records waiting for Kafka's acknowledgement on this node; past it requests get
 *                      503 instead of queueing in memory (default 10000)
 * @param retryAfter    the {@code Retry-After} sent with 503 and 409 answers (default 2 s)
 * @param batch         limits of {@code POST /v1/notifications/batch}
 */
@ConfigurationProperties("herald.ingest")
public record IngestProperties(
        @DefaultValue("5s") Duration ackTimeout,
        @DefaultValue("128KB") DataSize maxBodySize,
        @DefaultValue("100") int maxRecipients,
        @DefaultValue("10000") int maxInFlight,
        @DefaultValue("2s") Duration retryAfter,
        @DefaultValue Batch batch) {

    /**
     * @param maxItems    the most notifications in one batch (default 100); more get 400 too-many-items
     * @param maxBodySize the largest batch request body (default 1 MB); larger ones get 413
     */
    public record Batch(@DefaultValue("100") int maxItems, @DefaultValue("1MB") DataSize maxBodySize) {
    }
}
