package io.herald.ingest.idempotency;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Retry safety for producers ({@code herald.ingest.idempotency.*}). The records live in Redis
 * ({@code spring.data.redis.url}), shared by every ingest node and kept across ingest restarts.
 *
 * @param enabled    whether requests with an {@code Idempotency-Key} header or an envelope {@code id} are
 *                   deduplicated (default true). Without it a retried request produces a second record
 * @param ttl        how long a completed request's result is remembered, i.e. the window in which a retry is
 *                   recognised (default 24 h)
 * @param pendingTtl how long a request that is still waiting for Kafka holds its key (default 3 min). Longer
 *                   than the producer's delivery.timeout.ms (2 min), so that a late acknowledgement still finds
 *                   the key held; it only matters when an ingest node dies mid-request
 * @param claimWindow how long after a request sent its claim Redis may still write it (default 500 ms). A claim
 *                    Redis runs later (it stalled, or the network held the command) is refused: the request has
 *                    answered 503 by then and will not produce, so the claim would hold the key for nothing. Keep
 *                    it below {@code spring.data.redis.timeout} (1 s), less the clock difference between ingest and
 *                    Redis hosts (Redis's clock decides)
 */
@ConfigurationProperties("herald.ingest.idempotency")
public record IdempotencyProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("24h") Duration ttl,
        @DefaultValue("3m") Duration pendingTtl,
        @DefaultValue("500ms") Duration claimWindow) {
}
