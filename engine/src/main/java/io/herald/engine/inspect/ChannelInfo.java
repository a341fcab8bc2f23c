package io.herald.engine.inspect;

/**
 * A channel's state in Redis.
 *
 * @param last            the last applied position ({@code meta.last}), or null when Redis has no meta
 * @param partition       the Kafka partition the channel is applied from ({@code meta.part}), or null
 * @param logLength       entries in the log now
 * @param first           the oldest entry of the log, or null when it is empty
 * @param newest          the newest entry of the log, or null when it is empty
 * @param logTtlSeconds   seconds until the idle log expires (-1 no expiry, -2 no log)
 * @param metaTtlSeconds  seconds until the idle meta expires (-1 no expiry, -2 no meta)
 * @param retention       the retention configured for the channel's namespace (what restore applies), or null
 * @param subscriberNodes connections subscribed to the channel's pub/sub channel now: each edge node holds one
 *                        connection however many of its clients subscribe, so this counts edge nodes, not clients
 */
public record ChannelInfo(String channel, String last, Integer partition, long logLength, LogEntry first,
        LogEntry newest, long logTtlSeconds, long metaTtlSeconds, RetentionView retention, long subscriberNodes) {

    /**
     * @param id        the entry's position
     * @param prev      the position before it in the channel
     * @param envelope  the envelope's id
     * @param type      the envelope's type
     * @param createdAt the envelope's {@code createdAt}, ISO-8601
     */
    public record LogEntry(String id, String prev, String envelope, String type, String createdAt) {
    }

    /** @param ttl and metaTtl as ISO-8601 durations */
    public record RetentionView(int maxLen, String ttl, String metaTtl) {
    }
}
