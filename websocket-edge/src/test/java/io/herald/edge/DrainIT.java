package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Frames;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.http.RawHttp;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

    /**
     * While it drains, a node takes no new connection: a balancer that still sends clients there (its health check
     * has not seen the drain yet) gets 503 with Retry-After, and the client tries again, elsewhere, instead of being
     * admitted and then cut off without a 1012 when the server stops.
     */
    @Test
    void aDrainingNodeRefusesNewConnectionsWith503(KafkaBroker kafka, RedisServer redis) throws Exception {
        String topic = "edge-drain-refuse-" + UUID.randomUUID();
        kafka.createTopic(topic, 1);
        EdgeNode edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic,
                "herald.edge.drain.batch-size=1", "herald.edge.drain.period=10s");
        List<WsTestClient> clients = new ArrayList<>();
        CompletableFuture<Void> closing = null;
        try {
            // two sessions in batches of one: a single pause, the whole period, between the first 1012 and the second
            for (int i = 0; i < 2; i++) {
                clients.add(WsTestClient.connect(edge.ws(TOKENS.token("drain-refuse-" + i))));
            }
            int port = edge.port();
            String token = TOKENS.token("late");
            closing = CompletableFuture.runAsync(edge::close);
            // the drain has begun once its first batch (of one) got 1012; the other waits 10 s
            await().atMost(Duration.ofSeconds(10)).until(() -> clients.stream().anyMatch(c -> c.closeStatus().isPresent()));

            RawHttp.Response ws = RawHttp.exchange(port, "GET /ws?access_token=" + token + " HTTP/1.1\r\nHost: x\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", Duration.ofSeconds(10));
            assertThat(ws.status()).as(ws.toString()).isEqualTo(503);
            assertThat(ws.contentType()).startsWith("application/problem+json");
            assertThat(Frames.parse(ws.body()).path("code").asString()).isEqualTo("draining");
            assertThat(ws.headers()).containsKey("retry-after");

            RawHttp.Response sse = RawHttp.exchange(port, "GET /sse?channel=user:late HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer " + token + "\r\nConnection: close\r\n\r\n", Duration.ofSeconds(10));
            assertThat(sse.status()).as(sse.toString()).isEqualTo(503);
        } finally {
            clients.forEach(WsTestClient::abort);
            if (closing != null) {
                closing.get(60, TimeUnit.SECONDS);
            }
        }
    }
}
