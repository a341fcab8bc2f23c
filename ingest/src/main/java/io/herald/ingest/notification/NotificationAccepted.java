package io.herald.ingest.notification;

import io.herald.publisher.Published;

/**
 * The answer to an accepted notification, sent only after Kafka acknowledged it.
 *
 * @param id        the notification's ID (the producer's, or the generated one)
 * @param channel   its channel
 * @param position  its position in the channel, {@code <offset>-1} with the partition's base added to the offset
 *                  ({@link Published#position()}), the ID clients will see
 * @param partition the Kafka partition that holds it
 */
public record NotificationAccepted(String id, String channel, String position, int partition) {

    public static NotificationAccepted of(Published published) {
        return new NotificationAccepted(published.id(), published.channel().value(),
                published.position().toString(), published.partition());
    }
}
