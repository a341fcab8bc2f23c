package io.herald.dispatcher.move;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.dispatcher.support.PartitionReader;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.kafka.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * The move's transaction against a real broker: the copy on the home partition exists exactly when the original's
 * offset is committed for the group. A transaction the broker refuses (here: offsets sent with a stale group
 * generation, as from a dispatcher that lost its partitions in a rebalance) leaves neither, for read_committed
 * readers; moving again then gives one copy.
 */
@WithKafka
class RecordMoverTest {

    @Test
    void aRefusedMoveLeavesNoCopyAndNoCommitAndTheNextMoveExactlyOne(KafkaBroker broker) throws Exception {
        String topic = "mover-test." + UUID.randomUUID().toString().substring(0, 8);
        String group = topic + "-group";
        broker.createTopic(topic, 3);
        RecordMetadata original = produce(broker, new ProducerRecord<>(topic, 0, bytes("user:moved"),
                bytes("{\"channel\":\"user:moved\",\"type\":\"t\",\"data\":{}}")));
        TopicPartition source = new TopicPartition(topic, 0);

        try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker, group, topic);
                RecordMover mover = mover(broker)) {
            ConsumerRecord<byte[], byte[]> record = pollOne(consumer);
            RecordMover.Move move = new RecordMover.Move(record, "{\"id\":\"k-1\"}", 2);
            Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(source, new OffsetAndMetadata(record.offset() + 1));
            ConsumerGroupMetadata current = consumer.groupMetadata();
            ConsumerGroupMetadata stale = new ConsumerGroupMetadata(current.groupId(), current.generationId() + 7,
                    current.memberId(), Optional.empty());

            assertThatThrownBy(() -> mover.move(List.of(move), offsets, stale)).as("the broker fences the stale generation")
                    .isInstanceOf(MoveFailedException.class).hasStackTraceContaining("CommitFailedException");
            assertThat(copies(broker, topic, original)).as("aborted: invisible to read_committed readers").isEmpty();
            assertThat(committed(broker, group, source)).as("nothing committed").isNull();

            List<RecordMetadata> moved = mover.move(List.of(move), offsets, current);
            assertThat(moved).extracting(RecordMetadata::partition).containsExactly(2);
            assertThat(copies(broker, topic, original)).as("exactly one copy").hasSize(1)
                    .allSatisfy(copy -> assertThat(new String(copy.value(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"k-1\"}"));
            assertThat(committed(broker, group, source)).isEqualTo(original.offset() + 1);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> copies(KafkaBroker broker, String topic, RecordMetadata original) {
        return PartitionReader.readAll(broker.bootstrapServers(), topic, 2).stream()
                .filter(r -> r.headers().lastHeader(RecordMover.MOVED_FROM_OFFSET) != null
                        && new String(r.headers().lastHeader(RecordMover.MOVED_FROM_OFFSET).value(), StandardCharsets.UTF_8)
                                .equals(Long.toString(original.offset())))
                .toList();
    }

    private static Long committed(KafkaBroker broker, String group, TopicPartition partition) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(partition);
            return offset == null ? null : offset.offset();
        }
    }

    private static ConsumerRecord<byte[], byte[]> pollOne(KafkaConsumer<byte[], byte[]> consumer) {
        @SuppressWarnings("unchecked")
        ConsumerRecord<byte[], byte[]>[] found = new ConsumerRecord[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> found[0] = r);
            return found[0] != null;
        });
        return found[0];
    }

    private static KafkaConsumer<byte[], byte[]> consumer(KafkaBroker broker, String group, String topic) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** As the dispatcher builds it (ConsumerConfiguration.recordMover), on this broker. */
    private static RecordMover mover(KafkaBroker broker) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        DefaultKafkaProducerFactory<byte[], byte[]> producers = new DefaultKafkaProducerFactory<>(config);
        producers.setTransactionIdPrefix("mover-test-" + UUID.randomUUID() + "-");
        return new RecordMover(producers);
    }

    private static RecordMetadata produce(KafkaBroker broker, ProducerRecord<byte[], byte[]> record) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            return producer.send(record).get();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
