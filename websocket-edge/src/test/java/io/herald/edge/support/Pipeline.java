package io.herald.edge.support;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.Envelope;
import io.herald.core.envelope.EnvelopeBuilder;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.position.Position;
import io.herald.core.redis.ApplyResult;
import io.herald.core.redis.ApplyScript;
import io.herald.core.redis.Retention;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * What the ingest and the dispatcher do, reduced to two calls so that edge tests control each step: produce a
 * notification to the real Kafka topic, and apply a record to the real Redis with the real apply script.
 */
public final class Pipeline implements AutoCloseable {

    private final EnvelopeCodec codec = new EnvelopeCodec(EnvelopeLimits.DEFAULTS);
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, String> redis;
    private final ApplyScript script = new ApplyScript(false);

    public Pipeline(String kafkaBootstrap, String topic, String redisUrl) {
        this.topic = topic;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(props);
        this.redisClient = RedisClient.create(redisUrl);
        this.redis = redisClient.connect();
        ApplyScript.load(redis.async()).toCompletableFuture().join();
    }

    public Envelope envelope(String channel, int n) {
        return new EnvelopeBuilder(codec, Clock.systemUTC()).channel(channel).type("test.n")
                .data(JsonNodeFactory.instance.objectNode().put("n", n)).build();
    }

    /** Like {@link #publish} with a padding field that makes the frame large. */
    public Position publishPadded(String channel, int n, String padding) {
        Envelope envelope = paddedEnvelope(channel, n, padding);
        RecordMetadata record = produce(envelope);
        apply(envelope, record);
        return Position.ofOffset(record.offset());
    }

    /** Notification number {@code n} with a {@code pad} field that makes it as large as the test needs. */
    public Envelope paddedEnvelope(String channel, int n, String padding) {
        return new EnvelopeBuilder(codec, Clock.systemUTC()).channel(channel).type("test.n")
                .data(JsonNodeFactory.instance.objectNode().put("n", n).put("pad", padding)).build();
    }

    /** Produces to Kafka and returns the record's coordinates, without applying it to Redis. */
    public RecordMetadata produce(Envelope envelope) {
        try {
            return producer.send(new ProducerRecord<>(topic, envelope.channel().value().getBytes(StandardCharsets.UTF_8),
                    codec.encode(envelope))).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Applies a produced record to Redis exactly as the dispatcher does. */
    public ApplyResult apply(Envelope envelope, RecordMetadata record) {
        return apply(envelope.channel(), record.offset(), record.partition(), envelope);
    }

    public ApplyResult apply(ChannelName channel, long offset, int partition, Envelope envelope) {
        try {
            return ApplyScript.result(script.apply(redis.async(), channel, offset, partition,
                    new String(codec.encode(envelope), StandardCharsets.UTF_8), Retention.DEFAULT).get(10, TimeUnit.SECONDS));
        } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Produce then apply: one notification through the whole pipeline; returns its position. */
    public Position publish(String channel, int n) {
        Envelope envelope = envelope(channel, n);
        RecordMetadata record = produce(envelope);
        apply(envelope, record);
        return Position.ofOffset(record.offset());
    }

    public StatefulRedisConnection<String, String> redis() {
        return redis;
    }

    @Override
    public void close() {
        producer.close();
        redis.close();
        redisClient.shutdown();
    }
}
