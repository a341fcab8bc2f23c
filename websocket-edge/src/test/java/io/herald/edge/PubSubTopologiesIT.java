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
import io.herald.testkit.redis.RedisSentinelGroup;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsTestClient;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One contract, every Redis topology the edge runs on ({@code PubSubHub} over {@code SinglePubSub} or
 * {@code ClusterPubSub}): a client subscribed when its channel's primary dies (restarted empty, replaced through
 * Sentinel, or replaced by its replica in a cluster) receives every notification published before and after,
 * once, in order, without a {@code reset}, and the ones after arrive through the node's pub/sub again, not only
 * through repairs.
 */
@WithKafka
class PubSubTopologiesIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = new TestTokens(TestTokens.SECRET).token("topologies", "user:*");

    @ParameterizedTest
    @EnumSource(Topology.class)
    void liveDeliveryOutlivesTheLossOfTheChannelsPrimary(Topology topology, KafkaBroker kafka) {
        String topic = "edge-topology-" + UUID.randomUUID();
        String channel = "user:topo-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(topic, 3);
        try (RedisUnderTest redis = topology.start();
                EdgeNode edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic, redis.edgeProperties());
                WsTestClient client = WsTestClient.connect(edge.ws(TOKEN))) {
            PubSubHub hub = edge.bean(PubSubHub.class);
            client.send(SubscriptionIT.subscribe(channel, null));
            client.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
            try (Pipeline before = redis.pipeline(kafka, topic)) {
                IntStream.range(0, 5).forEach(n -> before.publish(channel, n));
            }
            await().atMost(WAIT).until(() -> Frames.counters(client.frames(), channel).size() == 5);
            long liveBefore = hub.received(ChannelName.parse(channel));

            redis.losePrimaryOf(channel);

            AtomicInteger published = new AtomicInteger(5);
            try (Pipeline after = redis.pipeline(kafka, topic)) {
                // one notification at a time until one arrives live: the first ones may be published before the node
                // is subscribed again (they reach it by the catch-up that follows)
                await("live messages after the primary was lost").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            after.publish(channel, published.getAndIncrement());
                            return hub.received(ChannelName.parse(channel)) > liveBefore;
                        });
            }
            int expected = published.get();
            await("every notification once, in order, no reset").atMost(WAIT).untilAsserted(() ->
                    assertThat(FrameAudit.of(client.frames(), channel, expected)).isEqualTo(FrameAudit.clean(expected)));
        }
    }

    enum Topology {
        STANDALONE {
            @Override
            RedisUnderTest start() {
                RedisServer server = RedisServer.start();
                return new RedisUnderTest() {
                    @Override
                    public String url() {
                        return server.url();
                    }

                    @Override
                    public Pipeline pipeline(KafkaBroker kafka, String topic) {
                        return new Pipeline(kafka.bootstrapServers(), topic, server.url());
                    }

                    @Override
                    public void losePrimaryOf(String channel) {
                        server.kill();
                        server.restart(); // empty, as after a crash without persistence
                    }

                    @Override
                    public void close() {
                        server.close();
                    }
                };
            }
        },
        SENTINEL {
            @Override
            RedisUnderTest start() {
                RedisSentinelGroup group = RedisSentinelGroup.start();
                return new RedisUnderTest() {
                    @Override
                    public String url() {
                        return group.primary().url();
                    }

                    @Override
                    public String[] edgeProperties() {
                        return new String[] {"spring.data.redis.sentinel.master=" + RedisSentinelGroup.MASTER_NAME,
                                "spring.data.redis.sentinel.nodes=" + String.join(",", group.sentinelNodes())};
                    }

                    @Override
                    public Pipeline pipeline(KafkaBroker kafka, String topic) {
                        // through the sentinels, a new one per primary (scripts are loaded per server)
                        return new Pipeline(kafka.bootstrapServers(), topic, "redis-sentinel://"
                                + String.join(",", group.sentinelNodes()) + "#" + RedisSentinelGroup.MASTER_NAME);
                    }

                    @Override
                    public void losePrimaryOf(String channel) {
                        group.failover();
                    }

                    @Override
                    public void close() {
                        group.close();
                    }
                };
            }
        },
        CLUSTER {
            @Override
            RedisUnderTest start() {
                RedisCluster cluster = RedisCluster.start();
                return new RedisUnderTest() {
                    @Override
                    public String url() {
                        return "redis://127.0.0.1:1"; // not used: cluster.nodes wins
                    }

                    @Override
                    public String[] edgeProperties() {
                        return new String[] {"spring.data.redis.cluster.nodes=" + String.join(",", cluster.clusterNodes())};
                    }

                    @Override
                    public Pipeline pipeline(KafkaBroker kafka, String topic) {
                        return Pipeline.onCluster(kafka.bootstrapServers(), topic, cluster);
                    }

                    @Override
                    public void losePrimaryOf(String channel) {
                        cluster.failover(SlotHash.getSlot(RedisKeys.pubsub(ChannelName.parse(channel))));
                    }

                    @Override
                    public void close() {
                        cluster.close();
                    }
                };
            }
        };

        abstract RedisUnderTest start();
    }

    /** A Redis topology as the test drives it. */
    private interface RedisUnderTest extends AutoCloseable {

        String url();

        default String[] edgeProperties() {
            return new String[0];
        }

        Pipeline pipeline(KafkaBroker kafka, String topic);

        void losePrimaryOf(String channel);

        @Override
        void close();
    }
}
