package io.herald.engine.deadletter;

import io.herald.core.envelope.InvalidEnvelopeException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record that will not reach Redis, and why.
 *
 * @param record  the original record: its key, value and headers go to the dead-letter topic unchanged
 * @param reason  a stable code: an {@link InvalidEnvelopeException.Reason#code()}, {@link #PARTITION_MISMATCH}
 *                or {@link #APPLY_GAP}
 * @param field   the offending field as a JSON pointer ({@code ""} for the whole document), or {@code null}
 * @param message for the operator who inspects the dead-letter topic
 */
public record DeadLetter(ConsumerRecord<byte[], byte[]> record, String reason, String field, String message) {

    /**
     * The channel's meta in Redis names another partition than the record's: the topic's partition count was
     * changed after streams existed, and applying would break the channel's order.
     */
    public static final String PARTITION_MISMATCH = "partition-mismatch";

    /**
     * The record failed to apply while a later record of its channel succeeded, so Redis can no longer take it
     * at its position; redriving it delivers it as a new notification.
     */
    public static final String APPLY_GAP = "apply-gap";

    public static DeadLetter invalid(ConsumerRecord<byte[], byte[]> record, InvalidEnvelopeException error) {
        return new DeadLetter(record, error.reason().code(), error.field(), error.getMessage());
    }
}
