package io.herald.publisher;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;

/**
 * A notification Kafka has acknowledged (acks=all): from here on it is durable and the dispatcher will apply it.
 *
 * @param id        the envelope's ID (the producer's idempotency key, or the generated one)
 * @param channel   the channel it was written for (also the record key)
 * @param position  its position in the channel, {@code <offset>-1} with the partition's base added to the offset
 *                  (0 unless a growth of the topic created the partition: {@code TopicLayout}): the very ID clients
 *                  will see
 * @param partition the Kafka partition that holds it
 */
public record Published(String id, ChannelName channel, Position position, int partition) {
}
