package io.herald.publisher;

import io.herald.core.envelope.Envelope;
import io.herald.core.envelope.EnvelopeBuilder;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.InvalidEnvelopeException;
import io.herald.core.position.Position;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes notifications to Kafka in Herald's record format (key = channel UTF-8, value = canonical envelope
 * JSON), for producer services that talk to Kafka directly. Plain Java: kafka-clients, Jackson and herald-core only.
 * The ingest service publishes through this class too, so both paths produce identical records.
 *
 * <pre>{@code
 * try (NotificationPublisher publisher = NotificationPublisher.create(
 *         PublisherSettings.builder().bootstrapServers("localhost:9092").build())) {
 *     Envelope envelope = publisher.builder().channel("user:42").type("order.shipped").data(data).build();
 *     Published published = publisher.publish(envelope).join();  // published.position() is e.g. 1234-1
 * }
 * }</pre>
 *
 * <p>Thread-safe; create one per application and share it. The returned futures complete on Kafka's I/O
 * thread: use the {@code ...Async} stages for anything that blocks.
 */
public final class NotificationPublisher implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;
    private final PublisherSettings settings;
    private final EnvelopeCodec codec;
    private final Clock clock;

    private NotificationPublisher(PublisherSettings settings, Clock clock) {
        this.settings = settings;
        this.codec = new EnvelopeCodec(settings.limits());
        this.clock = clock;
        this.producer = new KafkaProducer<>(settings.producerConfig());
    }

    public static NotificationPublisher create(PublisherSettings settings) {
        return new NotificationPublisher(settings, Clock.systemUTC());
    }

    /** An envelope builder that validates with this publisher's limits; ID and createdAt are filled in when unset. */
    public EnvelopeBuilder builder() {
        return new EnvelopeBuilder(codec, clock);
    }

    /** The codec this publisher validates and encodes with, for callers that decode envelopes themselves. */
    public EnvelopeCodec codec() {
        return codec;
    }

    public String topic() {
        return settings.topic();
    }

    /**
     * Validates and sends one notification. Validation happens before anything is sent, so an invalid envelope
     * throws at once and nothing reaches Kafka.
     *
     * @return completes when Kafka acknowledged the record (acks=all), with its position; fails with the Kafka
     *         exception when the record could not be written (the producer has then given up retrying)
     * @throws InvalidEnvelopeException when the envelope breaks the rules every entry point applies
     */
    public CompletableFuture<Published> publish(Envelope envelope) {
        codec.validate(envelope);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(settings.topic(),
                envelope.channel().value().getBytes(StandardCharsets.UTF_8), codec.encode(envelope));
        CompletableFuture<Published> result = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, exception) -> {
                if (exception != null) {
                    result.completeExceptionally(exception);
                } else {
                    result.complete(new Published(envelope.id(), envelope.channel(),
                            Position.ofOffset(metadata.offset()), metadata.partition()));
                }
            });
        } catch (RuntimeException e) {
            // send() itself throws when the producer is closed or metadata never arrived: one failure path for callers
            result.completeExceptionally(e);
        }
        return result;
    }

    /** Sends what is buffered and waits (at most the close timeout) for the acknowledgements. */
    @Override
    public void close() {
        producer.close(settings.closeTimeout());
    }
}
