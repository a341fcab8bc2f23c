package io.herald.engine;

import io.herald.core.kafka.LayoutTopic;
import io.herald.core.kafka.TopicLayout;
import io.herald.core.kafka.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka clients an SRE operation needs, outside the dispatcher's consumer group: an admin client (offsets,
 * lag, health), consumers that read by assignment with no group id (so the live group is never disturbed and
 * nothing is committed), and an idempotent producer (acks=all) for dead-letter redrives. Created lazily, closed
 * together.
 */
public final class KafkaAccess implements AutoCloseable {

    private final Map<String, Object> clientConfig;
    private final String topic;
    private final Duration timeout;
    private Admin admin;
    private Producer<byte[], byte[]> producer;

    /**
     * @param clientConfig settings shared by every client: {@code bootstrap.servers} and any security settings
     * @param topic        the notifications topic; dead letters are read from {@code <topic>.DLT}
     * @param timeout      how long one call to Kafka may take before the operation fails
     */
    public KafkaAccess(Map<String, Object> clientConfig, String topic, Duration timeout) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = topic;
        this.timeout = timeout;
    }

    public String topic() {
        return topic;
    }

    public String deadLetterTopic() {
        return Topics.deadLetters(topic);
    }

    public Duration timeout() {
        return timeout;
    }

    public synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new HashMap<>(clientConfig);
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
            config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "herald-ops-admin");
            admin = Admin.create(config);
        }
        return admin;
    }

    /** A consumer without a group: the caller assigns partitions and seeks; it never commits. */
    public KafkaConsumer<byte[], byte[]> consumer(String clientId) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Acknowledged by all in-sync replicas, idempotent: a retried send is not written twice. */
    public synchronized Producer<byte[], byte[]> producer() {
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(clientConfig);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 30_000));
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "herald-ops-redrive");
            producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /**
     * The notifications topic's layout (how its partition count grew: core's {@link TopicLayout}) as Kafka holds it
     * now. An operation reads it once and decides every record with it, so that a growth sealed meanwhile cannot
     * make it place a channel's records two ways.
     */
    public TopicLayout layout() {
        try {
            // its clients give up within the timeout too: by default closing them waits 60 s for a Kafka away
            Map<String, Object> config = new HashMap<>(clientConfig);
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
            return LayoutTopic.read(config, topic, timeout);
        } catch (KafkaException | IllegalArgumentException e) {
            throw new EngineException("kafka: could not read the layout of " + topic, e);
        }
    }

    /** The partition count of a topic; fails clearly when the topic does not exist. */
    public int partitionCount(String name) {
        TopicDescription description = get(admin().describeTopics(List.of(name)).topicNameValues().get(name),
                "describe topic " + name);
        return description.partitions().size();
    }

    /** The group's committed offset per partition of the topic; a partition it never committed is absent. */
    public Map<Integer, Long> committed(String groupId) {
        Map<TopicPartition, OffsetAndMetadata> offsets = get(admin().listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata(), "read the committed offsets of group " + groupId);
        Map<Integer, Long> committed = new HashMap<>();
        offsets.forEach((tp, offset) -> {
            if (tp.topic().equals(topic) && offset != null) {
                committed.put(tp.partition(), offset.offset());
            }
        });
        return committed;
    }

    /** The offset after the last committed record of each partition (transactions still open excluded). */
    public Map<Integer, Long> endOffsets(String name, Collection<Integer> partitions) {
        return offsets(name, partitions, OffsetSpec.latest());
    }

    public Map<Integer, Long> beginningOffsets(String name, Collection<Integer> partitions) {
        return offsets(name, partitions, OffsetSpec.earliest());
    }

    /** Per partition, the first offset whose record's timestamp is at or after {@code millis}, or -1 when there is none. */
    public Map<Integer, Long> offsetsForTime(String name, Collection<Integer> partitions, long millis) {
        return offsets(name, partitions, OffsetSpec.forTimestamp(millis));
    }

    private Map<Integer, Long> offsets(String name, Collection<Integer> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(new TopicPartition(name, p), spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = get(admin().listOffsets(request,
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all(), "list offsets of " + name);
        Map<Integer, Long> offsets = new HashMap<>();
        result.forEach((tp, info) -> offsets.put(tp.partition(), info.offset()));
        return offsets;
    }

    /** Waits for an admin call within the timeout; failures become one-line {@link EngineException}s. */
    public <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while trying to " + what);
        } catch (ExecutionException e) {
            throw new EngineException("kafka: could not " + what, e.getCause());
        } catch (TimeoutException e) {
            throw new EngineException("kafka: could not " + what + " within " + timeout.toMillis() + " ms");
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
