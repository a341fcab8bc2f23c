package io.herald.testkit.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.testkit.ws.TinyWsServer.Connection;
import io.herald.testkit.ws.TinyWsServer.Frame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WsTestClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private TinyWsServer server;
    private Connection connection;
    private WsTestClient client;

    @BeforeEach
    void connect() throws Exception {
        server = new TinyWsServer();
        CompletableFuture<Connection> accepted = acceptAsync();
        client = WsTestClient.connect(server.uri("/ws?x=1"), Map.of("Authorization", "Bearer t0ken"));
        connection = accepted.get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() throws IOException {
        client.abort();
        connection.close();
        server.close();
    }

    @Test
    void sendsTextAndHeadersAndRecordsFramesInOrderJoiningParts() throws IOException {
        assertThat(connection.headers).containsEntry("authorization", "Bearer t0ken");
        assertThat(connection.path).isEqualTo("/ws?x=1");

        client.send("{\"type\":\"ping\"}");
        Frame received = connection.readFrame();
        connection.sendText("first");
        connection.send(false, TinyWsServer.TEXT, "sec".getBytes());
        connection.send(true, TinyWsServer.CONTINUATION, "ond".getBytes());
        connection.sendText("third");

        assertThat(received.opcode()).isEqualTo(TinyWsServer.TEXT);
        assertThat(received.text()).isEqualTo("{\"type\":\"ping\"}");
        assertThat(client.awaitFrame("third"::equals, TIMEOUT)).isEqualTo("third");
        assertThat(client.frames()).containsExactly("first", "second", "third");
        assertThat(client.closeStatus()).isEmpty();
    }

    @Test
    void awaitFrameReturnsEachMatchingFrameOnceInAnyOrder() throws IOException {
        connection.sendText("x1");
        connection.sendText("y");
        connection.sendText("x2");

        assertThat(client.awaitFrame(f -> f.startsWith("x"), TIMEOUT)).isEqualTo("x1");
        assertThat(client.awaitFrame(f -> f.startsWith("x"), TIMEOUT)).isEqualTo("x2");
        assertThat(client.awaitFrame("y"::equals, TIMEOUT)).isEqualTo("y");
        assertThatThrownBy(() -> client.awaitFrame(f -> f.startsWith("x"), Duration.ofMillis(200)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no matching frame within 200 ms")
                .hasMessageContaining("[x1, y, x2]");
    }

    @Test
    void recordsTheServerCloseAndStopsWaitingForFrames() throws IOException {
        connection.sendText("bye soon");
        connection.sendClose(4008, "slow consumer");

        assertThat(client.awaitClose(TIMEOUT)).isEqualTo(new CloseStatus(4008, "slow consumer"));
        assertThat(client.closeStatus()).contains(new CloseStatus(4008, "slow consumer"));
        assertThatThrownBy(() -> client.awaitFrame("never"::equals, TIMEOUT))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("close 4008 slow consumer")
                .hasMessageContaining("bye soon");
    }

    @Test
    void closeDoesTheCloseHandshake() throws Exception {
        CompletableFuture<Frame> serverSide = CompletableFuture.supplyAsync(() -> {
            try {
                Frame close = connection.readFrame();
                connection.sendClose(close.closeCode(), "");
                return close;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        client.close();

        Frame close = serverSide.get(10, TimeUnit.SECONDS);
        assertThat(close.opcode()).isEqualTo(TinyWsServer.CLOSE);
        assertThat(close.closeCode()).isEqualTo(1000);
        assertThat(client.closeStatus()).contains(new CloseStatus(1000, ""));
    }

    @Test
    void abortDropsTheConnectionWithoutACloseFrame() throws IOException {
        client.abort();

        assertThat(connection.readFrame()).isNull();
    }

    @Test
    void pausedReadingMakesTheServerBlockUntilReadingResumes() throws Exception {
        int frameCount = 512;
        String payload = "p".repeat(64 * 1024);
        client.pauseReading();
        AtomicLong sent = new AtomicLong();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < frameCount; i++) {
                    connection.sendText(payload);
                    sent.incrementAndGet();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        // 32 MiB exceed every socket buffer on the way: the writer can only finish if the client reads.
        await().atMost(TIMEOUT).until(() -> sent.get() > 0);
        assertThat(writer).failsWithin(Duration.ofSeconds(1));
        assertThat(client.frames().size()).isLessThanOrEqualTo(1);

        client.resumeReading();

        writer.get(30, TimeUnit.SECONDS);
        await().atMost(TIMEOUT).until(() -> client.frames().size() == frameCount);
        assertThat(sent.get()).isEqualTo(frameCount);
    }

    @Test
    void aRefusedHandshakeReportsTheHttpStatus() throws Exception {
        CompletableFuture<Connection> refused = acceptAsync();

        assertThatThrownBy(() -> WsTestClient.connect(server.uri("/deny")))
                .isInstanceOfSatisfying(WsHandshakeException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
        refused.get(10, TimeUnit.SECONDS).close();
    }

    private CompletableFuture<Connection> acceptAsync() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return server.accept();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
