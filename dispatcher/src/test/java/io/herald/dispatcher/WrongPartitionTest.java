package io.herald.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.kafka.ChannelPartitioner;
import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.kafka.RecordDecoder;
import io.herald.redis.RedisKeys;
import io.herald.engine.deadletter.DeadLetter;
import io.herald.engine.deadletter.DeadLetterView;
import io.herald.engine.deadletter.DeadLetters;
import io.herald.engine.KafkaAccess;
import io.herald.engine.RedisAccess;
import io.herald.dispatcher.support.PartitionReader;
import io.herald.dispatcher.support.RunningDispatcher;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 17, item 3: a producer that does not use Kafka's Java default partitioner (kcat, librdkafka's
 * consistent_random) puts a channel's record on another partition than ingest does. The dispatcher moves it to the
 * channel's home partition, in a transaction with the consumed offset, and applies it there.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WrongPartitionTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RunningDispatcher dispatcher;
    private KafkaBroker broker;
    private KafkaAccess kafka;
    private RedisAccess redis;

    @BeforeAll
    void start(KafkaBroker broker, RedisServer server) {
        this.broker = broker;
        dispatcher = RunningDispatcher.start("wrong-partition-test", broker, server);
        kafka = new KafkaAccess(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), dispatcher.topic, Duration.ofSeconds(10));
        redis = RedisAccess.of(server.url(), Duration.ofSeconds(10));
    }

    @AfterAll
    void stop() {
        kafka.close();
        redis.close();
        dispatcher.close();
    }

    @Test
    void aRecordOnAnotherPartitionIsMovedToItsChannelsHomePartitionOnceAndAppliedThere() throws Exception {
        String channel = channelOnPartition(2, "moved");
        RecordMetadata first = dispatcher.send(channel, RunningDispatcher.envelope("w-1", channel, 1));
        assertThat(first.partition()).isEqualTo(2);
        dispatcher.awaitCaughtUp();
        // no id: the notification gets the one derived from where the producer put it
        RecordMetadata stray = sendTo(0, channel, "{\"channel\":\"" + channel + "\",\"type\":\"test.event\",\"data\":{\"n\":2}}");

        await().atMost(WAIT).until(() -> dispatcher.log(channel).size() == 2);
        dispatcher.awaitCaughtUp();
        List<StreamMessage<String, String>> log = dispatcher.log(channel);
        ConsumerRecord<byte[], byte[]> copy = onlyCopyOf(stray, 2);
        assertThat(log.get(1).getId()).as("a position on the home partition").isEqualTo(copy.offset() + "-1");
        assertThat(log.get(1).getBody()).containsEntry(RedisKeys.FIELD_PREV, log.get(0).getId());
        JsonNode envelope = JSON.readTree(log.get(1).getBody().get(RedisKeys.FIELD_ENVELOPE));
        String expectedId = RecordDecoder.defaultId(dispatcher.topic, 0, stray.offset());
        assertThat(envelope.path("id").asString()).isEqualTo(expectedId);
        assertThat(JSON.readTree(new String(copy.value(), StandardCharsets.UTF_8)).path("id").asString())
                .as("the id is written into the moved record, so a move repeated after a crash keeps it")
                .isEqualTo(expectedId);
        assertThat(dispatcher.meta(channel)).containsEntry(RedisKeys.META_PARTITION, "2");
        assertThat(dispatcher.records("moved")).isPositive();
        assertThat(deadLetterOf(0, stray.offset())).as("nothing dead-lettered").isNull();
    }

    @Test
    void aBatchWithRecordsOfTheirPartitionAndRecordsToMoveKeepsEachChannelsOrder() {
        String here = channelOnPartition(1, "here");
        String elsewhere = channelOnPartition(0, "elsewhere");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int n = 1; n <= 20; n++) {
            records.add(recordOn(1, here, RunningDispatcher.envelope("h-" + n, here, n)));
            records.add(recordOn(1, elsewhere, RunningDispatcher.envelope("e-" + n, elsewhere, n)));
        }
        dispatcher.sendAll(records);

        await().atMost(WAIT).until(() -> dispatcher.log(here).size() == 20 && dispatcher.log(elsewhere).size() == 20);
        dispatcher.awaitCaughtUp();
        assertThat(ids(here)).isEqualTo(expectedIds("h-"));
        assertThat(ids(elsewhere)).isEqualTo(expectedIds("e-"));
        assertThat(dispatcher.meta(here)).containsEntry(RedisKeys.META_PARTITION, "1");
        assertThat(dispatcher.meta(elsewhere)).containsEntry(RedisKeys.META_PARTITION, "0");
        long copies = PartitionReader.readAll(broker.bootstrapServers(), dispatcher.topic, 0).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(elsewhere)).count();
        assertThat(copies).as("each record moved exactly once").isEqualTo(20);
    }

    @Test
    void aChannelWhoseHistoryIsOnAnotherPartitionIsDeadLetteredWithTheReasonNamingBoth() throws Exception {
        String channel = channelOnPartition(1, "history");
        // as a dispatcher before moves left it: the channel's history applied from the partition a producer chose
        dispatcher.redis.sync().hset(RedisKeys.meta(ChannelName.parse(channel)),
                Map.of(RedisKeys.META_PARTITION, "2", RedisKeys.META_LAST, "0-1"));
        RecordMetadata sent = dispatcher.send(channel, RunningDispatcher.envelope("m-1", channel, 1));
        assertThat(sent.partition()).isEqualTo(1);

        await().atMost(WAIT).until(() -> deadLetterOf(1, sent.offset()) != null);
        DeadLetterView letter = deadLetterOf(1, sent.offset());
        assertThat(letter.reason()).isEqualTo(DeadLetter.PARTITION_MISMATCH);
        assertThat(letter.message()).contains("from partition 2").contains("home partition")
                .contains("is partition 1").contains("docs/operations.md");
    }

    @Test
    void aRepairFromKafkaAppliesTheMovedCopyNotTheOriginal() {
        String channel = channelOnPartition(2, "repair");
        // records of another channel first, so that the original's offset and the copy's differ
        String filler = channelOnPartition(0, "filler");
        while (dispatcher.endOffsets().get(new TopicPartition(dispatcher.topic, 0))
                <= dispatcher.endOffsets().get(new TopicPartition(dispatcher.topic, 2)) + 1) {
            dispatcher.send(filler, RunningDispatcher.envelope("f-" + UUID.randomUUID(), filler, 0));
        }
        RecordMetadata stray = sendTo(0, channel, RunningDispatcher.envelope("r-1", channel, 1));
        await().atMost(WAIT).until(() -> dispatcher.log(channel).size() == 1);
        String position = dispatcher.log(channel).get(0).getId();
        assertThat(position).as("the copy's position").isNotEqualTo(stray.offset() + "-1");
        dispatcher.awaitCaughtUp();

        // Redis lost the channel and the checkpoints: the next process re-applies every partition from Kafka
        dispatcher.stopApplication();
        ChannelName name = ChannelName.parse(channel);
        dispatcher.redis.sync().del(RedisKeys.meta(name), RedisKeys.log(name));
        for (int p = 0; p < RunningDispatcher.PARTITIONS; p++) {
            dispatcher.redis.sync().hdel(RedisKeys.dataset(), RedisKeys.datasetCheckpoint(dispatcher.topic, p));
        }
        dispatcher.startApplication();

        await().atMost(WAIT).until(() -> !dispatcher.log(channel).isEmpty());
        assertThat(dispatcher.log(channel)).extracting(StreamMessage::getId).as("the copy's position, as before")
                .containsExactly(position);
        assertThat(dispatcher.meta(channel)).containsEntry(RedisKeys.META_PARTITION, "2");
    }

    private List<String> ids(String channel) {
        return dispatcher.log(channel).stream()
                .map(m -> JSON.readTree(m.getBody().get(RedisKeys.FIELD_ENVELOPE)).path("id").asString()).toList();
    }

    private static List<String> expectedIds(String prefix) {
        List<String> ids = new ArrayList<>();
        for (int n = 1; n <= 20; n++) {
            ids.add(prefix + n);
        }
        return ids;
    }

    /** The one committed record of the home partition that says it was moved from where {@code original} is. */
    private ConsumerRecord<byte[], byte[]> onlyCopyOf(RecordMetadata original, int home) {
        List<ConsumerRecord<byte[], byte[]>> copies = PartitionReader.readAll(broker.bootstrapServers(), dispatcher.topic,
                home).stream().filter(r -> header(r, "herald.moved.from.partition").equals(Integer.toString(original.partition()))
                        && header(r, "herald.moved.from.offset").equals(Long.toString(original.offset()))).toList();
        assertThat(copies).hasSize(1);
        return copies.get(0);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private DeadLetterView deadLetterOf(int partition, long offset) throws InterruptedException {
        DeadLetters letters = new DeadLetters(kafka, redis, new RecordDecoder(new EnvelopeCodec(EnvelopeLimits.DEFAULTS)),
                Clock.systemUTC());
        for (DeadLetterView view : letters.list(1000, null)) {
            if (Long.valueOf(offset).equals(view.originalOffset()) && Integer.valueOf(partition).equals(view.originalPartition())) {
                return view;
            }
        }
        return null;
    }

    private RecordMetadata sendTo(int partition, String channel, String value) {
        return dispatcher.sendAll(List.of(recordOn(partition, channel, value))).get(0);
    }

    private ProducerRecord<byte[], byte[]> recordOn(int partition, String channel, String value) {
        return new ProducerRecord<>(dispatcher.topic, partition, channel.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    /** A channel whose key hashes to that partition. */
    static String channelOnPartition(int partition, String prefix) {
        while (true) {
            String channel = "user:" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
            if (ChannelPartitioner.partitionOf(ChannelName.parse(channel), RunningDispatcher.PARTITIONS) == partition) {
                return channel;
            }
        }
    }
}
