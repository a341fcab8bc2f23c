package io.herald.engine.apply;

import io.herald.core.channel.ChannelName;
import io.herald.core.kafka.TopicLayout;
import io.herald.redis.Retention;

/**
 * One record, ready for the apply script.
 *
 * @param channel      the envelope's channel (equal to the record key)
 * @param offset       the record's position offset: its Kafka offset plus its partition's base
 *                     ({@link TopicLayout#base}, 0 before any growth); its position is {@code <offset>-1}
 * @param partition    the record's Kafka partition, kept in the channel's meta
 * @param envelopeJson the envelope in canonical form, as stored in the log and published
 * @param retention    the channel's namespace retention
 * @param movedFrom    for a partition a growth created, the partition its channels may have lived in before
 *                     ({@link TopicLayout#source}); -1 for one of the topic's first partitions
 * @param movedTo      the channel's partition now ({@link TopicLayout#home(ChannelName)}) when a growth moved it away
 *                     from {@code partition} since; else -1
 */
public record ApplyCommand(ChannelName channel, long offset, int partition, String envelopeJson, Retention retention,
        int movedFrom, int movedTo) {

    /** A record of a topic that never grew. */
    public ApplyCommand(ChannelName channel, long offset, int partition, String envelopeJson, Retention retention) {
        this(channel, offset, partition, envelopeJson, retention, -1, -1);
    }

    /** The record's Kafka offset within its partition. */
    public long kafkaOffset() {
        return TopicLayout.offsetOf(offset);
    }
}
