package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Frames;
import io.herald.edge.support.Pipeline;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsTestClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * What a WebSocket session sees while the node's Redis is down (docs/protocol.md §10.4): the session stays open and
 * answers, a subscribe fails with {@code unavailable}, live messages stop, and once Redis is back (restarted empty)
 * the session gets what was published meanwhile (read from Kafka) and then live messages again, without having
 * reconnected. This test owns its Redis, which it kills.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisOutageIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TestTokens TOKENS = new TestTokens(TestTokens.SECRET);

    private final KafkaBroker kafka;
    private final String topic = "edge-redis-outage-" + UUID.randomUUID();
    private RedisServer redis;
    private EdgeNode edge;

    RedisOutageIT(KafkaBroker kafka) {
        this.kafka = kafka;
    }

    @BeforeAll
    void start() {
        kafka.createTopic(topic, 1);
        redis = RedisServer.start();
        edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic, "herald.edge.limits.subscribe-timeout=1s");
    }

    @AfterAll
    void stop() {
        edge.close();
        redis.close();
    }

    @Test
    void aSessionOutlivesARedisOutageAndGetsWhatWasPublishedMeanwhileOnceRedisIsBack() {
        String channel = "user:outage";
        try (Pipeline pipeline = new Pipeline(kafka.bootstrapServers(), topic, redis.url());
                WsTestClient client = WsTestClient.connect(edge.ws(TOKENS.token("outage")))) {
            client.send(SubscriptionIT.subscribe(channel, null));
            client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
            pipeline.publish(channel, 1);
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).equals(List.of(1)));

            redis.kill();
            // published while Redis is down: it reaches Kafka, not Redis, so no live message can carry it
            pipeline.produce(pipeline.envelope(channel, 2));

            client.send("{\"op\":\"ping\"}");
            client.awaitFrame(f -> Frames.is(f, "pong"), WAIT);
            client.send(SubscriptionIT.subscribe("broadcast:outage", null));
            JsonNode refused = Frames.parse(client.awaitFrame(f -> Frames.is(f, "error", "broadcast:outage"), WAIT));
            assertThat(refused.path("code").asString()).isEqualTo("unavailable");
            assertThat(client.closeStatus()).as("the session stays open while Redis is down").isEmpty();
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(1);

            redis.restart(); // empty, as after a crash without persistence
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).equals(List.of(1, 2)));
            try (Pipeline after = new Pipeline(kafka.bootstrapServers(), topic, redis.url())) {
                after.publish(channel, 3);
                await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).equals(List.of(1, 2, 3)));
            }
            assertThat(client.closeStatus()).isEmpty();
            assertThat(client.frames()).noneMatch(f -> Frames.is(f, "reset"));
        }
    }
}
