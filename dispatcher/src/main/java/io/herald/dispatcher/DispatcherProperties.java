package io.herald.dispatcher;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

/**
 * Settings under {@code herald.dispatcher}.
 *
 * @param groupId       the Kafka consumer group (default {@code herald-dispatcher}); every dispatcher instance
 *                      of one deployment uses the same group so that each partition is applied by one of them
 * @param shardedPubsub publish with SPUBLISH for Redis Cluster instead of PUBLISH (default false)
 * @param retention     hot history kept in Redis, per namespace
 * @param backoff       how a batch is retried while Redis (or the dead-letter topic) is unavailable
 * @param redisTimeout  how long one batch may wait for Redis replies before it counts as failed (default 5 s)
 */
@ConfigurationProperties("herald.dispatcher")
public record DispatcherProperties(
        @DefaultValue("herald-dispatcher") String groupId,
        @DefaultValue("false") boolean shardedPubsub,
        @DefaultValue RetentionSettings retention,
        @DefaultValue Backoff backoff,
        @DefaultValue("5s") Duration redisTimeout) {

    /**
     * Retention per channel namespace ({@code user}, {@code topic}, ...).
     *
     * @param defaults   {@code herald.dispatcher.retention.default.*}: used for every namespace without an override
     * @param namespaces {@code herald.dispatcher.retention.namespaces.<ns>.*}: overrides; a field left out takes
     *                   the default's value
     */
    public record RetentionSettings(@Name("default") @DefaultValue RetentionDefaults defaults,
            Map<String, RetentionOverride> namespaces) {

        public RetentionSettings {
            namespaces = namespaces == null ? Map.of() : Map.copyOf(namespaces);
        }
    }

    /**
     * @param maxLen  entries kept per channel log, trimmed approximately (default 1000)
     * @param ttl     how long an idle channel's log lives after its last write (default 24 h)
     * @param metaTtl how long an idle channel's meta (its last position) lives after its last write (default
     *                7 days, Kafka's default retention; never shorter than {@code ttl}): while it exists, the
     *                next record chains to it and an edge can prove a client missed nothing
     */
    public record RetentionDefaults(@DefaultValue("1000") int maxLen, @DefaultValue("24h") Duration ttl,
            @DefaultValue("7d") Duration metaTtl) {
    }

    /** A namespace's override; {@code null} fields fall back to {@link RetentionDefaults}. */
    public record RetentionOverride(Integer maxLen, Duration ttl, Duration metaTtl) {
    }

    /**
     * Exponential backoff between attempts at the same batch. Retries never give up: a batch is never skipped.
     *
     * @param initial    the first delay (default 100 ms)
     * @param multiplier growth per attempt (default 2)
     * @param max        the longest delay (default 5 s)
     */
    public record Backoff(@DefaultValue("100ms") Duration initial, @DefaultValue("2.0") double multiplier,
            @DefaultValue("5s") Duration max) {
    }
}
