package io.herald.client.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.client.support.EdgeNode;
import io.herald.client.support.Pipeline;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.support.FreePort;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite: what every Herald client must do against a real edge (real redis-server, real Kafka),
 * written once and run for each client by a subclass that says how to start one ({@link #clients()}). Every
 * assertion is on what the application received (each notification once, in order) and on the client's metrics
 * hooks and callbacks. Scenarios: ordered exactly-once delivery across an edge killed and another started on a
 * different port; a draining edge (1012); a resume after a long disconnect served from Kafka; a {@code reset} when
 * Kafka lost the gap too; token refresh over several lifetimes; 4001 answered with a new token; a token supplier that
 * fails after 4001 (the client stops); a slow consumer (4008) resumed; a forbidden channel; an edge that never
 * answers the handshake.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ClientConformance {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final TestTokens TOKENS = new TestTokens(TestTokens.SECRET);
    private static final String TOKEN = TOKENS.token("conformance-tester", "user:*");
    private static final Duration SHORT_LIFETIME = Duration.ofSeconds(4);

    private final String topic = "client-conformance-" + UUID.randomUUID();
    private final KafkaBroker kafka;
    private final RedisServer redis;
    private Pipeline pipeline;
    /** Shared by the scenarios that do not stop edges; no clock skew, so short tokens expire when they say. */
    private EdgeNode edge;

    protected ClientConformance(KafkaBroker kafka, RedisServer redis) {
        this.kafka = kafka;
        this.redis = redis;
    }

    /** How to start the client under test. */
    protected abstract ClientUnderTest.Factory clients();

    @BeforeAll
    void startEdge() {
        kafka.createTopic(topic, 3);
        pipeline = new Pipeline(kafka.bootstrapServers(), topic, redis.url());
        edge = edge("herald.edge.auth.clock-skew=0s");
    }

    @AfterAll
    void stopEdge() {
        if (edge != null) {
            edge.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void orderedExactlyOnceAcrossAnEdgeKilledAndAnotherStartedOnAnotherPort(@TempDir Path dir) {
        String channel = channel();
        int portB = FreePort.pick();
        URI edgeB = EdgeNode.ws(portB);
        EdgeNode b = null;
        try (EdgeProcess a = EdgeProcess.start(FreePort.pick(), redis.url(), kafka.bootstrapServers(), topic,
                dir.resolve("edge-a.log"));
             ClientUnderTest client = start(ClientConfig.of(List.of(a.ws(), edgeB), () -> TOKEN))) {
            client.subscribe(channel);
            client.connect();
            awaitSubscribed(client, channel);
            publish(channel, 0, 50);
            awaitNumbers(client, channel, 50);

            a.kill();
            // published while no edge runs: the client gets them when it resumes on B
            publish(channel, 50, 100);
            b = edge("server.port=" + portB);
            awaitNumbers(client, channel, 100);
            publish(channel, 100, 150);
            awaitNumbers(client, channel, 150);

            assertThat(client.observed().channel(channel).numbers()).containsExactlyElementsOf(range(0, 150));
            assertThat(client.observed().connected()).first().isEqualTo(a.ws());
            assertThat(client.observed().connected()).last().isEqualTo(edgeB);
            assertThat(client.observed().disconnected()).first().isEqualTo(1006);
        } finally {
            if (b != null) {
                b.close();
            }
        }
    }

    @Test
    void aDrainingEdgeSends1012AndTheClientResumesOnTheOtherEdgeWhilePublishingGoesOn() {
        String channel = channel();
        EdgeNode a = edge();
        URI edgeA = a.ws(); // a closed node no longer knows its port
        try (EdgeNode b = edge();
             ClientUnderTest client = start(ClientConfig.of(List.of(edgeA, b.ws()), () -> TOKEN))) {
            client.subscribe(channel);
            client.connect();
            awaitSubscribed(client, channel);
            publish(channel, 0, 20);
            awaitNumbers(client, channel, 20);

            CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> publish(channel, 20, 120));
            a.close(); // graceful shutdown: the node drains its sessions with 1012
            publisher.join();
            awaitNumbers(client, channel, 120);

            assertThat(client.observed().channel(channel).numbers()).containsExactlyElementsOf(range(0, 120));
            assertThat(client.observed().disconnected()).containsExactly(1012);
            assertThat(client.observed().connected()).containsExactly(edgeA, b.ws());
        }
    }

    @Test
    void aResumeAfterALongDisconnectIsServedFromKafka() {
        String channel = channel();
        String position;
        try (ClientUnderTest before = start(ClientConfig.of(List.of(edge.ws()), () -> TOKEN))) {
            before.subscribe(channel);
            before.connect();
            awaitSubscribed(before, channel);
            publish(channel, 0, 10);
            awaitNumbers(before, channel, 10);
            assertThat(before.observed().channel(channel).numbers()).containsExactlyElementsOf(range(0, 10));
            position = before.position(channel).orElseThrow();
        }
        // while the application is away: more notifications, and Redis no longer holds the channel's log
        publish(channel, 10, 30);
        pipeline.wipeChannel(channel);

        // the application starts again with the position it had stored
        try (ClientUnderTest after = start(ClientConfig.of(List.of(edge.ws()), () -> TOKEN)
                .withPositions(Map.of(channel, position)))) {
            after.subscribe(channel);
            after.connect();
            awaitNumbers(after, channel, 20);
            pipeline.publish(channel, 30);
            awaitNumbers(after, channel, 21);

            assertThat(after.observed().channel(channel).numbers()).containsExactlyElementsOf(range(10, 31));
            assertThat(after.observed().channel(channel).resets()).isEmpty();
        }
    }

    @Test
    void aResetIsReportedWhenKafkaNoLongerHoldsTheGapThenDeliveryGoesOn() throws Exception {
        String channel = channel();
        List<RecordMetadata> records = new ArrayList<>();
        IntStream.range(0, 10).forEach(n -> records.add(pipeline.publish(channel, n, "")));
        RecordMetadata eighth = records.get(8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.deleteRecords(Map.of(new TopicPartition(topic, eighth.partition()),
                    RecordsToDelete.beforeOffset(eighth.offset()))).all().get();
        }
        pipeline.wipeChannel(channel);

        // the application processed up to notification 2 in an earlier life
        try (ClientUnderTest client = start(ClientConfig.of(List.of(edge.ws()), () -> TOKEN)
                .withPositions(Map.of(channel, records.get(2).offset() + "-1")))) {
            client.subscribe(channel);
            client.connect();
            awaitNumbers(client, channel, 2);
            pipeline.publish(channel, 10);
            awaitNumbers(client, channel, 3);

            // 3..7 are gone from Redis and Kafka: one reset, then what Kafka still holds, then live
            Observed.Channel received = client.observed().channel(channel);
            assertThat(received.resets()).hasSize(1);
            assertThat(received.resets().get(0)).contains("kafka no longer holds");
            assertThat(received.numbers()).containsExactly(8, 9, 10);
        }
    }

    @Test
    void theTokenIsRefreshedBeforeItExpiresAndTheSessionOutlivesSeveralTokens() {
        String subject = subject();
        String channel = "user:" + subject;
        AtomicInteger supplied = new AtomicInteger();
        try (ClientUnderTest client = start(ClientConfig.of(List.of(edge.ws()), () -> {
            supplied.incrementAndGet();
            return TOKENS.token(subject, Instant.now().plus(SHORT_LIFETIME));
        }))) {
            client.subscribe(channel);
            client.connect();
            awaitSubscribed(client, channel);
            Instant end = Instant.now().plus(SHORT_LIFETIME.multipliedBy(3));
            int n = 0;
            while (Instant.now().isBefore(end)) {
                pipeline.publish(channel, n);
                awaitNumbers(client, channel, ++n);
            }

            // three lifetimes on one connection: only refreshes kept it open
            assertThat(client.observed().connected()).hasSize(1);
            assertThat(client.observed().disconnected()).isEmpty();
            assertThat(supplied.get()).isGreaterThanOrEqualTo(4);
            assertThat(client.observed().channel(channel).numbers()).containsExactlyElementsOf(range(0, n));
        }
    }

    @Test
    void anExpiredTokenClosedWith4001IsReplacedFromTheSupplierAndTheChannelResumes() {
        String subject = subject();
        String channel = "user:" + subject;
        try (ClientUnderTest client = start(ClientConfig.of(List.of(edge.ws()),
                () -> TOKENS.token(subject, Instant.now().plus(SHORT_LIFETIME)))
                .withTokenInQuery()
                .withRefreshBefore(Duration.ZERO))) {
            client.subscribe(channel);
            client.connect();
            awaitSubscribed(client, channel);
            int n = 0;
            while (client.observed().connected().size() < 3) {
                pipeline.publish(channel, n);
                awaitNumbers(client, channel, ++n);
            }

            assertThat(client.observed().disconnected()).startsWith(4001, 4001);
            assertThat(client.observed().channel(channel).numbers()).containsExactlyElementsOf(range(0, n));
        }
    }

    @Test
    void whenTheSupplierCannotReplaceAnExpiredTokenTheClientStopsInsteadOfLooping() {
        String subject = subject();
        String channel = "user:" + subject;
        AtomicInteger supplied = new AtomicInteger();
        try (ClientUnderTest client = start(ClientConfig.of(List.of(edge.ws()), () -> {
            if (supplied.incrementAndGet() > 1) {
                throw new IllegalStateException("the identity provider is gone");
            }
            return TOKENS.token(subject, Instant.now().plus(SHORT_LIFETIME));
        }).withRefreshBefore(Duration.ZERO))) {
            client.subscribe(channel);
            client.connect();
            awaitSubscribed(client, channel);
            pipeline.publish(channel, 0);

            await().atMost(WAIT).until(() -> client.state().equals("closed"));
            assertThat(client.observed().disconnected()).containsExactly(4001);
            assertThat(client.observed().errors()).extracting(Observed.ReportedError::code)
                    .contains("token-unavailable");
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> supplied.get() == 2);
            assertThat(client.observed().connected()).hasSize(1);
            assertThat(client.observed().channel(channel).numbers()).containsExactly(0);
        }
    }

    @Test
    void aBlockedListenerGetsTheConnectionClosedAsSlowThenEverythingArrivesOnceInOrder() {
        String channel = channel();
        // notifications near the 64 KiB data limit, so that few publishes make a lot of bytes
        String padding = "x".repeat(60_000);
        int total = 800;
        try (EdgeNode slowEdge = edge("herald.edge.outbound.max-bytes=262144", "herald.edge.outbound.max-delay=3s");
             ClientUnderTest client = start(ClientConfig.of(List.of(slowEdge.ws()), () -> TOKEN)
                     .blockingOn(channel, 0).withoutOwnSilenceDetection())) {
            client.subscribe(channel);
            client.connect();
            awaitSubscribed(client, channel);
            try {
                pipeline.publish(channel, 0, padding);
                await().atMost(WAIT).until(client::blocked);
                // about 48 MB behind a listener that takes nothing: more than the loopback socket buffers (a Node.js
                // client's receive buffer grows up to net.ipv4.tcp_rmem's 32 MB here, plus 4 MB to send) and the
                // edge's 256 KiB can hold
                IntStream.range(1, total).forEach(n -> pipeline.publish(channel, n, padding));
                await().atMost(WAIT).until(() -> slowConsumerCloses(slowEdge) >= 1);
            } finally {
                client.release();
            }
            // the resume reads 48 MB back from the log at the client's pace: on a loaded CI host (two modules' tests
            // at once) that alone has taken more than WAIT; a client that has to notice a cut connection by its
            // heartbeat (30 s) starts it later. If it still does not arrive, the threads' stacks say where it stands
            try {
                await().atMost(WAIT.multipliedBy(3))
                        .until(() -> client.observed().channel(channel).numbers().size() >= total);
            } catch (ConditionTimeoutException e) {
                System.err.println("blocked-listener resume stuck at " + client.observed().channel(channel).numbers()
                        .size() + " of " + total + " messages, state " + client.state() + "; threads:");
                Thread.getAllStackTraces().forEach((thread, stack) -> {
                    System.err.println("\"" + thread.getName() + "\" " + thread.getState());
                    for (StackTraceElement frame : stack) {
                        System.err.println("    at " + frame);
                    }
                });
                throw e;
            }
            pipeline.publish(channel, total, padding);
            awaitNumbers(client, channel, total + 1);

            assertThat(client.observed().channel(channel).numbers()).containsExactlyElementsOf(range(0, total + 1));
            assertThat(client.observed().connected()).hasSizeGreaterThanOrEqualTo(2);
            // 4008 when the close frame got through, 1006 when the edge had to abort the connection; 4000 when the
            // abort cut a frame in two, which the JDK's WebSocket (17 and 25) may never report: the Java client's
            // heartbeat ends that connection
            assertThat(client.observed().disconnected()).first().isIn(4008, 1006, 4000);
        }
    }

    @Test
    void aForbiddenChannelGetsOneErrorAndNoRetryWhileAllowedChannelsWork() {
        String subject = subject();
        String own = "user:" + subject;
        String other = channel();
        try (ClientUnderTest client = start(ClientConfig.of(List.of(edge.ws()), () -> TOKENS.token(subject)))) {
            client.subscribe(other);
            client.subscribe(own);
            client.connect();
            awaitSubscribed(client, own);
            await().atMost(WAIT).until(() -> client.observed().channel(other).errors().size() == 1);
            pipeline.publish(other, 0);
            pipeline.publish(own, 0);
            awaitNumbers(client, own, 1);

            assertThat(client.observed().channel(other).errors()).containsExactly("forbidden");
            // no retry loop: the channel is given up, the connection stays
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> client.observed().errors()
                    .stream().filter(error -> error.code().equals("forbidden")).count() == 1);
            assertThat(client.observed().errors()).contains(new Observed.ReportedError("forbidden", other));
            assertThat(client.observed().channel(other).numbers()).isEmpty();
            assertThat(client.observed().connected()).hasSize(1);
            assertThat(client.state()).isEqualTo("open");
            assertThat(client.observed().channel(own).numbers()).containsExactly(0);
        }
    }

    @Test
    void anEdgeThatNeverAnswersTheHandshakeIsGivenUpOnForTheNextOne() throws IOException {
        String channel = channel();
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // and never say a word
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            URI silentEdge = EdgeNode.ws(silent.getLocalPort());
            try (ClientUnderTest client = start(ClientConfig.of(List.of(silentEdge, edge.ws()), () -> TOKEN)
                    .withHandshakeTimeout(Duration.ofSeconds(2)))) {
                client.subscribe(channel);
                client.connect();
                awaitSubscribed(client, channel);
                pipeline.publish(channel, 0);
                pipeline.publish(channel, 1);
                awaitNumbers(client, channel, 2);

                assertThat(accepted).isNotEmpty();
                assertThat(client.observed().attempts().get(0)).isEqualTo(silentEdge);
                assertThat(client.observed().connected()).containsExactly(edge.ws());
                assertThat(client.observed().channel(channel).numbers()).containsExactly(0, 1);
            } finally {
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
        }
    }

    // ---- helpers for the scenarios and for subclasses' client-specific tests ----

    protected ClientUnderTest start(ClientConfig config) {
        return clients().start(config);
    }

    protected EdgeNode sharedEdge() {
        return edge;
    }

    protected Pipeline pipeline() {
        return pipeline;
    }

    protected static String token() {
        return TOKEN;
    }

    private EdgeNode edge(String... properties) {
        return EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic, properties);
    }

    private void publish(String channel, int from, int to) {
        IntStream.range(from, to).forEach(n -> pipeline.publish(channel, n));
    }

    /** The channel's subscription is live once the client knows its starting position. */
    protected static void awaitSubscribed(ClientUnderTest client, String channel) {
        await().atMost(WAIT).until(() -> client.position(channel).isPresent());
    }

    protected static void awaitNumbers(ClientUnderTest client, String channel, int count) {
        await().atMost(WAIT).until(() -> client.observed().channel(channel).numbers().size() >= count);
    }

    private static double slowConsumerCloses(EdgeNode edge) {
        return edge.bean(MeterRegistry.class).counter("herald.edge.sessions.closed", "reason", "slow_consumer").count();
    }

    protected static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    protected static String channel() {
        return "user:" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String subject() {
        return "client-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
