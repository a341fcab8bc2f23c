package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.Envelope;
import io.herald.core.position.Position;
import io.herald.core.resume.ResumeToken;
import io.herald.edge.connection.SessionRegistry;
import io.herald.edge.delivery.PubSubHub;
import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Frames;
import io.herald.edge.support.Pipeline;
import io.herald.edge.support.RawWebSocket;
import io.herald.edge.support.SteadyClient;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsHandshakeException;
import io.herald.testkit.ws.WsTestClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The edge facing hostile and broken clients, against a running node with real Redis and Kafka, counting raw
 * frames: each attack gets its documented refusal, nothing of a forbidden channel is ever delivered, and all
 * the while a well-behaved client on the same node receives every one of its notifications, each within
 * {@link #LATENCY} (checked after every test).
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdversarialIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration LATENCY = Duration.ofSeconds(2);
    private static final TestTokens TOKENS = new TestTokens(TestTokens.SECRET);
    private static final int MAX_CONNECTIONS_PER_USER = 5;
    private static final String ALLOWED_ORIGIN = "https://app.example.com";

    private final String topic = "edge-adversarial-" + UUID.randomUUID();
    private final KafkaBroker kafka;
    private final RedisServer redis;
    private Pipeline pipeline;
    private EdgeNode edge;
    private SteadyClient steady;

    AdversarialIT(KafkaBroker kafka, RedisServer redis) {
        this.kafka = kafka;
        this.redis = redis;
    }

    @BeforeAll
    void start() {
        kafka.createTopic(topic, 3);
        pipeline = new Pipeline(kafka.bootstrapServers(), topic, redis.url());
        edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic,
                // above the subscribe burst (300), so that a burst of distinct channels meets the rate limit
                "herald.edge.limits.max-subscriptions=2000",
                "herald.edge.limits.max-connections-per-user=" + MAX_CONNECTIONS_PER_USER,
                "herald.edge.allowed-origins=" + ALLOWED_ORIGIN,
                "herald.edge.auth.clock-skew=1s",
                "herald.edge.outbound.max-bytes=200000");
        steady = new SteadyClient(edge.ws(TOKENS.token("steady")), pipeline, "user:steady", Duration.ofMillis(100));
    }

    @AfterEach
    void theWellBehavedClientWasServedThroughout() {
        steady.assertServed(LATENCY);
    }

    @AfterAll
    void stop() {
        steady.close();
        edge.close();
        pipeline.close();
    }

    static Stream<Arguments> badCredentials() {
        return Stream.of(
                Arguments.of("no token", Map.of(), "missing-token"),
                Arguments.of("garbage", query("garbage"), "malformed-token"),
                Arguments.of("wrong signature", query(new TestTokens(TestTokens.SECRET + "-not-ours").token("7")), "bad-signature"),
                Arguments.of("expired", query(TOKENS.token("7", Instant.now().minusSeconds(60))), "expired"),
                Arguments.of("alg none", query(TestTokens.unsigned("7", "user:*")), "unsigned-token"),
                Arguments.of("not a bearer header", Map.of("Authorization", "Basic Nzpwdw=="), "malformed-token"),
                Arguments.of("bearer header with garbage", Map.of("Authorization", "Bearer x.y.z"), "malformed-token"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCredentials")
    void anUpgradeWithoutAValidTokenIsRefusedWith401AndTheReason(String description, Map<String, String> how, String reason) {
        URI uri = how.containsKey("query") ? URI.create(edge.ws() + how.get("query")) : edge.ws();
        Map<String, String> headers = new LinkedHashMap<>(how);
        headers.remove("query");

        RawWebSocket.Answer answer = RawWebSocket.handshake(uri, headers);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.headers().get("www-authenticate"))
                .isEqualTo("Bearer error=\"invalid_token\", error_description=\"" + reason + "\"");
        assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
        JsonNode problem = Frames.parse(answer.body());
        assertThat(problem.path("status").asInt()).isEqualTo(401);
        assertThat(problem.path("code").asString()).isEqualTo(reason);
        assertThat(problem.path("type").asString()).isEqualTo("https://herald.io/problems/" + reason);
        assertThat(problem.path("detail").asString()).isNotBlank();
        // and a client library sees the refusal as such
        assertThatThrownBy(() -> WsTestClient.connect(uri, headers))
                .isInstanceOfSatisfying(WsHandshakeException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
    }

    @Test
    void aValidTokenIsAcceptedFromTheHeaderOrTheQuery() {
        String token = TOKENS.token("header-or-query");
        try (WsTestClient byHeader = WsTestClient.connect(edge.ws(), Map.of("Authorization", "Bearer " + token));
                WsTestClient byQuery = WsTestClient.connect(edge.ws(token))) {
            byHeader.awaitFrame(f -> Frames.is(f, "welcome"), WAIT);
            byQuery.awaitFrame(f -> Frames.is(f, "welcome"), WAIT);
        }
    }

    /**
     * Browsers and Node.js's ws offer permessage-deflate in every handshake. Accepting it would compress every frame
     * again for every session (a frame is encoded once for all of them), and it hides a stalled client from the
     * slow-consumer limits: compressed, 48 MB of backlog behind a blocked Node.js client took 190 KB of socket
     * buffer, and the edge never saw it (issue 18).
     */
    @Test
    void aClientThatOffersCompressionGetsAnUncompressedConnection() {
        RawWebSocket.Answer answer = RawWebSocket.handshake(edge.ws(TOKENS.token("deflate")),
                Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits, x-webkit-deflate-frame"));

        assertThat(answer.status()).isEqualTo(101);
        assertThat(answer.headers()).as("no extension negotiated").doesNotContainKey("sec-websocket-extensions");
    }

    @Test
    void user7IsRefusedUser8AndNeverReceivesItsNotifications() {
        try (WsTestClient seven = WsTestClient.connect(edge.ws(TOKENS.token("7")))) {
            seven.send(SubscriptionIT.subscribe("user:8", null));
            JsonNode error = Frames.parse(seven.awaitFrame(f -> Frames.is(f, "error"), WAIT));
            assertThat(error.path("code").asString()).isEqualTo("forbidden");
            assertThat(error.path("channel").asString()).isEqualTo("user:8");
            // with a position too: no history either
            seven.send(SubscriptionIT.subscribe("user:8", Position.NONE));
            seven.awaitFrame(f -> Frames.is(f, "error", "user:8"), WAIT);

            seven.send(SubscriptionIT.subscribe("user:7", null));
            seven.awaitFrame(f -> Frames.is(f, "subscribed", "user:7"), WAIT);
            IntStream.range(0, 3).forEach(n -> pipeline.publish("user:8", n));
            pipeline.publish("user:7", 0);

            // pub/sub keeps publish order: once user:7's notification is here, user:8's would have been too
            await().atMost(WAIT).until(() -> Frames.counters(seven.frames(), "user:7").size() == 1);
            assertNothingOf(seven.frames(), "user:8");
        }
    }

    @Test
    void aResumeTokenCannotWidenWhatASessionSees() {
        String own = "user:resumer";
        String secret = "topic:secret-" + UUID.randomUUID().toString().substring(0, 6);
        String news = "broadcast:news-" + UUID.randomUUID().toString().substring(0, 6);
        Map<ChannelName, Position> from = new LinkedHashMap<>();
        for (String channel : List.of(own, secret, news)) {
            from.put(ChannelName.parse(channel), pipeline.publish(channel, 0));
            pipeline.publish(channel, 1);
            pipeline.publish(channel, 2);
        }
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKENS.token("resumer")))) {
            client.send("{\"op\":\"resume\",\"token\":\"" + new ResumeToken(from).encode() + "\"}");

            JsonNode error = Frames.parse(client.awaitFrame(f -> Frames.is(f, "error", secret), WAIT));
            assertThat(error.path("code").asString()).isEqualTo("forbidden");
            JsonNode ownSubscribed = Frames.parse(client.awaitFrame(f -> Frames.is(f, "subscribed", own), WAIT));
            JsonNode newsSubscribed = Frames.parse(client.awaitFrame(f -> Frames.is(f, "subscribed", news), WAIT));
            assertThat(ownSubscribed.path("replayed").asInt()).isEqualTo(2);
            assertThat(newsSubscribed.path("replayed").asInt()).isEqualTo(2);
            assertThat(Frames.counters(client.frames(), own)).containsExactly(1, 2);
            assertThat(Frames.counters(client.frames(), news)).containsExactly(1, 2);

            pipeline.publish(secret, 3);
            pipeline.publish(own, 3);
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), own).contains(3));
            assertNothingOf(client.frames(), secret);
        }
    }

    @Test
    void aTenMebibyteFrameClosesWith1009() throws Exception {
        try (RawWebSocket client = RawWebSocket.open(edge.ws(TOKENS.token("big")), Map.of())) {
            byte[] huge = ("{\"op\":\"ping\",\"pad\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
            // the node stops reading after the frame header, so the write may fail midway: write on the side
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    client.sendText(new String(huge, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // the node closed the connection before taking it all, as it should
                }
            });
            List<RawWebSocket.Frame> frames = client.readUntilClose(WAIT);
            assertThat(frames.get(frames.size() - 1).closeCode()).isEqualTo(1009);
            writing.cancel(true);
        }
    }

    @Test
    void tenThousandSubscribesInABurstAreRateLimitedThenClosedWith4009AndReleased() throws Exception {
        String prefix = "broadcast:burst-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<RawWebSocket.Frame> frames;
        try (RawWebSocket client = RawWebSocket.open(edge.ws(TOKENS.token("burster")), Map.of())) {
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 10_000; i++) {
                        client.sendText(SubscriptionIT.subscribe(prefix + i, null));
                    }
                } catch (IOException e) {
                    // closed by the node midway, as it should
                }
            });
            frames = client.readUntilClose(Duration.ofSeconds(60));
            writing.cancel(true);
        }
        RawWebSocket.Frame close = frames.get(frames.size() - 1);
        assertThat(close.closeCode()).isEqualTo(4009);
        assertThat(close.text()).contains("subscribe rate exceeded");
        List<JsonNode> texts = frames.stream().filter(f -> f.opcode() == RawWebSocket.TEXT)
                .map(f -> Frames.parse(f.text())).toList();
        long subscribed = texts.stream().filter(f -> f.path("op").asString().equals("subscribed")).count();
        long rateLimited = texts.stream().filter(f -> f.path("code").asString().equals("rate-limited")).count();
        // 100 refusals are tolerated, the 101st closes; before them the burst (300) and what the bucket refilled
        // meanwhile (20/s) were subscribed (those whose catch-up answered before the close say so)
        assertThat(rateLimited).isEqualTo(101);
        assertThat(subscribed).isPositive().isLessThan(400);
        // the node let go of every channel of the closed session
        await().atMost(WAIT).until(() -> edge.bean(PubSubHub.class).channels().stream()
                .noneMatch(channel -> channel.value().startsWith(prefix)));
    }

    @Test
    void malformedFramesGetErrorFramesAndTooManyClose1008() throws Exception {
        try (RawWebSocket client = RawWebSocket.open(edge.ws(TOKENS.token("babbler")), Map.of())) {
            for (int i = 0; i < 21; i++) {
                client.sendText(i % 3 == 0 ? "{not json" : i % 3 == 1 ? "{\"op\":\"dance\"}" : "[]");
            }
            List<RawWebSocket.Frame> frames = client.readUntilClose(WAIT);
            List<String> codes = frames.stream().filter(f -> f.opcode() == RawWebSocket.TEXT)
                    .map(f -> Frames.parse(f.text())).filter(f -> f.path("op").asString().equals("error"))
                    .map(f -> f.path("code").asString()).toList();
            assertThat(codes).hasSize(21).containsOnly("bad-frame", "unknown-op");
            assertThat(frames.get(frames.size() - 1).closeCode()).isEqualTo(1008);
        }
    }

    @Test
    void aBinaryFrameClosesWith1003() throws Exception {
        try (RawWebSocket client = RawWebSocket.open(edge.ws(TOKENS.token("binary")), Map.of())) {
            client.sendBinary(new byte[] {0x7b, 0x7d});
            List<RawWebSocket.Frame> frames = client.readUntilClose(WAIT);
            assertThat(frames.get(frames.size() - 1).closeCode()).isEqualTo(1003);
        }
    }

    /**
     * Handshakes of one user that pass the limit's check at the same moment: the ones past the limit are closed
     * right after the upgrade. That is the 429 arriving late, as transient as it, so it must not be 4009 (which
     * tells a client never to reconnect) but 4029. The race is provoked by rounds of simultaneous handshakes of a
     * fresh user until one happens.
     */
    @Test
    void handshakesRacingPastTheConnectionLimitAreClosedWith4029NotWith4009() throws Exception {
        List<RawWebSocket.Frame> lateRefusals = new ArrayList<>();
        int racers = 4 * MAX_CONNECTIONS_PER_USER;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        for (int round = 0; round < 40 && lateRefusals.isEmpty(); round++) {
            URI uri = edge.ws(TOKENS.token("racer-" + round));
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<RawWebSocket.Attempt>> attempts = IntStream.range(0, racers)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                        awaitQuietly(go);
                        return RawWebSocket.attempt(uri, Map.of());
                    }, pool))
                    .toList();
            go.countDown();
            List<RawWebSocket> upgraded = new ArrayList<>();
            try {
                for (CompletableFuture<RawWebSocket.Attempt> attempt : attempts) {
                    RawWebSocket.Attempt done = attempt.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    if (done.socket() == null) {
                        assertThat(done.answer().status()).isEqualTo(429);
                    } else {
                        upgraded.add(done.socket());
                    }
                }
                int welcomed = 0;
                for (RawWebSocket socket : upgraded) {
                    RawWebSocket.Frame first = socket.read(WAIT);
                    if (first.opcode() == RawWebSocket.CLOSE) {
                        lateRefusals.add(first);
                    } else {
                        assertThat(Frames.is(first.text(), "welcome")).isTrue();
                        welcomed++;
                    }
                }
                assertThat(welcomed).isLessThanOrEqualTo(MAX_CONNECTIONS_PER_USER);
            } finally {
                upgraded.forEach(RawWebSocket::close);
            }
        }
        pool.shutdownNow();

        assertThat(lateRefusals).as("a race past the limit's check (none in 40 rounds)").isNotEmpty();
        assertThat(lateRefusals).allSatisfy(close -> {
            assertThat(close.closeCode()).isEqualTo(4029);
            assertThat(close.text()).contains("too many connections");
        });
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aUserPastTheConnectionLimitIsRefusedWith429AndOthersAreNot() {
        String token = TOKENS.token("greedy");
        List<WsTestClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS_PER_USER; i++) {
                WsTestClient client = WsTestClient.connect(edge.ws(token));
                client.awaitFrame(f -> Frames.is(f, "welcome"), WAIT);
                open.add(client);
            }
            RawWebSocket.Answer refused = RawWebSocket.handshake(edge.ws(token), Map.of());
            assertThat(refused.status()).isEqualTo(429);
            assertThat(Frames.parse(refused.body()).path("code").asString()).isEqualTo("too-many-connections");
            assertThat(refused.headers()).as("when to try again").containsEntry("retry-after", "5");
            try (WsTestClient other = WsTestClient.connect(edge.ws(TOKENS.token("modest")))) {
                other.awaitFrame(f -> Frames.is(f, "welcome"), WAIT);
            }

            open.remove(0).close();
            await().atMost(WAIT).until(() -> RawWebSocket.handshake(edge.ws(token), Map.of()).status() == 101);
        } finally {
            open.forEach(WsTestClient::abort);
        }
    }

    @Test
    void onlyTheConfiguredOriginsMayOpenASocket() {
        String query = "?access_token=" + TOKENS.token("browser");
        URI uri = URI.create(edge.ws() + query);
        assertThat(RawWebSocket.handshake(uri, Map.of("Origin", "https://evil.example")).status()).isEqualTo(403);
        assertThat(RawWebSocket.handshake(uri, Map.of("Origin", ALLOWED_ORIGIN)).status()).isEqualTo(101);
        // a page the node serves itself
        assertThat(RawWebSocket.handshake(uri, Map.of("Origin", "http://127.0.0.1:" + edge.port())).status()).isEqualTo(101);
    }

    @Test
    void aClientThatNeverReadsIsClosedWith4008() throws Exception {
        String channel = "broadcast:flood-" + UUID.randomUUID().toString().substring(0, 6);
        double before = closed("slow_consumer");
        try (RawWebSocket sleeper = RawWebSocket.open(edge.ws(TOKENS.token("sleeper")), Map.of(), 4096)) {
            sleeper.sendText(SubscriptionIT.subscribe(channel, null));
            await().atMost(WAIT).until(() -> edge.bean(PubSubHub.class).channels().contains(ChannelName.parse(channel)));
            String padding = "p".repeat(16_000);
            // 200 x 16 kB: far more than a 4 kB window and the 200 kB outbound limit hold
            for (int n = 0; n < 200 && closed("slow_consumer") == before; n++) {
                pipeline.publishPadded(channel, n, padding);
            }
            await().atMost(WAIT).until(() -> closed("slow_consumer") > before);
            // reading again, the client finds the frames it missed taking, then the close frame with its code
            List<RawWebSocket.Frame> frames = sleeper.readUntilClose(Duration.ofSeconds(60));
            assertThat(frames.get(frames.size() - 1).closeCode()).isEqualTo(4008);
        }
    }

    @Test
    void aClientThatNeverReadsAgainIsDisconnectedAfterTheOutboundDelay() throws Exception {
        String channel = "broadcast:stuck-" + UUID.randomUUID().toString().substring(0, 6);
        double before = closed("slow_consumer");
        int sessions = edge.bean(SessionRegistry.class).size();
        try (RawWebSocket sleeper = RawWebSocket.open(edge.ws(TOKENS.token("stuck")), Map.of(), 4096)) {
            sleeper.sendText(SubscriptionIT.subscribe(channel, null));
            await().atMost(WAIT).until(() -> edge.bean(PubSubHub.class).channels().contains(ChannelName.parse(channel)));
            await().atMost(WAIT).until(() -> edge.bean(SessionRegistry.class).size() == sessions + 1);
            // 200 x 16 kB produced first, then applied back to back: they reach the node in bursts, so the session
            // can go over its 200 kB limit within one fan-out batch, before any write started; then the close frame
            // is written, but the peer never answers it
            String padding = "p".repeat(16_000);
            List<Envelope> flood = IntStream.range(0, 200).mapToObj(n -> pipeline.paddedEnvelope(channel, n, padding)).toList();
            List<RecordMetadata> records = flood.stream().map(pipeline::produce).toList();
            for (int n = 0; n < flood.size(); n++) {
                pipeline.apply(flood.get(n), records.get(n));
            }
            await().atMost(WAIT).until(() -> closed("slow_consumer") > before);
            // it takes nothing more: after the outbound delay its connection is dropped, and the node forgets it
            await().atMost(Duration.ofSeconds(30)).until(() -> edge.bean(SessionRegistry.class).size() == sessions);
        }
    }

    /**
     * Clients that send their close frame in the middle of a stream, and read nothing more: the node answers while
     * its own writes to them are in flight or stuck (then Jetty drops the connection instead), and forgets every one.
     */
    @Test
    void clientsThatCloseInTheMiddleOfAStreamAreForgotten() throws Exception {
        String channel = "broadcast:leaving-" + UUID.randomUUID().toString().substring(0, 6);
        int sessions = edge.bean(SessionRegistry.class).size();
        List<RawWebSocket> leavers = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                RawWebSocket leaver = RawWebSocket.open(edge.ws(TOKENS.token("leaver-" + i)), Map.of());
                leaver.sendText(SubscriptionIT.subscribe(channel, null));
                leavers.add(leaver);
            }
            for (RawWebSocket leaver : leavers) {
                readUntil(leaver, "subscribed", channel);
            }
            String padding = "p".repeat(16_000);
            CompletableFuture<Void> published = CompletableFuture.runAsync(() -> {
                for (int n = 0; n < 100; n++) {
                    pipeline.publishPadded(channel, n, padding);
                }
            });
            for (RawWebSocket leaver : leavers) {
                readUntil(leaver, "message", channel);
                leaver.sendFrame(RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xE8}); // 1000, and no more reading
            }
            published.join();
            await().atMost(Duration.ofSeconds(30)).until(() -> edge.bean(SessionRegistry.class).size() == sessions);
        } finally {
            leavers.forEach(RawWebSocket::close);
        }
    }

    /** Reads until a text frame {@code op} about {@code channel}, passing others (the welcome, a heartbeat ping). */
    private static void readUntil(RawWebSocket client, String op, String channel) throws IOException {
        RawWebSocket.Frame frame;
        do {
            frame = client.read(WAIT);
        } while (frame.opcode() != RawWebSocket.TEXT || !Frames.is(frame.text(), op, channel));
    }

    @Test
    void aSessionWhoseTokenExpiresIsClosedWith4001() {
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKENS.token("brief", Instant.now().plusSeconds(1))))) {
            client.awaitFrame(f -> Frames.is(f, "welcome"), WAIT);
            assertThat(client.awaitClose(WAIT).code()).isEqualTo(4001);
        }
    }

    @Test
    void aRefreshExtendsTheSessionAndNarrowsItsRights() {
        String topic = "topic:refresh-" + UUID.randomUUID().toString().substring(0, 6);
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKENS.token("refresher", Instant.now().plusSeconds(2), topic)))) {
            client.send(SubscriptionIT.subscribe(topic, null));
            client.send(SubscriptionIT.subscribe("user:refresher", null));
            client.awaitFrame(f -> Frames.is(f, "subscribed", topic), WAIT);
            client.awaitFrame(f -> Frames.is(f, "subscribed", "user:refresher"), WAIT);

            client.send(refresh(TOKENS.token("someone-else", topic)));
            JsonNode refused = Frames.parse(client.awaitFrame(f -> Frames.is(f, "error"), WAIT));
            assertThat(refused.path("code").asString()).isEqualTo("unauthorized");
            client.send(refresh("garbage"));
            assertThat(Frames.parse(client.awaitFrame(f -> Frames.is(f, "error"), WAIT)).path("code").asString())
                    .isEqualTo("unauthorized");

            // a fresh token without the topic: the session lives on, the topic ends at once
            client.send(refresh(TOKENS.token("refresher")));
            JsonNode refreshed = Frames.parse(client.awaitFrame(f -> Frames.is(f, "refreshed"), WAIT));
            assertThat(refreshed.path("expiresAt").asLong()).isGreaterThan(Instant.now().plusSeconds(3000).toEpochMilli());
            JsonNode revoked = Frames.parse(client.awaitFrame(f -> Frames.is(f, "error", topic), WAIT));
            assertThat(revoked.path("code").asString()).isEqualTo("forbidden");

            // past the first token's expiry (2 s + 1 s skew) the session is still open and served
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> client.closeStatus().isEmpty());
            pipeline.publish(topic, 0);
            pipeline.publish("user:refresher", 0);
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), "user:refresher").size() == 1);
            assertThat(Frames.counters(client.frames(), topic)).isEmpty();
        }
    }

    private double closed(String reason) {
        return edge.bean(MeterRegistry.class).counter("herald.edge.sessions.closed", "reason", reason).count();
    }

    private static void assertNothingOf(List<String> frames, String channel) {
        assertThat(frames.stream().map(Frames::parse)
                .filter(f -> channel.equals(f.path("channel").asString()))
                .map(f -> f.path("op").asString()))
                .as("frames about %s", channel)
                .containsOnly("error");
    }

    private static String refresh(String token) {
        return "{\"op\":\"refresh\",\"token\":\"" + token + "\"}";
    }

    private static Map<String, String> query(String token) {
        return Map.of("query", "?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }
}
