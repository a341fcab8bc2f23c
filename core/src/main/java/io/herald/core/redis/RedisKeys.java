package io.herald.core.redis;

import io.herald.core.channel.ChannelName;

/**
 * Where a channel lives in Redis. Every key carries the channel in a hash tag ({@code {user:42}}) so that a
 * channel's log, meta and pub/sub channel share one Redis Cluster slot and the apply script may touch them
 * together.
 */
public final class RedisKeys {

    private static final String PUBSUB_PREFIX = "herald:{";

    private RedisKeys() {
    }

    /** The replay log, a STREAM with fields {@code n} (envelope JSON) and {@code p} (prev position). */
    public static String log(ChannelName channel) {
        return PUBSUB_PREFIX + channel.value() + "}:log";
    }

    /** The channel's HASH: {@code last} applied position and {@code part}, its Kafka partition. */
    public static String meta(ChannelName channel) {
        return PUBSUB_PREFIX + channel.value() + "}:meta";
    }

    /** The pub/sub channel that carries live notifications. */
    public static String pubsub(ChannelName channel) {
        return PUBSUB_PREFIX + channel.value() + "}";
    }

    /** The Herald channel of a pub/sub channel name, or {@code null} when it is not one of ours. */
    public static ChannelName channelOfPubsub(String pubsubChannel) {
        if (!pubsubChannel.startsWith(PUBSUB_PREFIX) || !pubsubChannel.endsWith("}")) {
            return null;
        }
        String value = pubsubChannel.substring(PUBSUB_PREFIX.length(), pubsubChannel.length() - 1);
        return ChannelName.isValid(value) ? ChannelName.parse(value) : null;
    }

    /** Field names inside a log entry. */
    public static final String FIELD_ENVELOPE = "n";
    public static final String FIELD_PREV = "p";
    /** Field names inside the meta hash. */
    public static final String META_LAST = "last";
    public static final String META_PARTITION = "part";
}
