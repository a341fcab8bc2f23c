package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Pipeline;
import io.herald.edge.support.Frames;
import io.herald.edge.support.RawWebSocket;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsTestClient;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The node pings every peer and closes the ones that stopped answering (heartbeat 200 ms, timeout 1 s here). */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeartbeatIT {

    private static final TestTokens TOKENS = new TestTokens(TestTokens.SECRET);

    private final KafkaBroker kafka;
    private final RedisServer redis;
    private Pipeline pipeline;
    private EdgeNode edge;

    HeartbeatIT(KafkaBroker kafka, RedisServer redis) {
        this.kafka = kafka;
        this.redis = redis;
    }

    @BeforeAll
    void start() {
        String topic = "edge-heartbeat-" + UUID.randomUUID();
        kafka.createTopic(topic, 1);
        pipeline = new Pipeline(kafka.bootstrapServers(), topic, redis.url());
        edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic,
                "herald.edge.heartbeat.interval=200ms", "herald.edge.heartbeat.timeout=1s");
    }

    @AfterAll
    void stop() {
        edge.close();
        pipeline.close();
    }

    @Test
    void aPeerThatStopsAnsweringPingsIsClosedWith4000() {
        try (RawWebSocket silent = RawWebSocket.open(edge.ws(TOKENS.token("silent")), Map.of())) {
            List<RawWebSocket.Frame> frames = silent.readUntilClose(Duration.ofSeconds(10));

            assertThat(Frames.is(frames.get(0).text(), "welcome")).isTrue();
            assertThat(frames.stream().filter(f -> f.opcode() == RawWebSocket.PING).count())
                    .as("pings before giving up").isGreaterThanOrEqualTo(2);
            RawWebSocket.Frame close = frames.get(frames.size() - 1);
            assertThat(close.closeCode()).isEqualTo(4000);
            assertThat(close.text()).contains("heartbeat timeout");
        }
    }

    @Test
    void pingsInterleaveWithABusyStreamWithoutDisturbingIt() {
        String channel = "user:busy";
        String padding = "p".repeat(16_000);
        try (WsTestClient busy = WsTestClient.connect(edge.ws(TOKENS.token("busy")))) {
            busy.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            busy.awaitFrame(f -> Frames.is(f, "subscribed", channel), Duration.ofSeconds(10));
            for (int n = 0; n < 200; n++) {
                pipeline.publishPadded(channel, n, padding);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> Frames.counters(busy.frames(), channel).size() == 200);
            assertThat(Frames.counters(busy.frames(), channel)).containsExactlyElementsOf(IntStream.range(0, 200).boxed().toList());
            assertThat(busy.closeStatus()).isEmpty();
        }
    }

    /**
     * The node writes a session's frames straight to its socket, so it answers the client's own pings itself: each
     * pong goes between whole frames of a busy stream, carries its ping's payload, and disturbs nothing.
     */
    @Test
    void theClientsOwnPingsAreAnsweredBetweenTheFramesOfABusyStream() throws Exception {
        String channel = "user:pinging-busy";
        try (RawWebSocket client = RawWebSocket.open(edge.ws(TOKENS.token("pinging-busy")), Map.of())) {
            client.sendText("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            List<String> texts = new ArrayList<>();
            while (texts.stream().noneMatch(f -> Frames.is(f, "subscribed", channel))) {
                readAnsweringPings(client, texts, new ArrayList<>());
            }
            // published meanwhile: the client keeps reading, and answering the node's pings (timeout 1 s here)
            CompletableFuture<Void> published = CompletableFuture.runAsync(() -> {
                for (int n = 0; n < 200; n++) {
                    pipeline.publishPadded(channel, n, "p".repeat(16_000));
                }
            });
            List<String> pongs = new ArrayList<>();
            int pinged = 0;
            while (Frames.counters(texts, channel).size() < 200) {
                if (pinged < 100) {
                    client.sendFrame(RawWebSocket.PING, ("ping-" + pinged++).getBytes(StandardCharsets.UTF_8));
                }
                readAnsweringPings(client, texts, pongs);
            }

            published.join();
            assertThat(Frames.counters(texts, channel))
                    .containsExactlyElementsOf(IntStream.range(0, 200).boxed().toList());
            assertThat(pongs).isNotEmpty().allMatch(p -> p.matches("ping-\\d+"));
            // a pong answers the latest ping, so they come in the order the pings went
            assertThat(pongs).isSortedAccordingTo(Comparator.comparingInt(p -> Integer.parseInt(p.substring(5))));
        }
    }

    /** Reads one frame: a text frame's text into {@code texts}, a pong's payload into {@code pongs}; pings answered. */
    private static void readAnsweringPings(RawWebSocket client, List<String> texts, List<String> pongs)
            throws IOException {
        RawWebSocket.Frame frame = client.read(Duration.ofSeconds(10));
        switch (frame.opcode()) {
            case RawWebSocket.TEXT -> texts.add(frame.text());
            case RawWebSocket.PONG -> pongs.add(frame.text());
            case RawWebSocket.PING -> client.sendFrame(RawWebSocket.PONG, frame.payload());
            default -> throw new AssertionError("unexpected frame opcode=" + frame.opcode() + " " + frame.text());
        }
    }

    /**
     * docs/protocol.md §7: the pongs to the server's pings and the client's frames count as signs of life, the
     * client's own WebSocket pings do not (the node answers them, and that is all).
     */
    @Test
    void aPeerThatOnlySendsItsOwnPingsIsStillClosedWith4000() throws Exception {
        try (RawWebSocket pinging = RawWebSocket.open(edge.ws(TOKENS.token("pinging")), Map.of())) {
            List<RawWebSocket.Frame> frames = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (frames.isEmpty() || frames.get(frames.size() - 1).opcode() != RawWebSocket.CLOSE) {
                assertThat(System.nanoTime()).as("closed within 10 s").isLessThan(deadline);
                pinging.sendFrame(RawWebSocket.PING, new byte[] {1});
                try {
                    frames.add(pinging.read(Duration.ofMillis(100)));
                } catch (SocketTimeoutException e) {
                    // nothing this time: ping again
                }
            }

            assertThat(frames).anyMatch(f -> f.opcode() == RawWebSocket.PONG);
            assertThat(frames.get(frames.size() - 1).closeCode()).isEqualTo(4000);
        }
    }

    @Test
    void aPeerThatAnswersPingsStaysOpenWhileSilentOtherwise() {
        // the JDK client answers pings by itself and sends nothing else here
        try (WsTestClient answering = WsTestClient.connect(edge.ws(TOKENS.token("answering")))) {
            answering.awaitFrame(f -> Frames.is(f, "welcome"), Duration.ofSeconds(10));
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> answering.closeStatus().isEmpty());
            answering.send("{\"op\":\"ping\"}");
            answering.awaitFrame(f -> Frames.is(f, "pong"), Duration.ofSeconds(10));
        }
    }
}
