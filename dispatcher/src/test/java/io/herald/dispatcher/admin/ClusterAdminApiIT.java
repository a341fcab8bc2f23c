package io.herald.dispatcher.admin;

import static io.herald.dispatcher.support.RunningDispatcher.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.dispatcher.support.AdminApi;
import io.herald.dispatcher.support.RunningDispatcher;
import io.herald.redis.LiveMessage;
import io.herald.redis.RedisKeys;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisCluster;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The admin API of a dispatcher on a Redis Cluster of three primaries ({@code spring.data.redis.cluster.nodes}): the
 * engines reach the primary that serves a channel's slot. {@link AdminApiIT} covers the API itself on one primary.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterAdminApiIT {

    private static final String TOKEN = "cluster-admin-it-token";

    private RedisCluster cluster;
    private RunningDispatcher dispatcher;
    private AdminApi admin;

    @BeforeAll
    void start(KafkaBroker kafka) {
        cluster = RedisCluster.start();
        dispatcher = RunningDispatcher.startOnCluster("cluster-admin", kafka, cluster,
                "--herald.dispatcher.admin.token=" + TOKEN);
        admin = new AdminApi(dispatcher, TOKEN);
    }

    @AfterAll
    void stop() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRestoreRefillsChannelsOnEveryPrimaryWithTheirPrevChainsAndASecondRestoreWritesNothing() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> channels = IntStream.range(0, 12).mapToObj(i -> "user:restore-" + run + "-" + i).toList();
        assertThat(channels.stream().map(c -> cluster.primaryFor(log(c))).distinct()).as("channels on all three primaries")
                .hasSize(3);
        for (int n = 0; n < 4; n++) {
            for (String channel : channels) {
                dispatcher.send(channel, envelope(channel + "-" + n, channel, n));
            }
        }
        dispatcher.awaitCaughtUp();
        Map<String, List<StreamMessage<String, String>>> before = new LinkedHashMap<>();
        channels.forEach(channel -> before.put(channel, dispatcher.log(channel)));
        assertThat(before.values()).allSatisfy(log -> assertThat(log).hasSize(4));
        channels.forEach(channel -> dispatcher.reader().del(log(channel), RedisKeys.meta(ChannelName.parse(channel))));

        JsonNode restore = admin.runJob("/admin/restore", "{\"since\":\"0\"}");
        assertThat(restore.path("state").asString()).as(restore.toString()).isEqualTo("succeeded");
        assertThat(restore.at("/report/restored").asLong()).isEqualTo(48);
        for (String channel : channels) {
            // the very entries the dispatcher had written, IDs and prev chain included, on the slot's primary itself
            assertThat(dispatcher.log(channel)).as(channel).isEqualTo(before.get(channel));
            assertThat(xlenOn(cluster.primaryFor(log(channel)), channel)).isEqualTo(4);
            assertThat(dispatcher.meta(channel)).containsEntry(RedisKeys.META_LAST, before.get(channel).get(3).getId());
        }

        JsonNode again = admin.runJob("/admin/restore", "{\"since\":\"0\"}");
        assertThat(again.path("state").asString()).as(again.toString()).isEqualTo("succeeded");
        assertThat(again.at("/report/restored").asLong()).isZero();
        assertThat(again.at("/report/present").asLong())
                .isEqualTo(restore.at("/report/restored").asLong() + restore.at("/report/present").asLong());
        channels.forEach(channel -> assertThat(dispatcher.log(channel)).isEqualTo(before.get(channel)));
    }

    @Test
    void channelReplayAndStatusReachTheShardOfTheChannel() throws Exception {
        String channel = "topic:cluster-admin-" + UUID.randomUUID().toString().substring(0, 8);
        List<LiveMessage> received = new CopyOnWriteArrayList<>();
        try (RedisClient client = RedisClient.create(cluster.primaryFor(log(channel)).url());
                StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub()) {
            subscriber.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void smessage(String shardChannel, String message) {
                    received.add(LiveMessage.parse(message));
                }
            });
            subscriber.sync().ssubscribe(RedisKeys.pubsub(ChannelName.parse(channel)));
            RecordMetadata first = dispatcher.send(channel, envelope("shard-1", channel, 1));
            RecordMetadata second = dispatcher.send(channel, envelope("shard-2", channel, 2));
            dispatcher.awaitCaughtUp();
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);

            JsonNode info = admin.ok("GET", "/admin/channels/" + channel, null);
            assertThat(info.path("logLength").asLong()).isEqualTo(2);
            assertThat(info.path("last").asString()).isEqualTo(second.offset() + "-1");
            assertThat(info.path("partition").asInt()).isEqualTo(first.partition());
            assertThat(info.at("/newest/prev").asString()).isEqualTo(first.offset() + "-1");
            assertThat(info.path("subscriberNodes").asLong()).as("this test's SSUBSCRIBE on the shard").isEqualTo(1);

            JsonNode replay = admin.runJob("/admin/replay", "{\"channel\":\"" + channel + "\",\"since\":\"0\"}");
            assertThat(replay.path("state").asString()).as(replay.toString()).isEqualTo("succeeded");
            assertThat(replay.at("/report/published").asLong()).isEqualTo(2);
            assertThat(replay.at("/report/receivers").asLong()).as("published with SPUBLISH on the shard").isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 4);
            assertThat(received.subList(2, 4)).allSatisfy(m -> assertThat(m.replay()).isTrue())
                    .extracting(m -> m.id().toString()).containsExactly(first.offset() + "-1", second.offset() + "-1");
        }

        JsonNode status = admin.ok("GET", "/admin/status", null);
        assertThat(status.at("/redis/up").asBoolean()).as(status.toString()).isTrue();
        assertThat(status.at("/redis/detail").asString()).contains("3 primaries");
        assertThat(status.at("/kafka/up").asBoolean()).isTrue();
    }

    private static String log(String channel) {
        return RedisKeys.log(ChannelName.parse(channel));
    }

    /** XLEN on one node by a plain connection: answers only if that node holds the key (else MOVED). */
    private static long xlenOn(RedisServer node, String channel) {
        try (RedisClient client = RedisClient.create(node.url()); StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().xlen(log(channel));
        }
    }
}
