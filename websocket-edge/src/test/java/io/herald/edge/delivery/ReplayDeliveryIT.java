package io.herald.edge.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.redis.LiveMessage;
import io.herald.redis.RedisKeys;
import io.herald.edge.history.RedisLog;
import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Frames;
import io.herald.edge.support.Pipeline;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsTestClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Replays on a real redis-server: a pub/sub payload flagged {@code "replay":true} reaches every live subscriber of
 * the channel as a {@code message} frame with {@code "replay":true}, even for IDs it already had, and leaves the
 * subscription's position alone: the next live message flows on with no catch-up, no gap, no duplicate.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayDeliveryIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TOKEN = new TestTokens(TestTokens.SECRET).token("replay-tester", "user:*");

    private final String topic = "edge-replay-" + UUID.randomUUID();
    private final KafkaBroker kafka;
    private final RedisServer redis;
    private Pipeline pipeline;
    private EdgeNode edge;

    ReplayDeliveryIT(KafkaBroker kafka, RedisServer redis) {
        this.kafka = kafka;
        this.redis = redis;
    }

    @BeforeAll
    void start() {
        kafka.createTopic(topic, 2);
        pipeline = new Pipeline(kafka.bootstrapServers(), topic, redis.url());
        edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic);
    }

    @AfterAll
    void stop() {
        edge.close();
        pipeline.close();
    }

    @Test
    void aReplayIsDeliveredFlaggedToLiveSubscribersWithoutMovingTheirPosition() {
        String channel = "user:replay-" + UUID.randomUUID().toString().substring(0, 8);
        String other = "user:other-" + UUID.randomUUID().toString().substring(0, 8);
        List<Position> positions = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            positions.add(pipeline.publish(channel, n));
        }
        MeterRegistry meters = edge.bean(MeterRegistry.class);
        double replays = meters.get(DeliveryMetrics.DELIVERIES).tag("kind", "replay").counter().count();
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN));
                WsTestClient bystander = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
            bystander.send("{\"op\":\"subscribe\",\"channel\":\"" + other + "\"}");
            bystander.awaitFrame(f -> Frames.is(f, "subscribed", other), WAIT);
            positions.add(pipeline.publish(channel, 3));
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).equals(List.of(3)));
            double catchUpsBefore = catchUps(meters);

            // what heraldctl replay publishes: the log's entries, flagged
            RedisLog log = edge.bean(RedisLog.class);
            List<LiveMessage> entries = log.after(ChannelName.parse(channel), Position.NONE, 10);
            for (LiveMessage entry : entries.subList(0, 2)) {
                pipeline.redis().sync().publish(RedisKeys.pubsub(ChannelName.parse(channel)), entry.asReplay().format());
            }
            await().atMost(WAIT).until(() -> replayFrames(client.frames(), channel).size() == 2);
            assertThat(replayFrames(client.frames(), channel)).extracting(f -> f.path("id").asString())
                    .containsExactly(positions.get(0).toString(), positions.get(1).toString());
            assertThat(replayFrames(client.frames(), channel)).extracting(f -> f.path("n").path("data").path("n").asInt())
                    .containsExactly(0, 1);

            positions.add(pipeline.publish(channel, 4));
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).contains(4));
            // the replays are messages too: 3, replay 0, replay 1, then 4 live, with nothing else
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(3, 0, 1, 4);
            assertThat(Frames.ids(client.frames(), channel).get(3)).isEqualTo(positions.get(4).toString());
            assertThat(catchUps(meters)).isEqualTo(catchUpsBefore);
            assertThat(meters.get(DeliveryMetrics.DELIVERIES).tag("kind", "replay").counter().count() - replays).isEqualTo(2);
            assertThat(Frames.ids(bystander.frames(), other)).isEmpty();
            assertThat(Frames.ids(bystander.frames(), channel)).isEmpty();
        }
    }

    private static List<JsonNode> replayFrames(List<String> frames, String channel) {
        return frames.stream().map(Frames::parse)
                .filter(f -> "message".equals(f.path("op").asString()) && channel.equals(f.path("channel").asString())
                        && f.path("replay").asBoolean(false))
                .toList();
    }

    private static double catchUps(MeterRegistry meters) {
        return meters.find("herald.edge.catchups").counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
