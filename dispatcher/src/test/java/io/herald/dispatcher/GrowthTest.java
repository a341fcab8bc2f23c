package io.herald.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.kafka.ChannelPartitioner;
import io.herald.core.kafka.LayoutTopic;
import io.herald.core.kafka.TopicLayout;
import io.herald.core.position.Position;
import io.herald.dispatcher.support.RunningDispatcher;
import io.herald.redis.RedisKeys;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The topic grows from 3 to 6 partitions under a running dispatcher, as {@code heraldctl topic grow} does it: the
 * growth written to the layout topic with a grace period, the partitions created, producers switching over at
 * different times; when the grace period is over the dispatcher cuts each old partition where it got to. A channel
 * that moves keeps one log: its records in the old partition first (also one written there during the grace period
 * by a producer that had not seen the growth), then those of its new partition, held back until then, positions
 * above all old ones, one {@code prev} chain; a record written to the old partition after the cut is moved to the
 * new one, applied after the others. A channel that stays is untouched.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrowthTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration GRACE = Duration.ofSeconds(3);

    private RunningDispatcher dispatcher;
    private String bootstrap;

    @BeforeAll
    void start(KafkaBroker broker, RedisServer server) {
        bootstrap = broker.bootstrapServers();
        // the consumer sees the new partitions within a second, as it would within metadata.max.age.ms in production
        dispatcher = RunningDispatcher.start("growth-test", broker, server,
                "--spring.kafka.consumer.properties.metadata.max.age.ms=1000", "--herald.kafka.layout-refresh=500ms");
    }

    @AfterAll
    void stop() {
        dispatcher.close();
    }

    @Test
    void aMovedChannelKeepsOneOrderedLogAcrossTheGrowthAndAStayingOneIsUntouched() throws Exception {
        ChannelName moved = channel(c -> ChannelPartitioner.partitionOf(c, 6) >= 3);
        ChannelName stays = channel(c -> ChannelPartitioner.partitionOf(c, 6) < 3);
        int old = ChannelPartitioner.partitionOf(moved, 3);
        int now = ChannelPartitioner.partitionOf(moved, 6);
        int staysOn = ChannelPartitioner.partitionOf(stays, 3);
        List<String> expected = new ArrayList<>();

        List<RecordMetadata> before = send(moved, old, "before", 3, expected);
        send(stays, staysOn, "s-before", 2, null);
        await().atMost(WAIT).until(() -> dispatcher.log(moved.value()).size() == 3);

        TopicLayout three = TopicLayout.of(dispatcher.topic, 3);
        Map<String, Object> client = Map.of("bootstrap.servers", bootstrap);
        // the dispatcher creates the layout topic when it finds none (and pins generation 0), as heraldctl would
        await().atMost(WAIT).until(() -> dispatcher.admin.listTopics().names().get()
                .contains(LayoutTopic.of(dispatcher.topic)));
        TopicLayout growing = three.grow(6, System.currentTimeMillis() + GRACE.toMillis());
        LayoutTopic.write(client, growing, WAIT);
        dispatcher.admin.createPartitions(Map.of(dispatcher.topic, NewPartitions.increaseTo(6))).all().get();

        // switched producers write to the new partition: held back while the growth is not sealed
        List<RecordMetadata> early = send(moved, now, "new", 2, null);
        // a producer that has not seen the growth yet, within the grace period: still the old partition's (and applied
        // before the new partition's records, although they were in Kafka first)
        RecordMetadata lateBeforeCut = send(moved, old, "late-before-cut", 1, expected).get(0);
        await().atMost(WAIT).until(() -> dispatcher.log(moved.value()).size() >= 4);

        TopicLayout sealed = await().atMost(WAIT).until(() -> LayoutTopic.read(client, dispatcher.topic, WAIT),
                TopicLayout::sealed);
        assertThat(sealed.newest().cut(old)).as("where applying in place stopped: nothing was written after it")
                .isEqualTo(lateBeforeCut.offset() + 1);
        early.forEach(r -> expected.add(sealed.position(now, r.offset()).toString()));
        // after the cut: a late producer's record belongs to the new partition and is moved there
        send(moved, old, "late-after-cut", 1, null);
        send(stays, staysOn, "s-after", 2, null);

        await().atMost(WAIT).until(() -> dispatcher.log(moved.value()).size() == 7);
        List<StreamMessage<String, String>> log = dispatcher.log(moved.value());
        assertThat(log).extracting(StreamMessage::getId).startsWith(expected.toArray(String[]::new));
        Position movedCopy = Position.parse(log.get(6).getId());
        assertThat(movedCopy.offset()).as("the late record, moved into the new partition")
                .isGreaterThan(Position.parse(expected.get(expected.size() - 1)).offset());
        assertThat(movedCopy.offset()).isGreaterThanOrEqualTo(TopicLayout.SPAN);
        assertThat(log).extracting(m -> m.getBody().get(RedisKeys.FIELD_ENVELOPE))
                .extracting(envelope -> envelope.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"))
                .containsExactly("before-0", "before-1", "before-2", "late-before-cut-0", "new-0", "new-1",
                        "late-after-cut-0");
        for (int i = 1; i < log.size(); i++) {
            assertThat(log.get(i).getBody().get(RedisKeys.FIELD_PREV)).as("one prev chain").isEqualTo(log.get(i - 1).getId());
        }
        assertThat(dispatcher.meta(moved.value())).containsEntry(RedisKeys.META_PARTITION, Integer.toString(now));
        assertThat(before.get(0).partition()).isEqualTo(old);

        await().atMost(WAIT).until(() -> dispatcher.log(stays.value()).size() == 4);
        assertThat(dispatcher.log(stays.value())).extracting(StreamMessage::getId)
                .allMatch(id -> Position.parse(id).offset() < TopicLayout.SPAN);
        assertThat(dispatcher.meta(stays.value())).containsEntry(RedisKeys.META_PARTITION, Integer.toString(staysOn));
    }

    /** Sends {@code count} records of the channel onto {@code partition}, ids {@code <prefix>-<n>}. */
    private List<RecordMetadata> send(ChannelName channel, int partition, String prefix, int count, List<String> positions) {
        List<ProducerRecord<byte[], byte[]>> records = IntStream.range(0, count).mapToObj(n -> new ProducerRecord<>(
                dispatcher.topic, partition, channel.value().getBytes(StandardCharsets.UTF_8),
                RunningDispatcher.envelope(prefix + "-" + n, channel.value(), n).getBytes(StandardCharsets.UTF_8))).toList();
        List<RecordMetadata> sent = dispatcher.sendAll(records);
        if (positions != null) {
            sent.forEach(r -> positions.add(Position.ofOffset(r.offset()).toString()));
        }
        return sent;
    }

    private static ChannelName channel(java.util.function.Predicate<ChannelName> wanted) {
        while (true) {
            ChannelName channel = ChannelName.parse("user:g-" + UUID.randomUUID().toString().substring(0, 8));
            if (wanted.test(channel)) {
                return channel;
            }
        }
    }
}
