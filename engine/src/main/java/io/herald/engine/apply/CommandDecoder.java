package io.herald.engine.apply;

import io.herald.core.envelope.Envelope;
import io.herald.core.envelope.InvalidEnvelopeException;
import io.herald.core.envelope.InvalidEnvelopeException.Reason;
import io.herald.core.kafka.RecordDecoder;
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

    public Decoded decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            Envelope envelope = records.decode(record.topic(), record.partition(), record.offset(), record.timestamp(),
                    record.key(), record.value());
            return new Accepted(record, new ApplyCommand(envelope.channel(), record.offset(), record.partition(),
                    new String(records.codec().encode(envelope), StandardCharsets.UTF_8), retention.of(envelope.channel())));
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
}
