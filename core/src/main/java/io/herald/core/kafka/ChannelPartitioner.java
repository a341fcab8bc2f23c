package io.herald.core.kafka;

import io.herald.core.channel.ChannelName;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The channel's home partition: the one Kafka's Java default partitioner picks for a record keyed by the channel
 * name (murmur2 of the UTF-8 key, made positive, modulo the partition count). A channel's positions are offsets
 * within one partition, so every Herald producer, the dispatcher (which moves misplaced records there), the edge
 * (which reads a channel's gaps back from it) and {@code heraldctl} must agree on it: this is the one place it is
 * computed.
 */
public final class ChannelPartitioner {

    private ChannelPartitioner() {
    }

    /** The partition every record of {@code channel} belongs to, in a topic of {@code partitions} partitions. */
    public static int partitionOf(ChannelName channel, int partitions) {
        return Utils.toPositive(Utils.murmur2(channel.value().getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
