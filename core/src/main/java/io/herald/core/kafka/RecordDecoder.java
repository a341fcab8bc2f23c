package io.herald.core.kafka;

import io.herald.core.envelope.Envelope;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.InvalidEnvelopeException;
import java.nio.charset.StandardCharsets;

/**
 * Turns a raw Kafka record of the notifications topic into an envelope, the same way everywhere it is read:
 * by the dispatcher when it applies records, and by edges and {@code heraldctl} when they read gaps back
 * from Kafka. A record that fails here is dead-lettered by the dispatcher and skipped by readers.
 *
 * <p>Records written by a plain Kafka client may lack {@code id} or {@code createdAt}: the ID is then
 * derived from the record's coordinates, so every reader (and every redelivery) derives the same one, and
 * the creation time is the record's timestamp.
 */
public final class RecordDecoder {

    private final EnvelopeCodec codec;

    public RecordDecoder(EnvelopeCodec codec) {
        this.codec = codec;
    }

    public Envelope decode(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        if (value == null) {
            throw new InvalidEnvelopeException(InvalidEnvelopeException.Reason.MALFORMED_JSON, "", "record has no value");
        }
        Envelope envelope = codec.decode(value, new EnvelopeCodec.Defaults() {
            @Override
            public String id() {
                return defaultId(topic, partition, offset);
            }

            @Override
            public long createdAt() {
                return timestamp;
            }
        });
        String keyText = key == null ? null : new String(key, StandardCharsets.UTF_8);
        if (!envelope.channel().value().equals(keyText)) {
            throw new InvalidEnvelopeException(InvalidEnvelopeException.Reason.KEY_MISMATCH, "/channel",
                    "record key must equal the envelope's channel (per-channel order depends on it)");
        }
        return envelope;
    }

    /** The ID of an envelope that names none: derived from its record's coordinates, the same for every reader. */
    public static String defaultId(String topic, int partition, long offset) {
        return "k-" + topic + "-" + partition + "-" + offset;
    }

    public EnvelopeCodec codec() {
        return codec;
    }
}
