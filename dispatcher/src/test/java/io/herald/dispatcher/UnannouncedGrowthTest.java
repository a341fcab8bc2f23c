package io.herald.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.kafka.ChannelPartitioner;
import io.herald.core.kafka.LayoutTopic;
import io.herald.core.kafka.TopicLayout;
import io.herald.core.position.Position;
import io.herald.dispatcher.support.RunningDispatcher;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Partitions added with Kafka's own tools, not {@code heraldctl topic grow}, to a topic that never grew: the
 * dispatcher pinned the topic's partition count as its layout when it found none written, so the layout does not
 * name them and nothing says where their channels' positions continue. The dispatcher holds such a partition back
 * (a WARN says why): its records are neither applied, nor moved, nor dead-lettered, and are not committed past, while the
 * old partitions go on being applied. Once the growth is announced in the layout (what {@code heraldctl topic grow}
 * writes; here after the fact) and sealed, the held record is applied in its new partition's numbering.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnannouncedGrowthTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration GRACE = Duration.ofSeconds(2);

    private RunningDispatcher dispatcher;
    private String bootstrap;

    @BeforeAll
    void start(KafkaBroker broker, RedisServer server) {
        bootstrap = broker.bootstrapServers();
        // the consumers see the new partitions within a second (metadata.max.age.ms is 30 s in production)
        dispatcher = RunningDispatcher.start("unannounced-growth", broker, server,
                "--spring.kafka.consumer.properties.metadata.max.age.ms=1000", "--herald.kafka.layout-refresh=500ms");
    }

    @AfterAll
    void stop() {
        dispatcher.close();
    }

    @Test
    void aPartitionTheLayoutDoesNotNameIsHeldWhileTheOthersAreAppliedThenAppliedOnceAnnounced() throws Exception {
        ChannelName stays = channel(c -> ChannelPartitioner.partitionOf(c, 6) < 3);
        ChannelName onNew = channel(c -> ChannelPartitioner.partitionOf(c, 6) >= 3);
        int staysOn = ChannelPartitioner.partitionOf(stays, 3);
        int newPartition = ChannelPartitioner.partitionOf(onNew, 6);
        send(stays, staysOn, "s-before");
        await().atMost(WAIT).until(() -> dispatcher.log(stays.value()).size() == 1);

        // the dispatcher pinned the topic's 3 partitions as its layout's generation 0 when it found none written
        await().atMost(WAIT).until(this::layoutWritten);
        dispatcher.admin.createPartitions(Map.of(dispatcher.topic, NewPartitions.increaseTo(6))).all().get();
        TopicPartition held = new TopicPartition(dispatcher.topic, newPartition);
        await().atMost(WAIT).until(() -> dispatcher.container().getAssignedPartitions().contains(held));

        // a producer that counts 6 partitions writes the channel to the new one
        RecordMetadata waiting = send(onNew, newPartition, "n-0");
        send(stays, staysOn, "s-after");
        await().atMost(WAIT).until(() -> dispatcher.log(stays.value()).size() == 2);
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> dispatcher.log(onNew.value()).isEmpty());
        assertThat(committed(held)).as("not committed past: the record is still to be applied").isZero();
        assertThat(dispatcher.records("dead_lettered")).isZero();
        assertThat(dispatcher.records("moved")).isZero();
        assertThat(endOffsets()).as("nothing moved: each partition holds what was written to it").hasSize(6)
                .allSatisfy((partition, end) -> assertThat(end).as(partition.toString()).isEqualTo(
                        partition.partition() == staysOn ? 2L : partition.partition() == newPartition ? 1L : 0L));

        // announced after the fact, as heraldctl topic grow would have written it: sealed after the grace period at
        // the old partitions' ends, then the held partition is released
        Map<String, Object> client = Map.of("bootstrap.servers", bootstrap);
        LayoutTopic.write(client, TopicLayout.of(dispatcher.topic, 3).grow(6, System.currentTimeMillis()
                + GRACE.toMillis()), WAIT);
        TopicLayout sealed = await().atMost(WAIT).until(() -> LayoutTopic.read(client, dispatcher.topic, WAIT),
                TopicLayout::sealed);
        await().atMost(WAIT).until(() -> dispatcher.log(onNew.value()).size() == 1);
        List<StreamMessage<String, String>> log = dispatcher.log(onNew.value());
        assertThat(Position.parse(log.get(0).getId())).isEqualTo(sealed.position(newPartition, waiting.offset()));
        assertThat(dispatcher.records("dead_lettered")).isZero();
    }

    private RecordMetadata send(ChannelName channel, int partition, String id) {
        return dispatcher.sendAll(List.of(new ProducerRecord<>(dispatcher.topic, partition,
                channel.value().getBytes(StandardCharsets.UTF_8),
                RunningDispatcher.envelope(id, channel.value(), 0).getBytes(StandardCharsets.UTF_8)))).get(0);
    }

    private boolean layoutWritten() throws Exception {
        if (!dispatcher.admin.listTopics().names().get().contains(LayoutTopic.of(dispatcher.topic))) {
            return false;
        }
        TopicPartition layout = new TopicPartition(LayoutTopic.of(dispatcher.topic), 0);
        return dispatcher.admin.listOffsets(Map.of(layout, OffsetSpec.latest())).all().get().get(layout).offset() > 0;
    }

    private long committed(TopicPartition partition) throws Exception {
        OffsetAndMetadata offset = dispatcher.admin.listConsumerGroupOffsets(dispatcher.groupId)
                .partitionsToOffsetAndMetadata().get().get(partition);
        return offset == null ? 0 : offset.offset();
    }

    private Map<TopicPartition, Long> endOffsets() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < 6; p++) {
            latest.put(new TopicPartition(dispatcher.topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        dispatcher.admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    private static ChannelName channel(Predicate<ChannelName> wanted) {
        while (true) {
            ChannelName channel = ChannelName.parse("user:u-" + UUID.randomUUID().toString().substring(0, 8));
            if (wanted.test(channel)) {
                return channel;
            }
        }
    }
}
