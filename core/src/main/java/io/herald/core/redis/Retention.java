package io.herald.core.redis;

import java.time.Duration;

/**
 * How much hot history a namespace keeps in Redis. Kafka keeps the rest: a resume beyond this window is
 * served from Kafka, not refused.
 *
 * @param maxLen entries kept per channel log (approximate trimming, default 1000)
 * @param ttl    how long an idle channel's log and meta live after their last write (default 24 h)
 */
public record Retention(int maxLen, Duration ttl) {

    public static final Retention DEFAULT = new Retention(1000, Duration.ofHours(24));

    public Retention {
        if (maxLen < 1) {
            throw new IllegalArgumentException("maxLen must be >= 1, was " + maxLen);
        }
        if (ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("ttl must be at least one second, was " + ttl);
        }
    }
}
