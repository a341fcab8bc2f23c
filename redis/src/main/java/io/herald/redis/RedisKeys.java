package io.herald.redis;

import io.herald.core.channel.ChannelName;

/**
 * Every name Herald gives a Redis key or pub/sub channel, all under {@code herald:}. A channel's keys carry the
 * channel in a hash tag ({@code {user:42}}) so that its log, meta and pub/sub channel share one Redis Cluster slot and
 * the apply script may touch them together.
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

    /**
     * The HASH that identifies the dataset the dispatcher writes to: {@link #DATASET_EPOCH}, a random ID set when
     * the dispatcher first finds the dataset without one (new, emptied or flushed), and per topic partition the
     * highest offset whose records, and all before them, this dataset is known to hold
     * ({@link #datasetCheckpoint}). Written after the records it covers on the same primary, so a replica that
     * holds a checkpoint also holds what it covers.
     */
    public static String dataset() {
        return "herald:dataset";
    }

    /** The field of {@link #dataset()} holding the checkpoint of one topic partition. */
    public static String datasetCheckpoint(String topic, int partition) {
        return "applied:" + topic + ":" + partition;
    }

    /**
     * The field of {@link #dataset()} holding, per topic partition, the offset from which a dataset that lost its
     * data holds every record again; absent when it holds the partition from its start.
     */
    public static String datasetBase(String topic, int partition) {
        return "base:" + topic + ":" + partition;
    }

    public static final String DATASET_EPOCH = "epoch";

    /**
     * The HASH that records which dead letters of {@code deadLetterTopic} were redriven, so that a redrive run again
     * skips them.
     */
    public static String redrivenDeadLetters(String deadLetterTopic) {
        return "herald:dlt:" + deadLetterTopic + ":redriven";
    }

    /**
     * The ingest service's record of one idempotency key: who sent it ({@code scope}, the API key's name), to which
     * channel, and the producer's key. '|' occurs in neither a scope nor a channel, so the key part stays unambiguous
     * whatever it holds.
     */
    public static String idempotency(String scope, ChannelName channel, String key) {
        return "herald:ingest:idem:" + scope + "|" + channel.value() + "|" + key;
    }

    /**
     * The pub/sub channel an edge node publishes health canaries on and expects them back from; on a Redis Cluster
     * the node derives one channel per primary from it (a hash tag appended).
     */
    public static String canary(String nodeId) {
        return "herald:canary:" + nodeId;
    }

    /** Field names inside a log entry. */
    public static final String FIELD_ENVELOPE = "n";
    public static final String FIELD_PREV = "p";
    /** Field names inside the meta hash. */
    public static final String META_LAST = "last";
    public static final String META_PARTITION = "part";
}
