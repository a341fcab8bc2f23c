package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.core.resume.ResumeToken;
import io.herald.edge.settings.EdgeProperties;
import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Frames;
import io.herald.edge.support.Pipeline;
import io.herald.edge.support.SseTestClient;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /sse}: the same notifications as the WebSocket, as events whose ids are resume tokens, so that an
 * EventSource that reconnects with Last-Event-ID gets exactly what it missed. Every count is of raw events.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SseIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final TestTokens TOKENS = new TestTokens(TestTokens.SECRET);

    private final String topic = "edge-sse-" + UUID.randomUUID();
    private final KafkaBroker kafka;
    private final RedisServer redis;
    private Pipeline pipeline;
    private EdgeNode edge;

    SseIT(KafkaBroker kafka, RedisServer redis) {
        this.kafka = kafka;
        this.redis = redis;
    }

    @BeforeAll
    void start() {
        kafka.createTopic(topic, 3);
        pipeline = new Pipeline(kafka.bootstrapServers(), topic, redis.url());
        edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic,
                "herald.edge.sse.heartbeat=300ms", "herald.edge.auth.clock-skew=1s",
                "herald.edge.outbound.max-bytes=200000");
    }

    @AfterAll
    void stop() {
        edge.close();
        pipeline.close();
    }

    @Test
    void streamsMessagesAsEventsWhoseIdsResumeEveryChannel() {
        String user = user();
        String own = "user:" + user;
        String news = "broadcast:" + user;
        try (SseTestClient stream = SseTestClient.connect(sse(TOKENS.token(user), own, news), Map.of())) {
            JsonNode welcome = Frames.parse(stream.awaitEvent(e -> e.name().equals("welcome"), WAIT).data());
            assertThat(welcome.path("session").asString()).isNotBlank();
            stream.awaitEvent(e -> subscribed(e, own), WAIT);
            stream.awaitEvent(e -> subscribed(e, news), WAIT);

            Position ownLast = null;
            for (int n = 0; n < 3; n++) {
                ownLast = pipeline.publish(own, n);
                pipeline.publish(news, n);
            }
            await().atMost(WAIT).until(() -> stream.events("message").size() == 6);

            List<SseTestClient.Event> messages = stream.events("message");
            assertThat(counters(messages, own)).containsExactly(0, 1, 2);
            assertThat(counters(messages, news)).containsExactly(0, 1, 2);
            // the data is the WebSocket message frame
            JsonNode last = Frames.parse(messages.get(messages.size() - 1).data());
            assertThat(last.path("op").asString()).isEqualTo("message");
            assertThat(last.path("n").path("type").asString()).isEqualTo("test.n");
            // each id names every channel of the stream at the position of its last event
            SseTestClient.Event lastOwn = messages.stream().filter(e -> channel(e).equals(own)).reduce((a, b) -> b).orElseThrow();
            assertThat(ResumeToken.decode(lastOwn.id()).positions()).containsEntry(ChannelName.parse(own), ownLast)
                    .containsKey(ChannelName.parse(news));
            assertThat(ResumeToken.decode(stream.lastEventId()).positions()).hasSize(2);
        }
    }

    @Test
    void aReconnectWithLastEventIdGetsExactlyTheMissedEventsThenLive() {
        String user = user();
        String own = "user:" + user;
        String news = "broadcast:" + user;
        String token = TOKENS.token(user);
        String lastEventId;
        try (SseTestClient first = SseTestClient.connect(sse(token, own, news), Map.of())) {
            first.awaitEvent(e -> subscribed(e, own), WAIT);
            first.awaitEvent(e -> subscribed(e, news), WAIT);
            for (int n = 0; n < 5; n++) {
                pipeline.publish(own, n);
                pipeline.publish(news, n);
            }
            await().atMost(WAIT).until(() -> first.events("message").size() == 10);
            lastEventId = first.lastEventId();
        }
        // missed while away
        for (int n = 5; n < 12; n++) {
            pipeline.publish(own, n);
            pipeline.publish(news, n);
        }

        List<SseTestClient.Event> resumed;
        String afterResume;
        try (SseTestClient second = SseTestClient.connect(sse(token, own, news), Map.of("Last-Event-ID", lastEventId))) {
            JsonNode ownSubscribed = Frames.parse(second.awaitEvent(e -> subscribed(e, own), WAIT).data());
            JsonNode newsSubscribed = Frames.parse(second.awaitEvent(e -> subscribed(e, news), WAIT).data());
            assertThat(ownSubscribed.path("recovered").asBoolean()).isTrue();
            assertThat(ownSubscribed.path("replayed").asInt()).isEqualTo(7);
            assertThat(newsSubscribed.path("replayed").asInt()).isEqualTo(7);
            resumed = second.events("message");
            assertThat(resumed).hasSize(14);
            assertThat(counters(resumed, own)).containsExactlyElementsOf(range(5, 12));
            assertThat(counters(resumed, news)).containsExactlyElementsOf(range(5, 12));

            pipeline.publish(own, 12);
            await().atMost(WAIT).until(() -> counters(second.events("message"), own).contains(12));
            assertThat(second.events("message")).hasSize(15);
            afterResume = second.lastEventId();
        }

        // a client that opens a new EventSource (say, with a new token) passes the id as a query parameter
        pipeline.publish(news, 12);
        URI withQuery = URI.create(sse(TOKENS.token(user), own, news) + "&last-event-id=" + afterResume);
        try (SseTestClient third = SseTestClient.connect(withQuery, Map.of())) {
            third.awaitEvent(e -> subscribed(e, own), WAIT);
            third.awaitEvent(e -> subscribed(e, news), WAIT);
            assertThat(counters(third.events("message"), news)).containsExactly(12);
            assertThat(counters(third.events("message"), own)).isEmpty();
        }
    }

    /**
     * The bytes on the wire, exactly: each event is {@code id} (only where a channel's position moves), {@code event}
     * (the frame's op) and the frame as one {@code data} line, then a blank line; heartbeats are {@code : ping}
     * comments. Only the session id and the envelope are matched loosely.
     */
    @Test
    void theWireFormatIsIdEventAndOneDataLinePerFrame() throws Exception {
        String user = user();
        String own = "user:" + user;
        String other = "user:other-" + user;
        Position first = pipeline.publish(own, 0);
        Position missed = pipeline.publish(own, 1);
        URI uri = URI.create(sse(TOKENS.token(user), own, other) + "&last-event-id="
                + new ResumeToken(Map.of(ChannelName.parse(own), first)).encode());
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            byte[] chunk = new byte[4096];
            try (InputStream body = response.body()) {
                for (int n = body.read(chunk); n >= 0; n = body.read(chunk)) {
                    synchronized (wire) {
                        wire.write(chunk, 0, n);
                    }
                }
            } catch (IOException e) {
                // the test closed the stream
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            String ping = "(: ping\\n\\n)*";
            String expected = "event: welcome\\ndata: " + Pattern.quote("{\"op\":\"welcome\",\"node\":\""
                    + edge.bean(EdgeProperties.class).nodeId() + "\",\"session\":\"") + "[0-9a-f-]{36}\"}\\n\\n" + ping
                    + Pattern.quote("event: error\ndata: {\"op\":\"error\",\"code\":\"forbidden\",\"message\":\"this token "
                    + "does not allow " + other + "\",\"channel\":\"" + other + "\"}\n\n") + ping
                    + Pattern.quote("id: " + new ResumeToken(Map.of(ChannelName.parse(own), missed)).encode()
                    + "\nevent: message\ndata: {\"op\":\"message\",\"channel\":\"" + own + "\",\"id\":\"" + missed
                    + "\",\"n\":{") + "[^\\n]*\"n\":1[^\\n]*}}\\n\\n" + ping
                    + Pattern.quote("event: subscribed\ndata: {\"op\":\"subscribed\",\"channel\":\"" + own
                    + "\",\"recovered\":true,\"replayed\":1,\"position\":\"" + missed + "\"}\n\n") + ping;
            await().atMost(WAIT).until(() -> wireText(wire).contains("event: subscribed"));
            Position live = pipeline.publish(own, 2);
            String withLive = expected + Pattern.quote("id: " + new ResumeToken(Map.of(ChannelName.parse(own), live)).encode()
                    + "\nevent: message\ndata: {\"op\":\"message\",\"channel\":\"" + own + "\",\"id\":\"" + live
                    + "\",\"n\":{") + "[^\\n]*\"n\":2[^\\n]*}}\\n\\n" + ping;
            await().atMost(WAIT).until(() -> wireText(wire).contains("\"n\":2"));
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(wireText(wire)).matches(withLive));
        } finally {
            response.body().close();
        }
    }

    private static String wireText(ByteArrayOutputStream wire) {
        synchronized (wire) {
            return wire.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void refusalsComeBeforeTheStreamAsProblemDocuments() {
        String user = user();
        HttpResponse<String> noToken = SseTestClient.get(edge.http("/sse?channel=user:" + user), Map.of());
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("WWW-Authenticate").orElse("")).contains("missing-token");
        assertThat(Frames.parse(noToken.body()).path("code").asString()).isEqualTo("missing-token");

        HttpResponse<String> expired = SseTestClient.get(sse(TOKENS.token(user, Instant.now().minusSeconds(60)), "user:" + user), Map.of());
        assertThat(expired.statusCode()).isEqualTo(401);

        HttpResponse<String> forbidden = SseTestClient.get(sse(TOKENS.token(user), "user:someone-else"), Map.of());
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(Frames.parse(forbidden.body()).path("channels").get(0).asString()).isEqualTo("user:someone-else");

        assertThat(SseTestClient.get(edge.http("/sse?access_token=" + TOKENS.token(user)), Map.of()).statusCode()).isEqualTo(400);
        assertThat(SseTestClient.get(sse(TOKENS.token(user), "nocolon"), Map.of()).statusCode()).isEqualTo(400);
        // a page of another origin may not read the stream (no herald.edge.allowed-origins on this node)
        HttpResponse<String> otherOrigin = SseTestClient.get(sse(TOKENS.token(user), "user:" + user),
                Map.of("Origin", "https://evil.example"));
        assertThat(otherOrigin.statusCode()).isEqualTo(403);
        assertThat(otherOrigin.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(Frames.parse(otherOrigin.body()).path("code").asString()).isEqualTo("origin-not-allowed");

        HttpResponse<String> badResume = SseTestClient.get(sse(TOKENS.token(user), "user:" + user), Map.of("Last-Event-ID", "%%%"));
        assertThat(badResume.statusCode()).isEqualTo(400);
        assertThat(Frames.parse(badResume.body()).path("code").asString()).isEqualTo("invalid-token");
    }

    @Test
    void aForbiddenChannelIsAnErrorEventAndNothingOfItIsEverStreamed() {
        String user = user();
        String own = "user:" + user;
        String other = "user:other-" + user;
        Position otherStart = pipeline.publish(other, 0);
        pipeline.publish(other, 1);
        // a Last-Event-ID naming the forbidden channel does not open it either
        String lastEventId = new ResumeToken(Map.of(ChannelName.parse(other), otherStart)).encode();
        try (SseTestClient stream = SseTestClient.connect(sse(TOKENS.token(user), own, other), Map.of("Last-Event-ID", lastEventId))) {
            JsonNode error = Frames.parse(stream.awaitEvent(e -> e.name().equals("error"), WAIT).data());
            assertThat(error.path("code").asString()).isEqualTo("forbidden");
            assertThat(error.path("channel").asString()).isEqualTo(other);
            stream.awaitEvent(e -> subscribed(e, own), WAIT);

            pipeline.publish(other, 2);
            pipeline.publish(own, 0);
            await().atMost(WAIT).until(() -> counters(stream.events("message"), own).size() == 1);
            assertThat(stream.events().stream().filter(e -> channel(e).equals(other)).map(SseTestClient.Event::name))
                    .containsExactly("error");
        }
    }

    @Test
    void aStreamThatDoesNotKeepUpIsEndedAndItsReconnectLosesNothing() {
        String user = user();
        String channel = "user:" + user;
        String token = TOKENS.token(user);
        String padding = "p".repeat(16_000);
        double before = sseClosed("slow_consumer");
        int published = 0;
        List<SseTestClient.Event> received;
        String lastEventId;
        try (SseTestClient slow = SseTestClient.connect(sse(token, channel), Map.of())) {
            slow.awaitEvent(e -> subscribed(e, channel), WAIT);
            slow.pauseReading();
            // until the socket buffers and the 200 kB outbound limit are full
            while (sseClosed("slow_consumer") == before && published < 3000) {
                pipeline.publishPadded(channel, published++, padding);
            }
            await().atMost(WAIT).until(() -> sseClosed("slow_consumer") > before);
            slow.resumeReading();
            await().atMost(WAIT).until(slow::ended);
            received = slow.events("message");
            lastEventId = slow.lastEventId();
        }
        assertThat(received.size()).isLessThan(published);
        int total = published;
        try (SseTestClient resumed = SseTestClient.connect(sse(token, channel), Map.of("Last-Event-ID", lastEventId))) {
            resumed.awaitEvent(e -> subscribed(e, channel), WAIT);
            List<Integer> all = new ArrayList<>(counters(received, channel));
            all.addAll(counters(resumed.events("message"), channel));
            assertThat(all).containsExactlyElementsOf(range(0, total));
        }
    }

    @Test
    void anIdleStreamGetsHeartbeatComments() {
        String user = user();
        try (SseTestClient stream = SseTestClient.connect(sse(TOKENS.token(user), "user:" + user), Map.of())) {
            stream.awaitEvent(e -> subscribed(e, "user:" + user), WAIT);
            int before = stream.comments();
            await().atMost(WAIT).until(() -> stream.comments() >= before + 2);
        }
    }

    @Test
    void aStreamEndsWithAnUnauthorizedErrorWhenItsTokenExpires() {
        String user = user();
        String token = TOKENS.token(user, Instant.now().plusSeconds(1));
        try (SseTestClient stream = SseTestClient.connect(sse(token, "user:" + user), Map.of())) {
            JsonNode error = Frames.parse(stream.awaitEvent(e -> e.name().equals("error"), WAIT).data());
            assertThat(error.path("code").asString()).isEqualTo("unauthorized");
            await().atMost(WAIT).until(stream::ended);
        }
    }

    private double sseClosed(String reason) {
        return edge.bean(MeterRegistry.class).counter("herald.edge.sse.closed", "reason", reason).count();
    }

    private URI sse(String token, String... channels) {
        StringBuilder query = new StringBuilder("/sse?access_token=").append(URLEncoder.encode(token, StandardCharsets.UTF_8));
        for (String channel : channels) {
            query.append("&channel=").append(URLEncoder.encode(channel, StandardCharsets.UTF_8));
        }
        return edge.http(query.toString());
    }

    private static boolean subscribed(SseTestClient.Event event, String channel) {
        return event.name().equals("subscribed") && channel(event).equals(channel);
    }

    private static String channel(SseTestClient.Event event) {
        return Frames.parse(event.data()).path("channel").asString();
    }

    private static List<Integer> counters(List<SseTestClient.Event> events, String channel) {
        List<String> frames = new ArrayList<>();
        events.forEach(e -> frames.add(e.data()));
        return Frames.counters(frames, channel);
    }

    private static String user() {
        return "sse-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }
}
