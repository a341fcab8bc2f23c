package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.position.Position;
import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Frames;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.support.FreePort;
import io.herald.testkit.ws.WsTestClient;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * A catch-up that keeps failing (here: Kafka unreachable, and Redis cannot vouch for the channel) is retried a
 * bounded number of times, then the client gets {@code error unavailable} for the channel and the subscription is
 * gone, so the client may subscribe again. It used to be retried every 500 ms for as long as the session lived,
 * leaving the subscribe unanswered.
 */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatchUpFailureIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = new TestTokens(TestTokens.SECRET).token("failure-tester", "user:*");

    private final RedisServer redis;
    private EdgeNode edge;

    CatchUpFailureIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeAll
    void start() {
        // nothing listens there: every Kafka request of the node fails after kafka-timeout
        edge = EdgeNode.start(redis.url(), "127.0.0.1:" + FreePort.pick(), "edge-failure-" + UUID.randomUUID(),
                "herald.edge.recovery.kafka-timeout=300ms", "herald.edge.recovery.retry-backoff=50ms",
                "herald.edge.recovery.max-retries=2");
    }

    @AfterAll
    void stop() {
        edge.close();
    }

    @Test
    void aCatchUpThatKeepsFailingEndsWithUnavailableAndTheSubscriptionIsGone() {
        String channel = "user:" + UUID.randomUUID().toString().substring(0, 8);
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(SubscriptionIT.subscribe(channel, Position.ofOffset(5)));
            JsonNode error = Frames.parse(client.awaitFrame(f -> Frames.is(f, "error"), WAIT));
            assertThat(error.path("code").asString()).isEqualTo("unavailable");
            assertThat(error.path("channel").asString()).isEqualTo(channel);
            assertThat(client.frames()).noneMatch(f -> Frames.is(f, "subscribed", channel));

            // the subscription is gone: nothing to unsubscribe, and the client may subscribe again
            client.send("{\"op\":\"unsubscribe\",\"channel\":\"" + channel + "\"}");
            JsonNode notSubscribed = Frames.parse(client.awaitFrame(
                    f -> Frames.is(f, "error") && f.contains("not-subscribed"), WAIT));
            assertThat(notSubscribed.path("channel").asString()).isEqualTo(channel);
            client.send(SubscriptionIT.subscribe(channel, null));
            await().atMost(WAIT).until(() -> client.frames().stream()
                    .filter(f -> Frames.is(f, "error") && f.contains("\"unavailable\"")).count() == 2);
            assertThat(client.frames()).noneMatch(f -> f.contains("already-subscribed"));
            assertThat(client.closeStatus()).isEmpty();
        }
    }
}
