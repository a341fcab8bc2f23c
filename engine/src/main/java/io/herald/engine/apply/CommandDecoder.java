package io.herald.engine.apply;

import io.herald.core.envelope.Envelope;
import io.herald.core.envelope.InvalidEnvelopeException;
import io.herald.core.envelope.InvalidEnvelopeException.Reason;
import io.herald.core.kafka.RecordDecoder;
import io.herald.core.kafka.TopicLayout;
import io.herald.engine.retention.RetentionPolicy;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a Kafka record into an {@link ApplyCommand}, or into the reason it cannot be applied. Decoding is
 * core's {@link RecordDecoder}, shared with every reader of the topic, so that the dispatcher and an edge
 * reading a gap back from Kafka derive the same envelope (and the same default ID) from the same record.
 */
public final class CommandDecoder {

    private static final Logger log = LoggerFactory.getLogger(CommandDecoder.class);

    private final RecordDecoder records;
    private final RetentionPolicy retention;

    public CommandDecoder(RecordDecoder records, RetentionPolicy retention) {
        this.records = records;
        this.retention = retention;
    }

    /** The outcome of decoding one record. */
    public sealed interface Decoded permits Accepted, Rejected {
        ConsumerRecord<byte[], byte[]> record();
    }

    public record Accepted(ConsumerRecord<byte[], byte[]> record, ApplyCommand command) implements Decoded {
    }

    public record Rejected(ConsumerRecord<byte[], byte[]> record, InvalidEnvelopeException error) implements Decoded {
    }

    /**
     * Decodes a record of the notification topic; {@code layout} gives its position (its offset plus its partition's
     * base) and the partition its channel may have moved from, and must know the record's partition.
     */
    public Decoded decode(ConsumerRecord<byte[], byte[]> record, TopicLayout layout) {
        try {
            Envelope envelope = records.decode(record.topic(), record.partition(), record.offset(), record.timestamp(),
                    record.key(), record.value());
            return new Accepted(record, new ApplyCommand(envelope.channel(),
                    layout.position(record.partition(), record.offset()).offset(), record.partition(),
                    new String(records.codec().encode(envelope), StandardCharsets.UTF_8), retention.of(envelope.channel()),
                    layout.source(record.partition()), movedTo(layout, envelope, record.partition(), record.offset())));
        } catch (InvalidEnvelopeException e) {
            return new Rejected(record, e);
        } catch (RuntimeException e) {
            // A decoding bug must not turn one record into a poison pill that holds its partition forever.
            log.error("envelope decoding failed unexpectedly, dead-lettering topic={} partition={} offset={}",
                    record.topic(), record.partition(), record.offset(), e);
            return new Rejected(record, new InvalidEnvelopeException(Reason.INVALID_VALUE, "",
                    "envelope could not be decoded (" + e.getClass().getSimpleName() + ")"));
        }
    }

    /** Only for a record that is its channel's in its partition: a misplaced one is moved, never applied there. */
    private static int movedTo(TopicLayout layout, Envelope envelope, int partition, long offset) {
        int home = layout.home(envelope.channel());
        return home == partition || layout.homeAt(envelope.channel(), partition, offset) != partition ? -1 : home;
    }
}
