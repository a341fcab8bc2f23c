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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.jetty.JettyWebServer;

/**
 * A reconnect storm (every client of a failed node arriving at once) finds the client port's listen backlog long
 * enough: while the node is too busy to accept, the kernel completes and holds the handshakes
 * ({@code herald.edge.limits.accept-queue-size}) instead of dropping them, which would make each client retry its
 * connect after 1, 3, 7 s... The node's acceptors are paused here to stand for that busy node; then every waiting
 * connection is accepted and the node still serves WebSockets.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AcceptQueueIT {

    /** Well past the JVM's default backlog of 50, well within the default setting and Linux's somaxconn. */
    private static final int STORM = 600;
    private static final Duration CONNECT_WITHIN = Duration.ofMillis(900);
    private static final String TOKEN = new TestTokens(TestTokens.SECRET).token("storm-tester", "user:*");

    private final String topic = "edge-accept-" + UUID.randomUUID();
    private final KafkaBroker kafka;
    private final RedisServer redis;
    private EdgeNode edge;

    AcceptQueueIT(KafkaBroker kafka, RedisServer redis) {
        this.kafka = kafka;
        this.redis = redis;
    }

    @BeforeAll
    void start() {
        kafka.createTopic(topic, 1);
        edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic);
    }

    @AfterAll
    void stop() {
        edge.close();
    }

    @Test
    void connectionsArrivingWhileTheNodeCannotAcceptWaitInTheBacklogInsteadOfBeingDropped() throws Exception {
        ServerConnector connector = (ServerConnector) ((JettyWebServer) edge.webServer()).getServer().getConnectors()[0];
        connector.setAccepting(false);
        List<SocketChannel> storm = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < STORM; i++) {
                SocketChannel channel = SocketChannel.open();
                storm.add(channel);
                channel.configureBlocking(false);
                if (!channel.connect(new InetSocketAddress("127.0.0.1", edge.port()))) {
                    channel.register(selector, SelectionKey.OP_CONNECT);
                }
            }
            // a handshake the kernel dropped is retried by the client's kernel only after a second: within this
            // window only the connections the backlog held can have completed
            long deadline = System.nanoTime() + CONNECT_WITHIN.toNanos();
            while (!selector.keys().isEmpty() && System.nanoTime() < deadline) {
                selector.select(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                for (SelectionKey key : selector.selectedKeys()) {
                    if (finished((SocketChannel) key.channel())) {
                        key.cancel();
                    }
                }
                selector.selectedKeys().clear();
                selector.selectNow(); // flushes the cancelled keys
            }
            long connected = storm.stream().filter(SocketChannel::isConnected).count();
            assertThat(connected).as("connections completed by the kernel while the node was not accepting")
                    .isEqualTo(STORM);
        } finally {
            connector.setAccepting(true);
        }
        // the node accepts them all and lives on: each waiting connection is closed by its client, and a new client
        // subscribes as usual
        for (SocketChannel channel : storm) {
            channel.close();
        }
        String channel = "user:storm-" + UUID.randomUUID().toString().substring(0, 8);
        try (WsTestClient ws = WsTestClient.connect(edge.ws(TOKEN))) {
            ws.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            ws.awaitFrame(frame -> Frames.is(frame, "subscribed", channel), Duration.ofSeconds(10));
        }
    }

    private static boolean finished(SocketChannel channel) {
        try {
            return channel.finishConnect();
        } catch (IOException e) {
            return true; // refused or reset: finished, and isConnected() says it failed
        }
    }
}
