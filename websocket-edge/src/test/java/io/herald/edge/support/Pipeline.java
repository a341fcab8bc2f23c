package io.herald.edge.support;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.Envelope;
import io.herald.core.envelope.EnvelopeBuilder;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.position.Position;
import io.herald.redis.ApplyResult;
import io.herald.redis.ApplyScript;
import io.herald.redis.Retention;
import io.herald.testkit.redis.RedisCluster;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
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
 * notification to the real Kafka topic, and apply a record to the real Redis with the real apply script: on one
 * server with PUBLISH, or on a Redis Cluster ({@link #onCluster}) with SPUBLISH on the primary serving the
 * channel's slot, as the dispatcher does there.
 */
public final class Pipeline implements AutoCloseable {

    private final EnvelopeCodec codec = new EnvelopeCodec(EnvelopeLimits.DEFAULTS);
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, String> redis;
    private final ApplyScript script = new ApplyScript(false);
    private final ClusterApplier cluster;

    public Pipeline(String kafkaBootstrap, String topic, String redisUrl) {
        this.topic = topic;
        this.producer = producer(kafkaBootstrap);
        this.redisClient = RedisClient.create(redisUrl);
        this.redis = redisClient.connect();
        this.cluster = null;
        ApplyScript.load(redis.async()).toCompletableFuture().join();
    }

    private Pipeline(String kafkaBootstrap, String topic, RedisCluster redisCluster) {
        this.topic = topic;
        this.producer = producer(kafkaBootstrap);
        this.redisClient = null;
        this.redis = null;
        this.cluster = new ClusterApplier(redisCluster.uris());
    }

    /**
     * A pipeline that applies on a Redis Cluster, following the channel's slot through failovers and migrations
     * (each apply is retried on the slot's current primary until it succeeds; the script is idempotent).
     */
    public static Pipeline onCluster(String kafkaBootstrap, String topic, RedisCluster redisCluster) {
        return new Pipeline(kafkaBootstrap, topic, redisCluster);
    }

    private static KafkaProducer<byte[], byte[]> producer(String kafkaBootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    public Envelope envelope(String channel, int n) {
        return new EnvelopeBuilder(codec, Clock.systemUTC()).channel(channel).type("test.n")
                .data(JsonNodeFactory.instance.objectNode().put("n", n)).build();
    }

    /** Notification number {@code n} that no edge may deliver after {@code expiresAt}. */
    public Envelope expiringEnvelope(String channel, int n, Instant expiresAt) {
        return new EnvelopeBuilder(codec, Clock.systemUTC()).channel(channel).type("test.n")
                .data(JsonNodeFactory.instance.objectNode().put("n", n)).expiresAt(expiresAt).build();
    }

    /** Like {@link #publish} for a notification with an {@code expiresAt}. */
    public Position publishExpiring(String channel, int n, Instant expiresAt) {
        Envelope envelope = expiringEnvelope(channel, n, expiresAt);
        RecordMetadata record = produce(envelope);
        apply(envelope, record);
        return Position.ofOffset(record.offset());
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

    /**
     * Produces to one partition, as a producer that has not seen a growth of the topic yet does (a late record), or
     * as the dispatcher moves a record to its channel's partition.
     */
    public RecordMetadata produce(Envelope envelope, int partition) {
        try {
            return producer.send(new ProducerRecord<>(topic, partition,
                    envelope.channel().value().getBytes(StandardCharsets.UTF_8), codec.encode(envelope)))
                    .get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Applies a record of a partition a growth of the topic created, as the dispatcher does: {@code position} is
     * its offset plus the partition's base (core's {@code TopicLayout.position}), and its channel may have lived in
     * {@code movedFrom} before.
     */
    public ApplyResult applyGrown(Envelope envelope, Position position, int partition, int movedFrom) {
        ApplyScript.Call call = script.call();
        call.add(envelope.channel(), position.offset(), partition, movedFrom, -1,
                new String(codec.encode(envelope), StandardCharsets.UTF_8), Retention.DEFAULT, Position.NONE);
        try {
            return ApplyScript.result(call.send(redis().async()).get(10, TimeUnit.SECONDS));
        } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Applies a produced record to Redis exactly as the dispatcher does. */
    public ApplyResult apply(Envelope envelope, RecordMetadata record) {
        return apply(envelope.channel(), record.offset(), record.partition(), envelope);
    }

    public ApplyResult apply(ChannelName channel, long offset, int partition, Envelope envelope) {
        if (cluster != null) {
            return cluster.apply(channel, offset, partition, new String(codec.encode(envelope), StandardCharsets.UTF_8));
        }
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

    /** The standalone connection; a cluster pipeline has none. */
    public StatefulRedisConnection<String, String> redis() {
        if (redis == null) {
            throw new IllegalStateException("a cluster pipeline has no single Redis connection");
        }
        return redis;
    }

    @Override
    public void close() {
        producer.close();
        if (cluster != null) {
            cluster.close();
        } else {
            redis.close();
            redisClient.shutdown();
        }
    }
}
