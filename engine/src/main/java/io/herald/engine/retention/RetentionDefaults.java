package io.herald.engine.retention;

import io.herald.redis.Retention;
import java.time.Duration;

/**
 * The retention of every namespace without an override. A field left out ({@code null}) takes the built-in
 * default, {@link Retention#DEFAULT}: the one place the default is written.
 *
 * @param maxLen  entries kept per channel log, trimmed approximately (default 1000)
 * @param ttl     how long an idle channel's log lives after its last write (default 24 h)
 * @param metaTtl how long an idle channel's meta (its last position) lives after its last write (default
 *                7 days, Kafka's default retention; never shorter than {@code ttl}): while it exists, the
 *                next record chains to it and an edge can prove a client missed nothing
 */
public record RetentionDefaults(Integer maxLen, Duration ttl, Duration metaTtl) {

    public static final RetentionDefaults DEFAULT = new RetentionDefaults(null, null, null);

    public RetentionDefaults {
        maxLen = maxLen == null ? Retention.DEFAULT.maxLen() : maxLen;
        ttl = ttl == null ? Retention.DEFAULT.ttl() : ttl;
        metaTtl = metaTtl == null ? Retention.DEFAULT_META_TTL : metaTtl;
    }
}
