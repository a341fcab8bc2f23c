package io.herald.publisher;

import io.herald.core.envelope.Envelope;
import io.herald.core.envelope.EnvelopeBuilder;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.InvalidEnvelopeException;
import io.herald.core.kafka.LayoutWatch;
import io.herald.core.kafka.TopicLayout;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
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
 * <p>Positions follow the topic's layout ({@link TopicLayout}): a record's offset plus its partition's base, which is
 * 0 for every partition of a topic that never grew. The publisher keeps the layout up to date with a
 * {@link LayoutWatch} of its own ({@link PublisherSettings#layoutRefresh()}).
 *
 * <p>Thread-safe; create one per application and share it. The returned futures complete on Kafka's I/O
 * thread: use the {@code ...Async} stages for anything that blocks.
 */
public final class NotificationPublisher implements AutoCloseable {

    /**
     * The longest one read of the layout may take. A read for a partition the watch does not know yet holds the
     * producer's I/O thread, and with it every acknowledgement behind it, so it is kept as short as Kafka allows.
     */
    private static final Duration LAYOUT_READ_TIMEOUT = Duration.ofSeconds(5);

    private final Producer<byte[], byte[]> producer;
    private final PublisherSettings settings;
    private final EnvelopeCodec codec;
    private final Clock clock;
    private final LayoutWatch layout;

    private NotificationPublisher(PublisherSettings settings, Clock clock) {
        this.settings = settings;
        this.codec = new EnvelopeCodec(settings.limits());
        this.clock = clock;
        // read in the background from now on; a position needed before the first read waits for it, never guesses
        this.layout = new LayoutWatch(settings.clientConfig(), settings.topic(), settings.layoutRefresh(),
                LAYOUT_READ_TIMEOUT);
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
     *         exception when the record could not be written (the producer has then given up retrying), or when it
     *         was written to a partition the topic's layout could not be read for (its position is then unknown)
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
                    return;
                }
                // Callbacks run one after the other on the I/O thread: the first record in a partition the watch
                // does not know yet reads the layout, and the records after it find it known.
                try {
                    TopicLayout known = layout.knowing(metadata.partition());
                    result.complete(new Published(envelope.id(), envelope.channel(),
                            known.position(metadata.partition(), metadata.offset()), metadata.partition()));
                } catch (RuntimeException e) {
                    // Kafka holds the record, but no position can be given for it: the caller's retry with the
                    // same id is the usual answer to an unconfirmed publish. Thrown out of a callback, the
                    // exception would be swallowed and the future never complete.
                    result.completeExceptionally(e);
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
        try {
            producer.close(settings.closeTimeout());
        } finally {
            layout.close(); // after the producer: the records acknowledged while it closes still need the layout
        }
    }
}
