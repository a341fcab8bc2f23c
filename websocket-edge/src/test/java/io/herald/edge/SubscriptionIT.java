package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.Envelope;
import io.herald.core.kafka.ChannelPartitioner;
import io.herald.core.position.Position;
import io.herald.redis.RedisKeys;
import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Frames;
import io.herald.edge.support.Pipeline;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsTestClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The edge's delivery guarantee against a real redis-server and a real Kafka broker: replay then live with no
 * gap and no duplicate, live gap repair, recovery from Kafka when Redis lost the log, and an honest reset
 * when Kafka lost it too. Every assertion counts raw frames.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriptionIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** These tests are about delivery, not rights: the token allows every user channel. */
    private static final String TOKEN = new TestTokens(TestTokens.SECRET).token("subscription-tester", "user:*");

    private final String topic = "edge-sub-" + UUID.randomUUID();
    private final KafkaBroker kafka;
    private final RedisServer redis;
    private Pipeline pipeline;
    private EdgeNode edge;

    SubscriptionIT(KafkaBroker kafka, RedisServer redis) {
        this.kafka = kafka;
        this.redis = redis;
    }

    @BeforeAll
    void start() {
        kafka.createTopic(topic, 3);
        pipeline = new Pipeline(kafka.bootstrapServers(), topic, redis.url());
        edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic, "herald.edge.recovery.tail-check=500ms");
    }

    @AfterAll
    void stop() {
        edge.close();
        pipeline.close();
    }

    @Test
    void freshSubscriptionStartsAtTheChannelsEndAndReceivesLiveMessagesInOrder() {
        String channel = channel();
        pipeline.publish(channel, 0);
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.awaitFrame(f -> Frames.is(f, "welcome"), WAIT);
            client.send(subscribe(channel, null));
            JsonNode subscribed = Frames.parse(client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT));
            assertThat(subscribed.path("recovered").asBoolean()).isTrue();
            assertThat(subscribed.path("replayed").asInt()).isZero();

            IntStream.range(1, 21).forEach(n -> pipeline.publish(channel, n));

            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).size() >= 20);
            assertThat(Frames.counters(client.frames(), channel)).containsExactlyElementsOf(range(1, 21));
        }
    }

    @Test
    void subscribeWithSinceReplaysThenGoesLiveWithNoGapAndNoDuplicateWhilePublishing() {
        String channel = channel();
        List<Position> positions = new ArrayList<>();
        IntStream.range(0, 50).forEach(n -> positions.add(pipeline.publish(channel, n)));
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(
                () -> IntStream.range(50, 300).forEach(n -> pipeline.publish(channel, n)));
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(channel, positions.get(19)));
            publisher.join();
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).contains(299));

            assertThat(Frames.counters(client.frames(), channel)).containsExactlyElementsOf(range(20, 300));
            JsonNode subscribed = Frames.parse(client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT));
            assertThat(subscribed.path("recovered").asBoolean()).isTrue();
            assertThat(subscribed.path("replayed").asInt()).isGreaterThanOrEqualTo(30);
        }
    }

    @Test
    void aLiveMessageWhosePrevWasNotDeliveredMakesTheEdgeFillTheGapFromTheLog() {
        String channel = channel();
        pipeline.publish(channel, 0);
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(channel, null));
            client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
            pipeline.publish(channel, 1);
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).equals(List.of(1)));

            // notification 2 reaches the log but its pub/sub message is lost, as when the connection drops
            Envelope lost = pipeline.envelope(channel, 2);
            RecordMetadata record = pipeline.produce(lost);
            appendWithoutPublishing(ChannelName.parse(channel), record, lost);
            pipeline.publish(channel, 3);

            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).size() >= 3);
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(1, 2, 3);
        }
    }

    @Test
    void theTailCheckDeliversANewestMessageWhosePubSubCopyWasLost() {
        String channel = channel();
        pipeline.publish(channel, 0);
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(channel, null));
            client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
            pipeline.publish(channel, 1);
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).equals(List.of(1)));

            // the newest notification never reaches pub/sub and nothing follows it: no prev check can see it
            Envelope lost = pipeline.envelope(channel, 2);
            appendWithoutPublishing(ChannelName.parse(channel), pipeline.produce(lost), lost);

            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).size() >= 2);
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(1, 2);
        }
    }

    @Test
    void resumeReadsFromKafkaWhenRedisLostTheLog() {
        String channel = channel();
        List<Position> positions = new ArrayList<>();
        IntStream.range(0, 10).forEach(n -> positions.add(pipeline.publish(channel, n)));
        wipeChannel(channel); // as if redis-server restarted empty
        IntStream.range(10, 15).forEach(n -> positions.add(pipeline.publish(channel, n)));

        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(channel, positions.get(4)));
            JsonNode subscribed = Frames.parse(client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT));

            assertThat(subscribed.path("recovered").asBoolean()).isTrue();
            assertThat(subscribed.path("replayed").asInt()).isEqualTo(10);
            assertThat(Frames.counters(client.frames(), channel)).containsExactlyElementsOf(range(5, 15));
            assertThat(Frames.ids(client.frames(), channel))
                    .containsExactlyElementsOf(positions.subList(5, 15).stream().map(Position::toString).toList());
            pipeline.publish(channel, 15);
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).contains(15));
            assertThat(Frames.counters(client.frames(), channel)).containsExactlyElementsOf(range(5, 16));
        }
    }

    @Test
    void aSubscribeWithoutPositionOnAChannelRedisLostStartsAtKafkasEndNotAtItsBeginning() {
        String channel = channel();
        List<Position> old = new ArrayList<>();
        IntStream.range(0, 10).forEach(n -> old.add(pipeline.publish(channel, n)));
        wipeChannel(channel); // Redis lost the channel (or the dev mode restarted): Kafka still holds 0..9

        Position baseline;
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(channel, null));
            JsonNode subscribed = Frames.parse(client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT));
            baseline = Position.parse(subscribed.path("position").asString());
            assertThat(baseline).isNotEqualTo(Position.NONE);
            assertThat(baseline.compareTo(old.get(9))).isGreaterThanOrEqualTo(0);
            assertThat(Frames.counters(client.frames(), channel)).isEmpty();

            // the first new record is applied with prev 0-0 (no meta): it must still reach the live subscriber
            IntStream.range(10, 13).forEach(n -> pipeline.publish(channel, n));
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).size() >= 3);
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(10, 11, 12);
        }

        // protocol section 4.2: a client that lost its connection before any message resumes from `position`
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(channel, baseline));
            JsonNode subscribed = Frames.parse(client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT));
            assertThat(subscribed.path("recovered").asBoolean()).isTrue();
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(10, 11, 12);
        }
    }

    @Test
    void aNewChannelsFirstMessagesGoLiveWithoutACatchUp() {
        String channel = channel(); // never published: Redis has no meta, the baseline is its partition's end
        MeterRegistry meters = edge.bean(MeterRegistry.class);
        Counter scans = meters.counter("herald.edge.history.kafka.scans");
        Counter gaps = meters.counter("herald.edge.gaps", "detected_by", "prev_mismatch");
        String neighbour = neighbourOf(channel);
        pipeline.publish(neighbour, 0); // the partition is not empty: the baseline is no 0-0
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(channel, null));
            client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
            double scansBefore = scans.count();
            double gapsBefore = gaps.count();

            // another channel's record lies between the baseline and the first: a Kafka read would have to scan it.
            // The first is applied with prev 0-0, yet nothing of the channel can lie between the baseline and it that
            // this live subscription did not see: no gap, no Kafka read
            pipeline.publish(neighbour, 1);
            IntStream.range(0, 3).forEach(n -> pipeline.publish(channel, n));

            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).size() >= 3);
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(0, 1, 2);
            assertThat(gaps.count()).isEqualTo(gapsBefore);
            assertThat(scans.count()).isEqualTo(scansBefore);
        }
    }

    @Test
    void theChainRuleStillSeesAGapAfterABaselineThatIsNoRecordOfTheChannel() {
        String channel = channel();
        IntStream.range(0, 3).forEach(n -> pipeline.publish(channel, n));
        wipeChannel(channel);
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(channel, null));
            JsonNode subscribed = Frames.parse(client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT));
            assertThat(subscribed.path("position").asString()).isNotEqualTo("0-0");

            // 3 reaches the log but not pub/sub; 4's prev (3) lies after the baseline: a gap the edge must fill
            Envelope lost = pipeline.envelope(channel, 3);
            RecordMetadata record = pipeline.produce(lost);
            appendWithoutPublishing(ChannelName.parse(channel), record, lost);
            pipeline.publish(channel, 4);

            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).size() >= 2);
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(3, 4);
        }
    }

    @Test
    void aResumeAtOrPastThePartitionsEndIsAnsweredWithoutScanningKafka() {
        String channel = channel(); // Redis knows nothing of it: only Kafka could, and its partition ends before
        Position since = Position.ofOffset(50_000_000);
        Counter scans = edge.bean(MeterRegistry.class).counter("herald.edge.history.kafka.scans");
        double before = scans.count();
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(channel, since));
            JsonNode subscribed = Frames.parse(client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT));
            assertThat(subscribed.path("recovered").asBoolean()).isTrue();
            assertThat(subscribed.path("position").asString()).isEqualTo(since.toString());
        }
        assertThat(scans.count()).isEqualTo(before);
    }

    @Test
    void resetOnlyWhenKafkaNoLongerHoldsTheGapThenLiveGoesOn() throws Exception {
        String channel = channel();
        List<RecordMetadata> records = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            Envelope envelope = pipeline.envelope(channel, n);
            RecordMetadata record = pipeline.produce(envelope);
            pipeline.apply(envelope, record);
            records.add(record);
        }
        RecordMetadata eighth = records.get(8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.deleteRecords(Map.of(new TopicPartition(topic, eighth.partition()),
                    RecordsToDelete.beforeOffset(eighth.offset()))).all().get();
        }
        wipeChannel(channel);

        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(channel, Position.ofOffset(records.get(2).offset())));
            JsonNode subscribed = Frames.parse(client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT));

            // 3..7 are gone from Redis and Kafka: one reset, then what Kafka still holds (8, 9), then live
            assertThat(subscribed.path("recovered").asBoolean()).isFalse();
            List<String> resets = client.frames().stream().filter(f -> Frames.is(f, "reset", channel)).toList();
            assertThat(resets).hasSize(1);
            assertThat(Frames.parse(resets.get(0)).path("reason").asString()).contains("kafka no longer holds");
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(8, 9);

            pipeline.publish(channel, 10);
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).contains(10));
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(8, 9, 10);
        }
    }

    @Test
    void aResumeTokenSubscribesEachChannelFromItsPosition() {
        String first = channel();
        String second = channel();
        Position firstSince = pipeline.publish(first, 0);
        pipeline.publish(first, 1);
        Position secondSince = pipeline.publish(second, 0);
        pipeline.publish(second, 1);
        pipeline.publish(second, 2);
        String token = new io.herald.core.resume.ResumeToken(Map.of(
                ChannelName.parse(first), firstSince, ChannelName.parse(second), secondSince)).encode();
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send("{\"op\":\"resume\",\"token\":\"" + token + "\"}");
            client.awaitFrame(f -> Frames.is(f, "subscribed", first), WAIT);
            client.awaitFrame(f -> Frames.is(f, "subscribed", second), WAIT);
            assertThat(Frames.counters(client.frames(), first)).containsExactly(1);
            assertThat(Frames.counters(client.frames(), second)).containsExactly(1, 2);
        }
    }

    @Test
    void unsubscribeStopsDelivery() {
        String channel = channel();
        String marker = channel();
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(channel, null));
            client.send(subscribe(marker, null));
            client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
            client.awaitFrame(f -> Frames.is(f, "subscribed", marker), WAIT);
            pipeline.publish(channel, 0);
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).size() == 1);
            client.send("{\"op\":\"unsubscribe\",\"channel\":\"" + channel + "\"}");
            client.awaitFrame(f -> Frames.is(f, "unsubscribed", channel), WAIT);

            pipeline.publish(channel, 1);
            pipeline.publish(marker, 0);

            // Redis delivers pub/sub messages in publish order: once the marker is here, channel:1 would be too
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), marker).size() == 1);
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(0);
        }
    }

    private void appendWithoutPublishing(ChannelName channel, RecordMetadata record, Envelope envelope) {
        var redisCommands = pipeline.redis().sync();
        String last = redisCommands.hget(RedisKeys.meta(channel), RedisKeys.META_LAST);
        String prev = last == null ? Position.NONE.toString() : last; // as the apply script writes it
        String id = Position.ofOffset(record.offset()).toString();
        redisCommands.xadd(RedisKeys.log(channel), new io.lettuce.core.XAddArgs().id(id),
                Map.of(RedisKeys.FIELD_ENVELOPE, new String(new io.herald.core.envelope.EnvelopeCodec(
                        io.herald.core.envelope.EnvelopeLimits.DEFAULTS).encode(envelope), StandardCharsets.UTF_8),
                        RedisKeys.FIELD_PREV, prev));
        redisCommands.hset(RedisKeys.meta(channel), Map.of(RedisKeys.META_LAST, id,
                RedisKeys.META_PARTITION, Integer.toString(record.partition())));
    }

    private void wipeChannel(String channel) {
        ChannelName name = ChannelName.parse(channel);
        pipeline.redis().sync().del(RedisKeys.log(name), RedisKeys.meta(name));
    }

    static String subscribe(String channel, Position since) {
        return since == null
                ? "{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}"
                : "{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"since\":\"" + since + "\"}";
    }

    private static String channel() {
        return "user:" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Another new channel on the same partition of the test's 3. */
    private static String neighbourOf(String channel) {
        int partition = ChannelPartitioner.partitionOf(ChannelName.parse(channel), 3);
        while (true) {
            String other = channel();
            if (ChannelPartitioner.partitionOf(ChannelName.parse(other), 3) == partition) {
                return other;
            }
        }
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }
}
