package io.herald.edge;

import static io.herald.edge.SubscriptionIT.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.Envelope;
import io.herald.core.kafka.ChannelPartitioner;
import io.herald.core.kafka.LayoutTopic;
import io.herald.core.kafka.LayoutWatch;
import io.herald.core.kafka.TopicLayout;
import io.herald.core.position.Position;
import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Frames;
import io.herald.edge.support.Pipeline;
import io.herald.redis.ApplyResult;
import io.herald.redis.RedisKeys;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Kafka catch-ups on a topic whose partition count grew from 3 to 6 (core's {@code TopicLayout}): channels that the
 * growth moved have their first records in their old partition, below its cut, and the later ones in their new
 * partition, numbered from the growth's base. Redis lost them, so everything comes from Kafka.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopicGrowthIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TOKEN = new TestTokens(TestTokens.SECRET).token("growth-tester", "user:*");

    private final String topic = "edge-grow-" + UUID.randomUUID();
    private final KafkaBroker kafka;
    private final RedisServer redis;
    private final Map<String, List<Position>> beforeGrowth = new HashMap<>();
    private final String resumed = movingChannel();
    private final String fresh = movingChannel();
    private final String late = movingChannel();
    private Pipeline pipeline;
    private EdgeNode edge;
    private TopicLayout layout;

    TopicGrowthIT(KafkaBroker kafka, RedisServer redis) {
        this.kafka = kafka;
        this.redis = redis;
    }

    @BeforeAll
    void start() {
        kafka.createTopic(topic, 3);
        pipeline = new Pipeline(kafka.bootstrapServers(), topic, redis.url());
        edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic, "herald.edge.recovery.layout-refresh=200ms");
        for (String channel : List.of(resumed, fresh, late)) {
            beforeGrowth.put(channel, IntStream.range(0, 3).mapToObj(n -> pipeline.publish(channel, n)).toList());
        }
        kafka.createTopic(LayoutTopic.of(topic), 1);
        layout = TopicLayout.of(topic, 3).grow(6, 0).seal(kafka.growTopic(topic, 6));
        LayoutTopic.write(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), layout, WAIT);
        await().atMost(WAIT).until(() -> edge.bean(LayoutWatch.class).current().equals(layout));
    }

    @AfterAll
    void stop() {
        edge.close();
        pipeline.close();
    }

    @Test
    void aResumeFromBeforeTheGrowthReadsTheOldPartitionUpToItsCutThenTheNewOne() {
        List<Position> ids = new ArrayList<>(beforeGrowth.get(resumed));
        IntStream.range(3, 6).forEach(n -> ids.add(publishInNewPartition(resumed, n)));
        assertThat(ids.get(3).offset()).isGreaterThanOrEqualTo(TopicLayout.SPAN);
        wipeChannel(resumed);

        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(resumed, ids.get(0)));
            JsonNode subscribed = Frames.parse(client.awaitFrame(f -> Frames.is(f, "subscribed", resumed), WAIT));

            assertThat(subscribed.path("recovered").asBoolean()).isTrue();
            assertThat(Frames.counters(client.frames(), resumed)).containsExactly(1, 2, 3, 4, 5);
            assertThat(Frames.ids(client.frames(), resumed))
                    .containsExactlyElementsOf(ids.subList(1, 6).stream().map(Position::toString).toList());

            publishInNewPartition(resumed, 6);
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), resumed).contains(6));
            assertThat(Frames.counters(client.frames(), resumed)).containsExactly(1, 2, 3, 4, 5, 6);
        }
    }

    @Test
    void aSubscribeWithoutPositionStartsAtTheEndOfTheChannelsNewPartition() {
        Position last = publishInNewPartition(fresh, 3); // the newest record of its new partition
        wipeChannel(fresh);

        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(fresh, null));
            JsonNode subscribed = Frames.parse(client.awaitFrame(f -> Frames.is(f, "subscribed", fresh), WAIT));
            assertThat(subscribed.path("position").asString()).isEqualTo(last.toString());

            publishInNewPartition(fresh, 4);
            await().atMost(WAIT).until(() -> !Frames.counters(client.frames(), fresh).isEmpty());
            assertThat(Frames.counters(client.frames(), fresh)).containsExactly(4);
        }
    }

    @Test
    void aLateRecordInTheOldPartitionIsDeliveredOnlyFromWhereTheDispatcherMovedIt() {
        ChannelName channel = ChannelName.parse(late);
        int old = layout.segments(channel).get(0).partition();
        int home = layout.home(channel);
        Envelope third = pipeline.envelope(late, 3);
        // a producer that had not seen the growth yet: past the cut, the record is no longer the old partition's
        RecordMetadata stale = pipeline.produce(third, old);
        assertThat(stale.offset()).isGreaterThanOrEqualTo(layout.generations().get(1).cuts().get(old));
        // the dispatcher moves it to the channel's new partition and applies the copy there
        RecordMetadata moved = pipeline.produce(third, home);
        Position movedAt = layout.position(home, moved.offset());
        assertThat(pipeline.applyGrown(third, movedAt, home, layout.source(home)).outcome())
                .isEqualTo(ApplyResult.Outcome.APPLIED);
        Position fourth = publishInNewPartition(late, 4);
        wipeChannel(late);

        List<Position> before = beforeGrowth.get(late);
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(late, before.get(0)));
            client.awaitFrame(f -> Frames.is(f, "subscribed", late), WAIT);

            assertThat(Frames.counters(client.frames(), late)).containsExactly(1, 2, 3, 4);
            assertThat(Frames.ids(client.frames(), late)).containsExactly(before.get(1).toString(),
                    before.get(2).toString(), movedAt.toString(), fourth.toString());
        }
    }

    /** Produces notification {@code n} to the channel's partition since the growth and applies it there. */
    private Position publishInNewPartition(String channel, int n) {
        Envelope envelope = pipeline.envelope(channel, n);
        int partition = layout.home(envelope.channel());
        Position position = layout.position(partition, pipeline.produce(envelope, partition).offset());
        assertThat(pipeline.applyGrown(envelope, position, partition, layout.source(partition)).outcome())
                .isEqualTo(ApplyResult.Outcome.APPLIED);
        return position;
    }

    /** As if redis-server restarted empty: only Kafka still holds the channel. */
    private void wipeChannel(String channel) {
        ChannelName name = ChannelName.parse(channel);
        pipeline.redis().sync().del(RedisKeys.log(name), RedisKeys.meta(name));
    }

    /** A new channel the growth to 6 partitions moves: from partition h % 3 to h % 6 = h % 3 + 3. */
    private static String movingChannel() {
        while (true) {
            String channel = "user:" + UUID.randomUUID().toString().substring(0, 8);
            if (ChannelPartitioner.partitionOf(ChannelName.parse(channel), 6) >= 3) {
                return channel;
            }
        }
    }
}
