package io.herald.redis;

import java.time.Duration;

/**
 * How much hot history a namespace keeps in Redis. Kafka keeps the rest: a resume beyond this window is
 * served from Kafka, not refused.
 *
 * <p>The meta hash (the channel's last position) outlives the log: while it exists, an edge can prove that a
 * client holding that position missed nothing, and the next record still chains to it, with no Kafka scan.
 *
 * @param maxLen  entries kept per channel log (approximate trimming, default 1000)
 * @param ttl     how long an idle channel's log lives after its last write (default 24 h)
 * @param metaTtl how long an idle channel's meta lives after its last write (default 7 days, Kafka's default
 *                retention; never shorter than {@code ttl})
 */
public record Retention(int maxLen, Duration ttl, Duration metaTtl) {

    public static final Duration DEFAULT_META_TTL = Duration.ofDays(7);
    public static final Retention DEFAULT = new Retention(1000, Duration.ofHours(24));

    public Retention(int maxLen, Duration ttl) {
        this(maxLen, ttl, DEFAULT_META_TTL);
    }

    public Retention {
        if (metaTtl == null || metaTtl.compareTo(ttl) < 0) {
            metaTtl = metaTtl == null ? DEFAULT_META_TTL : ttl;
        }
        if (maxLen < 1) {
            throw new IllegalArgumentException("maxLen must be >= 1, was " + maxLen);
        }
        if (ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("ttl must be at least one second, was " + ttl);
        }
    }
}
