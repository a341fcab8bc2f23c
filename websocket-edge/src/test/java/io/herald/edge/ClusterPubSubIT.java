package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.redis.RedisKeys;
import io.herald.edge.delivery.PubSubHub;
import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.FrameAudit;
import io.herald.edge.support.Frames;
import io.herald.edge.support.Pipeline;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisCluster;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsTestClient;
import io.lettuce.core.cluster.SlotHash;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The edge on a Redis Cluster (3 primaries, 3 replicas; docs/architecture.md, "The edge on a Redis Cluster"): live
 * messages arrive by SSUBSCRIBE on the primary serving each channel's slot, and keep arriving when that primary is
 * killed and its replica promoted, or the slot moves to another primary, while notifications are being published.
 * Each scenario audits the raw frames one client got: every notification Kafka holds exactly once, in order, no
 * {@code reset}. The cluster is shared by the class; a test that kills a node brings it back afterwards.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterPubSubIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final TestTokens TOKENS = new TestTokens(TestTokens.SECRET);

    private final KafkaBroker kafka;
    private final String topic = "edge-cluster-" + UUID.randomUUID();
    private final List<RedisServer> killed = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private RedisCluster cluster;
    private EdgeNode edge;
    private Pipeline pipeline;

    ClusterPubSubIT(KafkaBroker kafka) {
        this.kafka = kafka;
    }

    @BeforeAll
    void start() {
        kafka.createTopic(topic, 3);
        cluster = RedisCluster.start();
        edge = EdgeNode.start("redis://127.0.0.1:1", kafka.bootstrapServers(), topic,
                "spring.data.redis.cluster.nodes=" + String.join(",", cluster.clusterNodes()),
                "herald.edge.limits.subscribe-timeout=2s",
                "herald.edge.health.canary.interval=200ms", "herald.edge.health.canary.timeout=2s");
        pipeline = Pipeline.onCluster(kafka.bootstrapServers(), topic, cluster);
    }

    @AfterEach
    void restoreKilledNodes() {
        killed.forEach(cluster::restore);
        killed.clear();
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (edge != null) {
            edge.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void clientsSubscribedToChannelsOnEveryShardGetTheirLiveMessages() {
        List<RedisServer> primaries = cluster.primaries();
        List<String> channels = primaries.stream().map(this::channelServedBy).toList();
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKENS.token("shards", "user:*")))) {
            for (String channel : channels) {
                client.send(SubscriptionIT.subscribe(channel, null));
                client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
            }
            for (int n = 0; n < 10; n++) {
                for (String channel : channels) {
                    pipeline.publish(channel, n);
                }
            }
            for (String channel : channels) {
                audit(channel).atMost(WAIT).untilAsserted(() ->
                        assertThat(FrameAudit.of(client.frames(), channel, 10)).isEqualTo(FrameAudit.clean(10)));
            }
        }
    }

    @Test
    void thePubSubProbeSendsACanaryThroughEveryShard() throws Exception {
        await("pubsub UP").atMost(WAIT).until(() -> "UP".equals(pubsubHealth().path("status").asString()));
        JsonNode canaries = pubsubHealth().at("/details/channel");
        assertThat(canaries.isArray()).as("one canary channel per primary: %s", canaries).isTrue();
        Set<RedisServer> shards = new HashSet<>();
        for (JsonNode canary : canaries) {
            shards.add(cluster.primaryForSlot(SlotHash.getSlot(canary.asString())));
        }
        assertThat(shards).containsExactlyInAnyOrderElementsOf(cluster.primaries());
    }

    @Test
    void killingTheBusyChannelsPrimaryUnderLoadRehomesItsSubscriptionsToThePromotedReplica() {
        String channel = channelServedBy(cluster.primaries().get(0));
        int slot = slotOf(channel);
        double rehomedBefore = rehomed();
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKENS.token("failover", "user:*")))) {
            client.send(SubscriptionIT.subscribe(channel, null));
            client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
            Publisher publisher = Publisher.start(pipeline, channel);
            await("messages before the failover").atMost(WAIT)
                    .until(() -> Frames.counters(client.frames(), channel).size() >= 50);

            killed.add(cluster.failover(slot));
            long liveAtFailover = hub().received(ChannelName.parse(channel));

            // live messages, not only catch-ups (the tail check and prev checks would repair a dead subscription
            // too, a few seconds late each time): the node's pub/sub receives the channel again
            await("live messages after the failover").atMost(WAIT)
                    .until(() -> hub().received(ChannelName.parse(channel)) > liveAtFailover);
            int published = publisher.stop();
            audit(channel).atMost(WAIT).untilAsserted(() -> assertThat(FrameAudit.of(client.frames(), channel, published))
                    .isEqualTo(FrameAudit.clean(published)));
        }
        assertThat(rehomed()).as("herald.edge.pubsub.rehomed").isGreaterThan(rehomedBefore);
        // the shard's canary came back through the promoted replica too
        await("pubsub UP after the failover").atMost(WAIT)
                .until(() -> "UP".equals(pubsubHealth().path("status").asString()));
    }

    @Test
    void migratingTheBusyChannelsSlotToAnotherPrimaryKeepsItsSubscriptionsDelivering() {
        String channel = channelServedBy(cluster.primaries().get(1));
        int slot = slotOf(channel);
        RedisServer target = cluster.primaries().stream().filter(p -> p != cluster.primaryForSlot(slot)).findFirst()
                .orElseThrow();
        double rehomedBefore = rehomed();
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKENS.token("migration", "user:*")))) {
            client.send(SubscriptionIT.subscribe(channel, null));
            client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
            Publisher publisher = Publisher.start(pipeline, channel);
            await("messages before the migration").atMost(WAIT)
                    .until(() -> Frames.counters(client.frames(), channel).size() >= 50);

            cluster.migrateSlot(slot, target);
            long liveAtMigration = hub().received(ChannelName.parse(channel));

            await("live messages after the migration").atMost(WAIT)
                    .until(() -> hub().received(ChannelName.parse(channel)) > liveAtMigration);
            int published = publisher.stop();
            audit(channel).atMost(WAIT).untilAsserted(() -> assertThat(FrameAudit.of(client.frames(), channel, published))
                    .isEqualTo(FrameAudit.clean(published)));
        }
        assertThat(cluster.primaryForSlot(slot)).isSameAs(target);
        assertThat(rehomed()).as("herald.edge.pubsub.rehomed").isGreaterThan(rehomedBefore);
    }

    @Test
    void aSubscribeDuringAFailoverIsAnsweredAndSucceedsOnceAReplicaIsPromoted() {
        String channel = channelServedBy(cluster.primaries().get(2));
        int slot = slotOf(channel);
        RedisServer primary = cluster.primaryForSlot(slot);
        try (WsTestClient client = WsTestClient.connect(edge.ws(TOKENS.token("during", "user:*")))) {
            primary.kill();
            killed.add(primary);
            client.send(SubscriptionIT.subscribe(channel, null));
            // each subscribe is answered: subscribed, or `error unavailable` and the client tries again
            await("subscribed after the promotion").atMost(WAIT).until(() -> {
                String answer = client.awaitFrame(f -> Frames.is(f, "subscribed", channel)
                        || Frames.is(f, "error", channel), WAIT);
                if (Frames.is(answer, "subscribed", channel)) {
                    return true;
                }
                assertThat(Frames.parse(answer).path("code").asString()).isEqualTo("unavailable");
                client.send(SubscriptionIT.subscribe(channel, null));
                return false;
            });
            IntStream.range(0, 10).forEach(n -> pipeline.publish(channel, n));
            audit(channel).atMost(WAIT).untilAsserted(() ->
                    assertThat(FrameAudit.of(client.frames(), channel, 10)).isEqualTo(FrameAudit.clean(10)));
        }
    }

    /** A channel whose slot {@code primary} serves now. */
    private String channelServedBy(RedisServer primary) {
        for (int i = 0; ; i++) {
            String channel = "user:cl-" + UUID.randomUUID().toString().substring(0, 6) + i;
            if (cluster.primaryForSlot(slotOf(channel)) == primary) {
                return channel;
            }
        }
    }

    private static int slotOf(String channel) {
        return SlotHash.getSlot(RedisKeys.pubsub(ChannelName.parse(channel)));
    }

    private JsonNode pubsubHealth() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(edge.management("/actuator/health/pubsub"))
                .build(), HttpResponse.BodyHandlers.ofString());
        return Frames.parse(response.body());
    }

    private PubSubHub hub() {
        return edge.bean(PubSubHub.class);
    }

    private double rehomed() {
        return edge.bean(MeterRegistry.class).counter("herald.edge.pubsub.rehomed").count();
    }

    private static org.awaitility.core.ConditionFactory audit(String channel) {
        return org.awaitility.Awaitility.await("every notification of " + channel + " once, in order, no reset");
    }

    /**
     * Publishes notifications {@code 0, 1, 2, ...} of one channel, one after the other, on a thread of its own,
     * until stopped; through a failover each waits for the slot's new primary.
     */
    private static final class Publisher {
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final AtomicInteger published = new AtomicInteger();
        private final CompletableFuture<Void> done;

        private Publisher(Pipeline pipeline, String channel) {
            done = CompletableFuture.runAsync(() -> {
                while (!stopping.get()) {
                    pipeline.publish(channel, published.get());
                    published.incrementAndGet();
                }
            });
        }

        static Publisher start(Pipeline pipeline, String channel) {
            return new Publisher(pipeline, channel);
        }

        /** Stops after the notification being published; returns how many were. */
        int stop() {
            stopping.set(true);
            done.join();
            return published.get();
        }
    }
}
