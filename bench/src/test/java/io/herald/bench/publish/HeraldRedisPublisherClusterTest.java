package io.herald.bench.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import io.herald.redis.RedisKeys;
import io.herald.testkit.redis.RedisCluster;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The feed on a real 3+3 Redis Cluster: each channel's message is applied on its slot's primary, with SPUBLISH. */
class HeraldRedisPublisherClusterTest {

    private static RedisCluster cluster;
    private static final RedisClient client = RedisClient.create();

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stop() {
        client.shutdown();
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void eachChannelIsAppliedAndSharedPublishedOnItsSlotsPrimary() throws Exception {
        List<ChannelName> channels = IntStream.range(0, 30).mapToObj(i -> ChannelName.parse("user:p-" + i)).toList();
        Map<String, Integer> expected = new HashMap<>();
        for (ChannelName channel : channels) {
            expected.merge("127.0.0.1:" + cluster.primaryFor(RedisKeys.log(channel)).port(), 1, Integer::sum);
        }
        ChannelName first = channels.get(0);
        RedisServer home = cluster.primaryFor(RedisKeys.log(first));
        List<String> received = new CopyOnWriteArrayList<>();
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub(RedisURI.create(home.url()));
                HeraldRedisPublisher publisher = new HeraldRedisPublisher(cluster.nodes().get(0).url(), true, channels,
                        new BenchEnvelopes("p", 8))) {
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void smessage(String channel, String message) {
                    received.add(channel);
                }
            });
            sub.sync().ssubscribe(RedisKeys.pubsub(first));

            assertThat(publisher.channelsPerNode()).isEqualTo(expected).hasSize(3);
            publisher.prepare();
            for (int i = 0; i < channels.size(); i++) {
                publisher.publish(i, 0, i).toCompletableFuture().get(10, TimeUnit.SECONDS);
            }

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.contains(RedisKeys.pubsub(first)));
            try (StatefulRedisConnection<String, String> c = client.connect(RedisURI.create(home.url()))) {
                assertThat(c.sync().xlen(RedisKeys.log(first))).isEqualTo(1);
            }
        }
    }
}
