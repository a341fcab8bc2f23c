package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.core.resume.ResumeToken;
import io.herald.edge.delivery.PubSubHub;
import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Frames;
import io.herald.edge.support.Pipeline;
import io.herald.edge.support.SseTestClient;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsTestClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Adversarial (issue 16 item 1): one user floods the node with subscribes that each need a Kafka scan (a random
 * {@code broadcast:} channel, public to every user, from {@code 0-0}), over WebSocket and over SSE. Another user's
 * plain subscribes must still be answered within {@link #PLAIN_BOUND} (p99) and its resumes within
 * {@link #RESUME_BOUND}: the bounds are the isolation guarantee, generous on purpose, not a benchmark. Before the
 * catch-up queue was fair, the flood's thousands of scans (each with a new Kafka consumer) stood in front of the
 * other user's subscribe for minutes.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatchUpFloodIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration PLAIN_BOUND = Duration.ofMillis(200);
    private static final Duration RESUME_BOUND = Duration.ofSeconds(1);
    private static final TestTokens TOKENS = new TestTokens(TestTokens.SECRET);
    private static final String ATTACKER = TOKENS.token("mallory");
    private static final String VICTIM = TOKENS.token("alice", "team:*");

    private final String topic = "edge-flood-" + UUID.randomUUID();
    private final KafkaBroker kafka;
    private final RedisServer redis;
    private Pipeline pipeline;
    private EdgeNode edge;
    private String hotChannel;
    private Position hotSince;

    CatchUpFloodIT(KafkaBroker kafka, RedisServer redis) {
        this.kafka = kafka;
        this.redis = redis;
    }

    @BeforeAll
    void start() {
        kafka.createTopic(topic, 3);
        pipeline = new Pipeline(kafka.bootstrapServers(), topic, redis.url());
        // records of other channels: every scan of the flood has real work to do
        for (int n = 0; n < 600; n++) {
            pipeline.produce(pipeline.envelope("team:filler-" + (n % 50), n));
        }
        hotChannel = "team:hot-" + UUID.randomUUID().toString().substring(0, 8);
        for (int n = 0; n < 5; n++) {
            Position position = pipeline.publish(hotChannel, n);
            if (n == 2) {
                hotSince = position;
            }
        }
        // 20 WebSocket sessions and then 20 event streams of one user
        edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic,
                "herald.edge.limits.max-connections-per-user=45");
    }

    @AfterAll
    void stop() {
        edge.close();
        pipeline.close();
    }

    @Test
    void aWebSocketFloodOfKafkaScansDelaysNoOtherUser() {
        List<WsTestClient> flood = new ArrayList<>();
        try {
            for (int c = 0; c < 20; c++) {
                WsTestClient client = WsTestClient.connect(edge.ws(ATTACKER));
                flood.add(client);
                client.awaitFrame(f -> Frames.is(f, "welcome"), WAIT);
                for (int s = 0; s < 250; s++) {
                    client.send("{\"op\":\"subscribe\",\"channel\":\"broadcast:" + UUID.randomUUID()
                            + "\",\"since\":\"0-0\"}");
                }
            }
            // every subscribe of the flood reached the node: their catch-ups are all due
            await().atMost(WAIT).until(() -> floodChannels() == 5000);

            assertAnotherUserIsServed();
        } finally {
            flood.forEach(WsTestClient::close);
            await().atMost(WAIT).until(() -> floodChannels() == 0);
        }
    }

    @Test
    void anSseFloodOfKafkaScansDelaysNoOtherUser() {
        List<SseTestClient> flood = new ArrayList<>();
        try {
            for (int c = 0; c < 20; c++) {
                Map<ChannelName, Position> positions = new LinkedHashMap<>();
                StringBuilder query = new StringBuilder("/sse?access_token=")
                        .append(URLEncoder.encode(ATTACKER, StandardCharsets.UTF_8));
                for (int s = 0; s < 64; s++) {
                    // short names: 64 of them in the URL and again in Last-Event-ID fit Jetty's 8 KiB of headers
                    String channel = "broadcast:" + UUID.randomUUID().toString().substring(0, 8);
                    positions.put(ChannelName.parse(channel), Position.NONE);
                    query.append("&channel=").append(URLEncoder.encode(channel, StandardCharsets.UTF_8));
                }
                flood.add(SseTestClient.connect(edge.http(query.toString()),
                        Map.of("Last-Event-ID", new ResumeToken(positions).encode())));
            }
            await().atMost(WAIT).until(() -> floodChannels() == 20 * 64);

            assertAnotherUserIsServed();
        } finally {
            flood.forEach(SseTestClient::close);
            await().atMost(WAIT).until(() -> floodChannels() == 0);
        }
    }

    /** 100 plain subscribes (p99 within 200 ms) and 10 resumes (each within 1 s) of another user, during the flood. */
    private void assertAnotherUserIsServed() {
        List<Long> plain = new ArrayList<>();
        try (WsTestClient victim = WsTestClient.connect(edge.ws(VICTIM))) {
            victim.awaitFrame(f -> Frames.is(f, "welcome"), WAIT);
            for (int i = 0; i < 100; i++) {
                String channel = "team:" + UUID.randomUUID().toString().substring(0, 12);
                long start = System.nanoTime();
                victim.send(SubscriptionIT.subscribe(channel, null));
                victim.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
                plain.add(System.nanoTime() - start);
            }
        }
        List<Long> resumes = new ArrayList<>();
        String token = new ResumeToken(Map.of(ChannelName.parse(hotChannel), hotSince)).encode();
        for (int i = 0; i < 10; i++) {
            try (WsTestClient victim = WsTestClient.connect(edge.ws(VICTIM))) {
                victim.awaitFrame(f -> Frames.is(f, "welcome"), WAIT);
                long start = System.nanoTime();
                victim.send("{\"op\":\"resume\",\"token\":\"" + token + "\"}");
                victim.awaitFrame(f -> Frames.is(f, "subscribed", hotChannel), WAIT);
                resumes.add(System.nanoTime() - start);
                assertThat(Frames.counters(victim.frames(), hotChannel)).containsExactly(3, 4);
            }
        }
        List<Long> sorted = plain.stream().sorted().toList();
        long p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
        // for the record (the test's output file): how far inside the bounds this run was
        System.out.printf("another user during the flood: plain subscribes p99=%d ms max=%d ms; resumes max=%d ms%n",
                p99 / 1_000_000, sorted.get(sorted.size() - 1) / 1_000_000, resumes.stream().max(Long::compare)
                        .orElseThrow() / 1_000_000);
        assertThat(Duration.ofNanos(p99)).as("p99 of another user's plain subscribes during the flood, all: %s",
                millis(sorted)).isLessThanOrEqualTo(PLAIN_BOUND);
        assertThat(resumes).as("another user's resumes during the flood: %s", millis(resumes))
                .allSatisfy(nanos -> assertThat(Duration.ofNanos(nanos)).isLessThanOrEqualTo(RESUME_BOUND));
        // thousands of scans, read by the same few long-lived consumers (one per catch-up thread, 4 by default)
        assertThat(edge.bean(MeterRegistry.class).counter("herald.edge.history.kafka.scans").count())
                .isGreaterThan(0);
        assertThat(edge.bean(MeterRegistry.class).counter("herald.edge.history.kafka.readers.created").count())
                .isLessThanOrEqualTo(4);
    }

    /** Channels of the flood the node is subscribed to (the other user's are {@code team:}). */
    private long floodChannels() {
        return edge.bean(PubSubHub.class).channels().stream().filter(c -> c.namespace().equals("broadcast")).count();
    }

    private static List<Long> millis(List<Long> nanos) {
        return nanos.stream().map(n -> n / 1_000_000).toList();
    }
}
