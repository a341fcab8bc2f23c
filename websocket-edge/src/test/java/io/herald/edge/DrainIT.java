package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Frames;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A node that shuts down closes every session with 1012 (reconnect elsewhere and resume), in batches. */
@WithKafka
@WithRedis
class DrainIT {

    private static final TestTokens TOKENS = new TestTokens(TestTokens.SECRET);

    @Test
    void shutdownClosesEverySessionWith1012InBatchesOverThePeriod(KafkaBroker kafka, RedisServer redis) {
        String topic = "edge-drain-" + UUID.randomUUID();
        kafka.createTopic(topic, 1);
        EdgeNode edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic,
                "herald.edge.drain.batch-size=2", "herald.edge.drain.period=1s");
        List<WsTestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                String channel = "user:drain-" + i;
                WsTestClient client = WsTestClient.connect(edge.ws(TOKENS.token("drain-" + i)));
                client.send(SubscriptionIT.subscribe(channel, null));
                client.awaitFrame(f -> Frames.is(f, "subscribed", channel), Duration.ofSeconds(20));
                clients.add(client);
            }
            long started = System.nanoTime();
            edge.close();
            long tookMillis = (System.nanoTime() - started) / 1_000_000;

            for (WsTestClient client : clients) {
                assertThat(client.awaitClose(Duration.ofSeconds(10)).code()).isEqualTo(1012);
            }
            // 5 sessions in batches of 2 = 3 batches, the 1 s period split into 2 pauses between them
            assertThat(tookMillis).as("shutdown paced the batches over the drain period").isGreaterThanOrEqualTo(900);
        } finally {
            clients.forEach(WsTestClient::abort);
        }
    }
}
