package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.position.Position;
import io.herald.redis.LiveMessage;
import io.herald.redis.RedisKeys;
import io.herald.core.resume.ResumeToken;
import io.herald.edge.delivery.DeliveryMetrics;
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
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * {@code expiresAt} on every path an edge delivers by: live (WebSocket and SSE), a resume served by the Redis log, a
 * resume served by Kafka, and an operator's replay. Each test puts a notification that expired an hour ago between
 * unexpired ones on the same channel: the client gets only the unexpired ones, and its position still moves past the
 * expired one, so nothing later looks like a gap (no catch-up for a {@code prev} mismatch, no reset).
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpiryIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final TestTokens TOKENS = new TestTokens(TestTokens.SECRET);
    private static final String TOKEN = TOKENS.token("expiry-tester", "user:*");

    private final String topic = "edge-expiry-" + UUID.randomUUID();
    private final KafkaBroker kafka;
    private final RedisServer redis;
    private Pipeline pipeline;
    private EdgeNode edge;

    ExpiryIT(KafkaBroker kafka, RedisServer redis) {
        this.kafka = kafka;
        this.redis = redis;
    }

    @BeforeAll
    void start() {
        kafka.createTopic(topic, 2);
        pipeline = new Pipeline(kafka.bootstrapServers(), topic, redis.url());
        edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic, "herald.edge.recovery.tail-check=500ms");
    }

    @AfterAll
    void stop() {
        edge.close();
        pipeline.close();
    }

    @Test
    void liveWebSocketSkipsTheExpiredAndAResumeFromTheClientsPositionHasNoGap() {
        String channel = channel();
        pipeline.publish(channel, 0);
        double gaps = prevMismatches();
        double expired = expiredCount();
        String lastSeen;
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(channel, null));
            client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);

            pipeline.publishExpiring(channel, 1, inAnHour());
            pipeline.publishExpiring(channel, 2, anHourAgo());
            pipeline.publish(channel, 3);

            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).contains(3));
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(1, 3);
            assertNoReset(client, channel);
            List<String> ids = Frames.ids(client.frames(), channel);
            lastSeen = ids.get(ids.size() - 1);
        }
        assertThat(expiredCount() - expired).isEqualTo(1);
        // the channel now ends with an expired notification: a resume skips it and still ends past it
        Position lastExpired = pipeline.publishExpiring(channel, 4, anHourAgo());

        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(channel, Position.parse(lastSeen)));
            JsonNode subscribed = Frames.parse(client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT));
            assertThat(subscribed.path("recovered").asBoolean()).isTrue();
            assertThat(subscribed.path("position").asString()).isEqualTo(lastExpired.toString());

            pipeline.publish(channel, 5);
            await().atMost(WAIT).until(() -> !Frames.counters(client.frames(), channel).isEmpty());
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(5);
            assertNoReset(client, channel);
        }
        assertThat(prevMismatches()).as("an expired notification is not a gap").isEqualTo(gaps);
    }

    @Test
    void aResumeFromTheRedisLogSkipsTheExpiredAndGoesLiveWithNoGap() {
        String channel = channel();
        Position since = pipeline.publish(channel, 0);
        pipeline.publish(channel, 1);
        pipeline.publishExpiring(channel, 2, anHourAgo());
        pipeline.publishExpiring(channel, 3, inAnHour());
        Position last = pipeline.publishExpiring(channel, 4, anHourAgo());
        double gaps = prevMismatches();

        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(channel, since));
            JsonNode subscribed = Frames.parse(client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT));
            assertThat(subscribed.path("recovered").asBoolean()).isTrue();
            assertThat(subscribed.path("position").asString()).isEqualTo(last.toString());
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(1, 3);

            pipeline.publish(channel, 5);
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).contains(5));
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(1, 3, 5);
            assertNoReset(client, channel);
        }
        assertThat(prevMismatches()).isEqualTo(gaps);
    }

    @Test
    void aResumeServedFromKafkaSkipsTheExpired() {
        String channel = channel();
        Position since = pipeline.publish(channel, 0);
        pipeline.publish(channel, 1);
        pipeline.publishExpiring(channel, 2, anHourAgo());
        pipeline.publish(channel, 3);
        pipeline.publishExpiring(channel, 4, anHourAgo());
        wipeChannel(channel); // as if redis-server restarted empty: only Kafka holds 1..4
        pipeline.publish(channel, 5);

        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(channel, since));
            JsonNode subscribed = Frames.parse(client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT));
            assertThat(subscribed.path("recovered").asBoolean()).isTrue();
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(1, 3, 5);

            pipeline.publish(channel, 6);
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).contains(6));
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(1, 3, 5, 6);
            assertNoReset(client, channel);
        }
    }

    @Test
    void sseSkipsTheExpiredLiveAndOnAReconnectWithLastEventId() {
        String channel = channel();
        pipeline.publish(channel, 0);
        double gaps = prevMismatches();
        String lastEventId;
        try (SseTestClient stream = SseTestClient.connect(sse(channel), Map.of())) {
            stream.awaitEvent(e -> e.name().equals("subscribed"), WAIT);
            pipeline.publish(channel, 1);
            pipeline.publishExpiring(channel, 2, anHourAgo());
            Position third = pipeline.publishExpiring(channel, 3, inAnHour());

            await().atMost(WAIT).until(() -> counters(stream).contains(3));
            assertThat(counters(stream)).containsExactly(1, 3);
            lastEventId = stream.lastEventId();
            assertThat(ResumeToken.decode(lastEventId).positions()).containsEntry(ChannelName.parse(channel), third);
        }
        pipeline.publishExpiring(channel, 4, anHourAgo());
        pipeline.publish(channel, 5);

        try (SseTestClient stream = SseTestClient.connect(sse(channel), Map.of("Last-Event-ID", lastEventId))) {
            JsonNode subscribed = Frames.parse(stream.awaitEvent(e -> e.name().equals("subscribed"), WAIT).data());
            assertThat(subscribed.path("recovered").asBoolean()).isTrue();
            assertThat(counters(stream)).containsExactly(5);
            pipeline.publishExpiring(channel, 6, anHourAgo());
            pipeline.publish(channel, 7);
            await().atMost(WAIT).until(() -> counters(stream).contains(7));
            assertThat(counters(stream)).containsExactly(5, 7);
            assertThat(stream.events("reset")).isEmpty();
        }
        assertThat(prevMismatches()).isEqualTo(gaps);
    }

    @Test
    void anExpiredReplayIsNotDelivered() {
        String channel = channel();
        ChannelName name = ChannelName.parse(channel);
        Position expired = pipeline.publishExpiring(channel, 0, anHourAgo());
        Position valid = pipeline.publish(channel, 1);
        EnvelopeCodec codec = new EnvelopeCodec(EnvelopeLimits.DEFAULTS);
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            client.send(subscribe(channel, null));
            client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);

            // what heraldctl replay would publish if it did not skip expired notifications itself
            String expiredJson = new String(codec.encode(pipeline.expiringEnvelope(channel, 0, anHourAgo())), StandardCharsets.UTF_8);
            String validJson = new String(codec.encode(pipeline.envelope(channel, 1)), StandardCharsets.UTF_8);
            pipeline.redis().sync().publish(RedisKeys.pubsub(name),
                    new LiveMessage(expired, Position.NONE, expiredJson, true).format());
            pipeline.redis().sync().publish(RedisKeys.pubsub(name),
                    new LiveMessage(valid, expired, validJson, true).format());

            await().atMost(WAIT).until(() -> !Frames.counters(client.frames(), channel).isEmpty());
            pipeline.publish(channel, 2); // Redis keeps the publish order: once 2 is here, a replay of 0 would be too
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).contains(2));
            assertThat(Frames.counters(client.frames(), channel)).containsExactly(1, 2);
        }
    }

    private double prevMismatches() {
        return edge.bean(MeterRegistry.class).get("herald.edge.gaps").tag("detected_by", "prev_mismatch").counter().count();
    }

    private double expiredCount() {
        return edge.bean(MeterRegistry.class).get(DeliveryMetrics.EXPIRED).counter().count();
    }

    private static void assertNoReset(WsTestClient client, String channel) {
        assertThat(client.frames()).noneMatch(f -> Frames.is(f, "reset", channel));
    }

    private static List<Integer> counters(SseTestClient stream) {
        return stream.events("message").stream()
                .map(e -> Frames.parse(e.data()).path("n").path("data").path("n").asInt()).toList();
    }

    private URI sse(String channel) {
        return edge.http("/sse?access_token=" + URLEncoder.encode(TOKEN, StandardCharsets.UTF_8)
                + "&channel=" + URLEncoder.encode(channel, StandardCharsets.UTF_8));
    }

    private void wipeChannel(String channel) {
        ChannelName name = ChannelName.parse(channel);
        pipeline.redis().sync().del(RedisKeys.log(name), RedisKeys.meta(name));
    }

    private static Instant anHourAgo() {
        return Instant.now().minus(Duration.ofHours(1));
    }

    private static Instant inAnHour() {
        return Instant.now().plus(Duration.ofHours(1));
    }

    private static String subscribe(String channel, Position since) {
        return since == null
                ? "{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}"
                : "{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"since\":\"" + since + "\"}";
    }

    private static String channel() {
        return "user:expiry-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
