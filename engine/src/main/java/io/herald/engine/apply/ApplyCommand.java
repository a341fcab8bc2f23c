package io.herald.engine.apply;

import io.herald.core.channel.ChannelName;
import io.herald.redis.Retention;

/**
 * One record, ready for the apply script.
 *
 * @param channel      the envelope's channel (equal to the record key)
 * @param offset       the record's Kafka offset: its position in the channel is {@code <offset>-1}
 * @param partition    the record's Kafka partition, kept in the channel's meta
 * @param envelopeJson the envelope in canonical form, as stored in the log and published
 * @param retention    the channel's namespace retention
 */
public record ApplyCommand(ChannelName channel, long offset, int partition, String envelopeJson, Retention retention) {
}
