package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.position.Position;
import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Frames;
import io.herald.edge.support.Pipeline;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.herald.testkit.ws.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/** Bad frames get error frames with stable codes; the session keeps working; limits close with their codes. */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocolIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** These tests are about delivery, not rights: the token allows every user channel. */
    private static final String TOKEN = new TestTokens(TestTokens.SECRET).token("protocol-tester", "user:*");

    private final String topic = "edge-protocol-" + UUID.randomUUID();
    private final KafkaBroker kafka;
    private final RedisServer redis;
    private Pipeline pipeline;
    private EdgeNode edge;

    ProtocolIT(KafkaBroker kafka, RedisServer redis) {
        this.kafka = kafka;
        this.redis = redis;
    }

    @BeforeAll
    void start() {
        kafka.createTopic(topic, 1);
        pipeline = new Pipeline(kafka.bootstrapServers(), topic, redis.url());
        edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic,
                "herald.edge.node-id=edge-test", "herald.edge.limits.max-subscriptions=3",
                "herald.edge.outbound.max-bytes=4000000", "herald.edge.outbound.max-delay=40s");
    }

    @AfterAll
    void stop() {
        edge.close();
        pipeline.close();
    }

    @Test
    void welcomesWithTheNodeAndASessionId() {
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            JsonNode welcome = Frames.parse(client.awaitFrame(f -> Frames.is(f, "welcome"), WAIT));
            assertThat(welcome.path("node").asString()).isEqualTo("edge-test");
            assertThat(welcome.path("session").asString()).isNotBlank();
            client.send("{\"op\":\"ping\"}");
            client.awaitFrame(f -> Frames.is(f, "pong"), WAIT);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json                                         | bad-frame",
        "[1,2]                                            | bad-frame",
        "{}                                               | unknown-op",
        "{\"op\":\"dance\"}                               | unknown-op",
        "{\"op\":7}                                       | unknown-op",
        "{\"op\":\"subscribe\"}                           | bad-frame",
        "{\"op\":\"subscribe\",\"channel\":\"nocolon\"}   | invalid-channel",
        "{\"op\":\"subscribe\",\"channel\":\"user:1\",\"since\":\"12\"} | invalid-position",
        "{\"op\":\"subscribe\",\"channel\":\"user:1\",\"since\":12}     | bad-frame",
        "{\"op\":\"subscribe\",\"channel\":\"user:1\",\"since\":\"9223372036854775807-1\"} | invalid-position",
        "{\"op\":\"resume\",\"token\":\"%%%\"}            | invalid-token",
        "{\"op\":\"unsubscribe\",\"channel\":\"user:1\"}  | not-subscribed"})
    void answersABadFrameWithAnErrorFrameAndKeepsTheSession(String frame, String code) {
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(frame);
            JsonNode error = Frames.parse(client.awaitFrame(f -> Frames.is(f, "error"), WAIT));
            assertThat(error.path("code").asString()).isEqualTo(code);
            assertThat(error.path("message").asString()).isNotBlank();
            client.send("{\"op\":\"ping\"}");
            client.awaitFrame(f -> Frames.is(f, "pong"), WAIT);
            assertThat(client.closeStatus()).isEmpty();
        }
    }

    @Test
    void subscribingTwiceToOneChannelIsRefused() {
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(SubscriptionIT.subscribe("user:twice", null));
            client.awaitFrame(f -> Frames.is(f, "subscribed", "user:twice"), WAIT);
            client.send(SubscriptionIT.subscribe("user:twice", null));
            JsonNode error = Frames.parse(client.awaitFrame(f -> Frames.is(f, "error"), WAIT));
            assertThat(error.path("code").asString()).isEqualTo("already-subscribed");
            assertThat(error.path("channel").asString()).isEqualTo("user:twice");
        }
    }

    @Test
    void aSessionOverItsSubscriptionLimitIsClosedWith4009() {
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            for (int i = 0; i < 4; i++) {
                client.send(SubscriptionIT.subscribe("user:limit" + i, null));
            }
            assertThat(client.awaitClose(WAIT).code()).isEqualTo(4009);
        }
    }

    @Test
    void aFrameOverTheSizeLimitClosesWith1009() {
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send("{\"op\":\"ping\",\"pad\":\"" + "x".repeat(20_000) + "\"}");
            assertThat(client.awaitClose(WAIT).code()).isEqualTo(1009);
        }
    }

    @Test
    void aClientThatStopsReadingIsClosedAndResumesWithNothingLost() {
        String channel = "user:slow-" + UUID.randomUUID().toString().substring(0, 6);
        String padding = "p".repeat(16_000);
        List<String> received;
        try (WsTestClient slow = WsTestClient.connect(edge.ws(TOKEN)); WsTestClient steady = WsTestClient.connect(edge.ws(TOKEN))) {
            slow.send(SubscriptionIT.subscribe(channel, null));
            steady.send(SubscriptionIT.subscribe(channel, null));
            slow.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
            steady.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
            slow.pauseReading();
            // 24 MB: far more than the socket buffers (~10 MB) plus the 4 MB outbound limit can hold; the limit leaves
            // the steady client room to fall behind a little on a loaded machine
            IntStream.range(0, 1500).forEach(n -> pipeline.publishPadded(channel, n, padding));

            await().atMost(WAIT).until(() -> slowConsumerCloses() == 1);
            // reading again lets the half-written frame finish, so the close frame with its code gets through
            slow.resumeReading();
            assertThat(slow.awaitClose(Duration.ofSeconds(60)).code()).isEqualTo(4008);
            received = slow.frames();
            await().atMost(WAIT).until(() -> Frames.counters(steady.frames(), channel).size() == 1500);
            assertThat(Frames.counters(steady.frames(), channel)).containsExactlyElementsOf(range(0, 1500));
        }
        List<Integer> before = Frames.counters(received, channel);
        assertThat(before).hasSizeLessThan(1500);
        assertThat(before).containsExactlyElementsOf(range(0, before.size()));
        List<String> ids = Frames.ids(received, channel);
        Position last = ids.isEmpty() ? Position.NONE : Position.parse(ids.get(ids.size() - 1));

        try (WsTestClient resumed = WsTestClient.connect(edge.ws(TOKEN))) {
            resumed.send(SubscriptionIT.subscribe(channel, last));
            resumed.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
            List<Integer> all = new ArrayList<>(before);
            all.addAll(Frames.counters(resumed.frames(), channel));
            assertThat(all).containsExactlyElementsOf(range(0, 1500));
        }
    }

    private double slowConsumerCloses() {
        return edge.bean(MeterRegistry.class).counter("herald.edge.sessions.closed", "reason", "slow_consumer").count();
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }
}
