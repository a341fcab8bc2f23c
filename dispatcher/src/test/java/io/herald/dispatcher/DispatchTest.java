package io.herald.dispatcher;

import static io.herald.dispatcher.support.RunningDispatcher.envelope;
import static io.herald.dispatcher.support.RunningDispatcher.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.kafka.ChannelPartitioner;
import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.kafka.Topics;
import io.herald.core.position.Position;
import io.herald.redis.LiveMessage;
import io.herald.redis.RedisKeys;
import io.herald.dispatcher.support.PubSubRecorder;
import io.herald.dispatcher.support.RunningDispatcher;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.StreamMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dispatcher application on a real broker and a real redis-server: records in, Redis logs and pub/sub
 * out, exactly once, and dead letters for what cannot be applied.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DispatchTest {

    private KafkaBroker kafka;
    private RunningDispatcher dispatcher;

    @BeforeAll
    void start(KafkaBroker kafka, RedisServer redis) {
        this.kafka = kafka;
        dispatcher = RunningDispatcher.start("dispatch-test", kafka, redis,
                "--herald.dispatcher.retention.default.ttl=2h",
                "--herald.dispatcher.retention.namespaces.short.ttl=60s");
    }

    @AfterAll
    void stop() {
        dispatcher.close();
    }

    @Test
    void listensWithOneThreadPerPartitionByDefault() throws Exception {
        ConcurrentMessageListenerContainer<?, ?> container = (ConcurrentMessageListenerContainer<?, ?>) dispatcher.container();

        assertThat(container.getConcurrency()).as("dispatcher.yml: the partition count").isEqualTo(RunningDispatcher.PARTITIONS);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(dispatcher.members())
                .hasSize(RunningDispatcher.PARTITIONS)
                .allSatisfy(member -> assertThat(member.assignment().topicPartitions()).hasSize(1)));
    }

    @Test
    void appliesEveryRecordToItsChannelLogInOrderAndPublishesItOnce() {
        List<String> channels = List.of("user:alice", "user:bob", "topic:orders", "short:ticks");
        try (PubSubRecorder live = new PubSubRecorder(dispatcher.redisClient, channels.toArray(String[]::new))) {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String channel = channels.get(i % channels.size());
                records.add(record(dispatcher.topic, channel, envelope("apply-" + i, channel, i)));
            }
            // no id, no createdAt, fields out of order: the dispatcher fills them in from the record and stores the canonical form
            records.add(record(dispatcher.topic, "user:alice", "{ \"data\": {\"late\": true}, \"type\": \"t\", \"channel\": \"user:alice\" }"));
            double appliedBefore = dispatcher.records("applied");
            long latenciesBefore = dispatcher.applyLatencyCount();
            List<RecordMetadata> sent = dispatcher.sendAll(records);

            Map<String, List<RecordMetadata>> expected = new LinkedHashMap<>();
            for (int i = 0; i < records.size(); i++) {
                expected.computeIfAbsent(new String(records.get(i).key(), StandardCharsets.UTF_8), c -> new ArrayList<>()).add(sent.get(i));
            }
            dispatcher.awaitCaughtUp();

            for (String channel : channels) {
                List<RecordMetadata> mine = expected.get(channel);
                List<StreamMessage<String, String>> log = dispatcher.log(channel);
                assertThat(log).extracting(StreamMessage::getId)
                        .containsExactlyElementsOf(mine.stream().map(m -> m.offset() + "-1").toList());
                List<String> prevs = new ArrayList<>(List.of("0-0"));
                log.stream().limit(log.size() - 1).forEach(m -> prevs.add(m.getId()));
                assertThat(log).extracting(m -> m.getBody().get(RedisKeys.FIELD_PREV)).containsExactlyElementsOf(prevs);
                assertThat(dispatcher.meta(channel)).containsEntry(RedisKeys.META_LAST, log.get(log.size() - 1).getId())
                        .containsEntry(RedisKeys.META_PARTITION, Integer.toString(mine.get(0).partition()));

                await().atMost(Duration.ofSeconds(5)).until(() -> live.messages(channel).size() >= log.size());
                assertThat(live.messages(channel)).extracting(m -> m.id().toString())
                        .containsExactlyElementsOf(log.stream().map(StreamMessage::getId).toList());
                assertThat(live.messages(channel)).extracting(m -> m.prev().toString()).containsExactlyElementsOf(prevs);
                assertThat(live.messages(channel)).extracting(LiveMessage::envelopeJson)
                        .containsExactlyElementsOf(log.stream().map(m -> m.getBody().get(RedisKeys.FIELD_ENVELOPE)).toList());
            }

            assertThat(dispatcher.log("user:bob").get(0).getBody().get(RedisKeys.FIELD_ENVELOPE))
                    .isEqualTo(envelope("apply-1", "user:bob", 1));
            await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.records("applied") - appliedBefore >= records.size());
            assertThat(dispatcher.applyLatencyCount() - latenciesBefore).as("one apply latency per applied record")
                    .isEqualTo(records.size());
            RecordMetadata late = sent.get(sent.size() - 1);
            String lateId = "k-" + dispatcher.topic + "-" + late.partition() + "-" + late.offset();
            List<StreamMessage<String, String>> alice = dispatcher.log("user:alice");
            assertThat(alice.get(alice.size() - 1).getBody().get(RedisKeys.FIELD_ENVELOPE)).isEqualTo("{\"id\":\"" + lateId
                    + "\",\"channel\":\"user:alice\",\"type\":\"t\",\"data\":{\"late\":true},\"createdAt\":" + late.timestamp()
                    + ",\"expiresAt\":null}");

            // retention: the configured default (log 2 h, meta 7 days by default) and the override for namespace "short" (log 60 s)
            assertThat(dispatcher.redis.sync().ttl(RedisKeys.log(ChannelName.parse("user:alice")))).isBetween(7_000L, 7_200L);
            assertThat(dispatcher.redis.sync().ttl(RedisKeys.meta(ChannelName.parse("user:alice")))).isBetween(604_000L, 604_800L);
            assertThat(dispatcher.redis.sync().ttl(RedisKeys.log(ChannelName.parse("short:ticks")))).isBetween(1L, 60L);
            assertThat(dispatcher.redis.sync().ttl(RedisKeys.meta(ChannelName.parse("short:ticks")))).isBetween(604_000L, 604_800L);
        }
    }

    @Test
    void replayingTheWholeTopicWritesAndPublishesNothingTwice() {
        String channel = "user:replayed";
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(record(dispatcher.topic, channel, envelope("replay-" + i, channel, i)));
        }
        dispatcher.sendAll(records);
        dispatcher.awaitCaughtUp();
        List<StreamMessage<String, String>> before = dispatcher.log(channel);
        assertThat(before).hasSize(20);
        double applied = dispatcher.records("applied");
        double duplicates = dispatcher.records("duplicate");
        long latencies = dispatcher.applyLatencyCount();
        long validInTopic = countValidRecordsInTopic();

        try (PubSubRecorder live = new PubSubRecorder(dispatcher.redisClient, channel, "user:alice", "user:bob", "topic:orders")) {
            dispatcher.replayFromEarliest();
            dispatcher.awaitCaughtUp();
            await().atMost(Duration.ofSeconds(10)).until(() -> dispatcher.records("duplicate") - duplicates >= validInTopic);

            assertThat(dispatcher.records("applied")).isEqualTo(applied);
            assertThat(dispatcher.applyLatencyCount()).as("duplicates have no apply latency").isEqualTo(latencies);
            assertThat(dispatcher.records("duplicate") - duplicates).isEqualTo(validInTopic);
            assertThat(dispatcher.log(channel)).isEqualTo(before);
            assertThat(live.total()).isZero();
        }
    }

    /** Records of the topic whose Redis apply returns applied or duplicate, i.e. all but dead letters. */
    private long countValidRecordsInTopic() {
        long total = dispatcher.endOffsets().values().stream().mapToLong(Long::longValue).sum();
        return total - (long) dispatcher.records("dead_lettered") - (long) dispatcher.records("partition_mismatch");
    }

    @Test
    void recordsThatCannotBeAppliedGoToTheDeadLetterTopicWithTheReasonAndThePartitionKeepsFlowing() {
        String channel = "user:dlt";
        byte[] oversized = new byte[EnvelopeLimits.DEFAULTS.maxRecordBytes() + 1];
        Arrays.fill(oversized, (byte) ' ');
        oversized[0] = '{';
        byte[] key = channel.getBytes(StandardCharsets.UTF_8);
        List<ProducerRecord<byte[], byte[]>> records = List.of(
                new ProducerRecord<>(dispatcher.topic, key, "this is not json".getBytes(StandardCharsets.UTF_8)),
                new ProducerRecord<>(dispatcher.topic, key, oversized),
                record(dispatcher.topic, "user:someone-else", envelope("dlt-mismatch", channel, 0)),
                record(dispatcher.topic, channel, envelope("dlt-1", channel, 1).replace("\"type\"", "\"colour\":\"red\",\"type\"")),
                record(dispatcher.topic, channel, envelope("dlt-ok-1", channel, 2)),
                record(dispatcher.topic, channel, envelope("dlt-ok-2", channel, 3)));
        // the key-mismatch record is keyed elsewhere, so it may land on another partition: pin every record to the
        // channel's (a valid record on any other would be moved there)
        int home = ChannelPartitioner.partitionOf(ChannelName.parse(channel), RunningDispatcher.PARTITIONS);
        List<ProducerRecord<byte[], byte[]>> pinned = records.stream()
                .map(r -> new ProducerRecord<>(r.topic(), home, r.key(), r.value())).toList();
        double deadLettered = dispatcher.records("dead_lettered");

        List<RecordMetadata> sent = dispatcher.sendAll(pinned);
        dispatcher.awaitCaughtUp();

        assertThat(dispatcher.log(channel)).extracting(StreamMessage::getId)
                .containsExactly(sent.get(4).offset() + "-1", sent.get(5).offset() + "-1");
        Map<Long, ConsumerRecord<byte[], byte[]>> letters = awaitDeadLetters(sent.subList(0, 4));
        assertDeadLetter(letters, sent.get(0), pinned.get(0), "malformed-json", "");
        assertDeadLetter(letters, sent.get(1), pinned.get(1), "too-large", "");
        assertDeadLetter(letters, sent.get(2), pinned.get(2), "key-mismatch", "/channel");
        assertDeadLetter(letters, sent.get(3), pinned.get(3), "unknown-field", "/colour");
        assertThat(dispatcher.records("dead_lettered") - deadLettered).isEqualTo(4);
    }

    @Test
    void aChannelWhoseMetaNamesAnotherPartitionIsDeadLetteredNotDropped() {
        String channel = "user:moved";
        // as if the topic had been repartitioned: Redis knows the channel from a partition it is no longer on
        dispatcher.redis.sync().hset(RedisKeys.meta(ChannelName.parse(channel)), RedisKeys.META_PARTITION, "99");
        double mismatches = dispatcher.records("partition_mismatch");

        RecordMetadata sent = dispatcher.send(channel, envelope("moved-1", channel, 1));
        dispatcher.awaitCaughtUp();

        assertThat(dispatcher.log(channel)).isEmpty();
        Map<Long, ConsumerRecord<byte[], byte[]>> letters = awaitDeadLetters(List.of(sent));
        assertThat(header(letters.get(sent.offset()), Topics.DLT_REASON)).isEqualTo("partition-mismatch");
        assertThat(header(letters.get(sent.offset()), Topics.DLT_MESSAGE)).contains("partition 99");
        assertThat(dispatcher.records("partition_mismatch") - mismatches).isEqualTo(1);
    }

    @Test
    void appliesAfterRedisLostItsScriptCache() {
        String channel = "user:noscript";
        RecordMetadata first = dispatcher.send(channel, envelope("noscript-1", channel, 1));
        dispatcher.awaitCaughtUp();
        dispatcher.redis.sync().scriptFlush();

        RecordMetadata second = dispatcher.send(channel, envelope("noscript-2", channel, 2));
        dispatcher.awaitCaughtUp();

        assertThat(dispatcher.log(channel)).extracting(StreamMessage::getId)
                .containsExactly(first.offset() + "-1", second.offset() + "-1");
        assertThat(dispatcher.log(channel).get(1).getBody().get(RedisKeys.FIELD_PREV)).isEqualTo(Position.ofOffset(first.offset()).toString());
    }

    @Test
    void dispatcherYmlPutsManagementOnAPortOfItsOwn() throws Exception {
        // the dispatchers here run on random ports; this is the default a deployment gets
        PropertySource<?> yml = new YamlPropertySourceLoader().load("dispatcher.yml", new ClassPathResource("dispatcher.yml")).get(0);
        assertThat(yml.getProperty("management.server.port")).isEqualTo(9082);
        assertThat(yml.getProperty("server.port")).isEqualTo(8082);
    }

    @Test
    void exposesHealthWithRedisAndPrometheusMetricsOnTheManagementPortOnly() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + dispatcher.managementPort() + "/actuator/";
        for (String path : List.of("health", "prometheus", "metrics", "env")) {
            HttpResponse<String> onServicePort = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + dispatcher.port() + "/actuator/" + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(onServicePort.statusCode()).as(path).isEqualTo(404);
            assertThat(onServicePort.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }

        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JsonMapper.builder().build().readTree(health.body()).at("/components/redis/status").stringValue())
                .isEqualTo("UP");

        dispatcher.send("user:metrics", envelope("metrics-1", "user:metrics", 1));
        dispatcher.awaitCaughtUp();
        HttpResponse<String> prometheus = http.send(HttpRequest.newBuilder(URI.create(base + "prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body())
                .contains("herald_dispatcher_records_total{outcome=\"applied\"}")
                .contains("herald_dispatcher_batch_size_records_count")
                .contains("herald_dispatcher_batch_apply_seconds_count")
                .contains("herald_dispatcher_apply_latency_seconds_bucket{le=\"0.001\"}")
                .contains("herald_dispatcher_apply_latency_seconds_bucket{le=\"0.01\"}")
                .contains("herald_dispatcher_apply_latency_seconds_count")
                .contains("herald_dispatcher_redis_available 1.0");
    }

    private Map<Long, ConsumerRecord<byte[], byte[]>> awaitDeadLetters(List<RecordMetadata> originals) {
        Map<Long, ConsumerRecord<byte[], byte[]>> byOriginalOffset = new HashMap<>();
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < RunningDispatcher.PARTITIONS; p++) {
                partitions.add(new TopicPartition(Topics.deadLetters(dispatcher.topic), p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> seen = new CopyOnWriteArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                seen.forEach(r -> byOriginalOffset.put(Long.parseLong(header(r, Topics.DLT_ORIGINAL_OFFSET)), r));
                return originals.stream().allMatch(m -> byOriginalOffset.containsKey(m.offset()));
            });
        }
        return byOriginalOffset;
    }

    private static void assertDeadLetter(Map<Long, ConsumerRecord<byte[], byte[]>> letters, RecordMetadata original,
            ProducerRecord<byte[], byte[]> produced, String reason, String field) {
        ConsumerRecord<byte[], byte[]> letter = letters.get(original.offset());
        assertThat(letter.key()).isEqualTo(produced.key());
        assertThat(letter.value()).isEqualTo(produced.value());
        assertThat(header(letter, Topics.DLT_REASON)).isEqualTo(reason);
        assertThat(header(letter, Topics.DLT_FIELD)).isEqualTo(field);
        assertThat(header(letter, Topics.DLT_MESSAGE)).isNotBlank();
        assertThat(header(letter, Topics.DLT_ORIGINAL_PARTITION)).isEqualTo(Integer.toString(original.partition()));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
