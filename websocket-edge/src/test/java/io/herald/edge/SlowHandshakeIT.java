package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Slow-loris clients: connections that send a header line every 2 s and never finish their request are closed once
 * {@code herald.edge.limits.request-header-timeout} (10 s by default, the value used here) has passed, while
 * WebSocket sessions and event streams open at the same time live on, and a slow but complete request is answered.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowHandshakeIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TOKEN = new TestTokens(TestTokens.SECRET).token("slow-tester", "user:*");
    private static final int SLOW_CLIENTS = 40;

    private final String topic = "edge-slow-" + UUID.randomUUID();
    private final KafkaBroker kafka;
    private final RedisServer redis;
    private Pipeline pipeline;
    private EdgeNode edge;
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

    SlowHandshakeIT(KafkaBroker kafka, RedisServer redis) {
        this.kafka = kafka;
        this.redis = redis;
    }

    @BeforeAll
    void start() {
        kafka.createTopic(topic, 1);
        pipeline = new Pipeline(kafka.bootstrapServers(), topic, redis.url());
        edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic, "herald.edge.sse.heartbeat=1s");
    }

    @AfterAll
    void stop() {
        trickle.shutdownNow();
        edge.close();
        pipeline.close();
    }

    @Test
    void connectionsTricklingHeadersAreClosedAfterTheTimeoutWhileSessionsAndStreamsLiveOn() throws Exception {
        String channel = "user:slow-" + UUID.randomUUID().toString().substring(0, 8);
        try (WsTestClient ws = WsTestClient.connect(edge.ws(TOKEN));
                SseTestClient sse = SseTestClient.connect(edge.http("/sse?access_token="
                        + URLEncoder.encode(TOKEN, StandardCharsets.UTF_8) + "&channel=" + channel), Map.of())) {
            ws.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            ws.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
            sse.awaitEvent(e -> e.name().equals("subscribed"), WAIT);

            List<SlowClient> slow = new ArrayList<>();
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                slow.add(new SlowClient(i % 2 == 0 ? "GET /ws HTTP/1.1" : "GET /sse?channel=" + channel + " HTTP/1.1"));
            }
            await().atMost(TIMEOUT.plus(WAIT)).until(() -> slow.stream().allMatch(SlowClient::closed));
            for (SlowClient client : slow) {
                // still sending lines when closed: it is the deadline that closed it, not a refused header
                assertThat(client.openFor()).isGreaterThanOrEqualTo(TIMEOUT.minusSeconds(1));
                assertThat(client.linesSent()).isGreaterThanOrEqualTo(4);
            }

            // past the deadline themselves, the session and the stream still deliver
            pipeline.publish(channel, 1);
            await().atMost(WAIT).until(() -> Frames.counters(ws.frames(), channel).contains(1));
            await().atMost(WAIT).until(() -> !sse.events("message").isEmpty());
            assertThat(ws.isEnded()).isFalse();
            assertThat(sse.ended()).isFalse();
        }
    }

    @Test
    void aSlowRequestThatCompletesInTimeIsAnsweredAndTheConnectionKeptAlive() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", edge.port()));
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("GET /nothing-here HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < 3; i++) {
                Thread.sleep(2000); // the client's pace, not synchronisation: 6 s of headers, within the 10 s
                out.write(("X-Slow-" + i + ": " + i + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 404").contains("application/problem+json");
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        return head.toString();
    }

    /** Opens a connection, sends a request line, then one header line every 2 s, never the blank line. */
    private final class SlowClient {
        private final Socket socket = new Socket();
        private final long openedAt = System.nanoTime();
        private volatile long closedAt;
        private volatile int lines;

        SlowClient(String requestLine) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", edge.port()));
            socket.getOutputStream().write((requestLine + "\r\nHost: x\r\n").getBytes(StandardCharsets.ISO_8859_1));
            Thread reader = new Thread(this::awaitClose, "slow-client-reader");
            reader.setDaemon(true);
            reader.start();
            trickle.scheduleAtFixedRate(this::sendLine, 2, 2, TimeUnit.SECONDS);
        }

        private void sendLine() {
            if (closedAt != 0) {
                return;
            }
            try {
                socket.getOutputStream().write(("X-Slow-" + lines + ": " + lines + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                lines++;
            } catch (IOException e) {
                // closed by the server; the reader sees it
            }
        }

        private void awaitClose() {
            try (socket) {
                InputStream in = socket.getInputStream();
                while (in.read() >= 0) {
                    // the server sends nothing before closing; anything else would show in the assertions
                }
            } catch (IOException e) {
                // a reset is a close too
            }
            closedAt = System.nanoTime();
        }

        boolean closed() {
            return closedAt != 0;
        }

        Duration openFor() {
            return Duration.ofNanos(closedAt - openedAt);
        }

        int linesSent() {
            return lines;
        }
    }
}
