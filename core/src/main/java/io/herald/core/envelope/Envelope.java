package io.herald.core.envelope;

import io.herald.core.channel.ChannelName;
import tools.jackson.databind.node.ObjectNode;

/**
 * One notification as it travels from the producer through Kafka and Redis to the client. Instances are
 * made by {@link EnvelopeCodec#decode} or {@link EnvelopeBuilder}, which validate every field; the record
 * itself only guards against nulls where a value is mandatory.
 *
 * @param id        the producer's idempotency key (ULID or UUID); generated when absent
 * @param channel   where it goes
 * @param type      what it is, e.g. {@code order.shipped}
 * @param data      the application's payload, a JSON object
 * @param createdAt epoch millis when the producer (or ingest) created it
 * @param expiresAt epoch millis after which no edge delivers it, or {@code null}
 */
public record Envelope(String id, ChannelName channel, String type, ObjectNode data, long createdAt, Long expiresAt) {

    public Envelope {
        if (id == null || channel == null || type == null || data == null) {
            throw new NullPointerException("id, channel, type and data are required");
        }
    }

    public boolean isExpiredAt(long epochMillis) {
        return expiresAt != null && expiresAt <= epochMillis;
    }
}
