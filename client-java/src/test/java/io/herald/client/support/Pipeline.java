package io.herald.client.support;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.Envelope;
import io.herald.core.envelope.EnvelopeBuilder;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.position.Position;
import io.herald.redis.ApplyScript;
import io.herald.redis.RedisKeys;
import io.herald.redis.Retention;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * What the ingest and the dispatcher do, reduced to calls the tests control (copied from websocket-edge's test
 * support): produce notification number {@code n} to the real Kafka topic, apply it to the real Redis with the real
 * apply script.
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

    /** Notification number {@code n} ({@code data.n}), with a {@code pad} field when {@code padding} is not empty. */
    public Envelope envelope(String channel, int n, String padding) {
        var data = JsonNodeFactory.instance.objectNode().put("n", n);
        if (!padding.isEmpty()) {
            data.put("pad", padding);
        }
        return new EnvelopeBuilder(codec, Clock.systemUTC()).channel(channel).type("test.n").data(data).build();
    }

    /** Produces to Kafka and returns the record's coordinates, without applying it to Redis. */
    public RecordMetadata produce(Envelope envelope) {
        try {
            return producer.send(new ProducerRecord<>(topic, envelope.channel().value().getBytes(StandardCharsets.UTF_8),
                    codec.encode(envelope))).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Applies a produced record to Redis exactly as the dispatcher does. */
    public void apply(Envelope envelope, RecordMetadata record) {
        try {
            script.apply(redis.async(), envelope.channel(), record.offset(), record.partition(),
                    new String(codec.encode(envelope), StandardCharsets.UTF_8), Retention.DEFAULT).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Produce then apply: one notification through the whole pipeline; returns its record. */
    public RecordMetadata publish(String channel, int n, String padding) {
        Envelope envelope = envelope(channel, n, padding);
        RecordMetadata record = produce(envelope);
        apply(envelope, record);
        return record;
    }

    public Position publish(String channel, int n) {
        return Position.ofOffset(publish(channel, n, "").offset());
    }

    /** Empties the channel's Redis log (as after a long disconnect, or a Redis that lost it): history must come from Kafka. */
    public void wipeChannel(String channel) {
        ChannelName name = ChannelName.parse(channel);
        redis.sync().del(RedisKeys.log(name), RedisKeys.meta(name));
    }

    @Override
    public void close() {
        producer.close();
        redis.close();
        redisClient.shutdown();
    }
}
