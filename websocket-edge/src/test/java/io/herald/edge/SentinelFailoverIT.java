package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.position.Position;
import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Frames;
import io.herald.edge.support.Pipeline;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisSentinelGroup;
import io.herald.testkit.ws.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge behind Sentinel: when the primary is killed and a replica promoted, the node's pub/sub connection and its
 * log reads follow the new primary through {@code spring.data.redis.sentinel.*}; a live client receives what is
 * published after the failover, and a resume served by the new primary has no gap and no duplicate.
 */
@WithKafka
class SentinelFailoverIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = new TestTokens(TestTokens.SECRET).token("sentinel-tester", "user:*");

    private final String topic = "edge-sentinel-" + UUID.randomUUID();
    private final String channel = "user:sentinel-" + UUID.randomUUID().toString().substring(0, 8);
    private RedisSentinelGroup redis;
    private KafkaBroker kafka;
    private EdgeNode edge;

    @BeforeEach
    void start(KafkaBroker kafka) {
        this.kafka = kafka;
        kafka.createTopic(topic, 3);
        redis = RedisSentinelGroup.start();
        List<String> settings = new ArrayList<>(List.of("spring.data.redis.sentinel.master=" + RedisSentinelGroup.MASTER_NAME,
                "spring.data.redis.sentinel.nodes=" + String.join(",", redis.sentinelNodes())));
        edge = EdgeNode.start(redis.primary().url(), kafka.bootstrapServers(), topic, settings.toArray(String[]::new));
    }

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void liveDeliveryAndResumesFollowThePromotedReplica() {
        List<Position> positions = new ArrayList<>();
        try (WsTestClient live = WsTestClient.connect(edge.ws(TOKEN))) {
            live.send(SubscriptionIT.subscribe(channel, null));
            live.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
            try (Pipeline before = pipeline()) {
                IntStream.range(0, 5).forEach(n -> positions.add(before.publish(channel, n)));
            }
            await().atMost(WAIT).until(() -> Frames.counters(live.frames(), channel).size() == 5);

            redis.failover();

            try (Pipeline after = pipeline()) {
                IntStream.range(5, 10).forEach(n -> positions.add(after.publish(channel, n)));
            }
            await().atMost(WAIT).until(() -> Frames.counters(live.frames(), channel).size() >= 10);
            assertThat(Frames.counters(live.frames(), channel)).containsExactlyElementsOf(IntStream.range(0, 10).boxed().toList());
        }
        try (WsTestClient resumed = WsTestClient.connect(edge.ws(TOKEN))) {
            resumed.send(SubscriptionIT.subscribe(channel, positions.get(2)));
            resumed.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
            assertThat(Frames.counters(resumed.frames(), channel)).containsExactlyElementsOf(IntStream.range(3, 10).boxed().toList());
        }
    }

    /** A producer through the Sentinels, as the dispatcher writes: a new one per primary (scripts are loaded per server). */
    private Pipeline pipeline() {
        StringBuilder url = new StringBuilder("redis-sentinel://");
        url.append(String.join(",", redis.sentinelNodes())).append("#").append(RedisSentinelGroup.MASTER_NAME);
        return new Pipeline(kafka.bootstrapServers(), topic, url.toString());
    }
}
