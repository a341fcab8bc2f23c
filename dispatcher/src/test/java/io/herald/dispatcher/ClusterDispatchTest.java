package io.herald.dispatcher;

import static io.herald.dispatcher.support.RunningDispatcher.envelope;
import static io.herald.dispatcher.support.RunningDispatcher.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.redis.LiveMessage;
import io.herald.redis.RedisKeys;
import io.herald.engine.inspect.ChannelInfo;
import io.herald.engine.inspect.ChannelInspector;
import io.herald.engine.inspect.ComponentHealth;
import io.herald.engine.RedisAccess;
import io.herald.dispatcher.redis.ClusterHealthIndicator;
import io.herald.dispatcher.redis.RedisAvailability;
import io.herald.dispatcher.support.RunningDispatcher;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisCluster;
import io.herald.testkit.redis.RedisServer;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher on a Redis Cluster of three primaries with a replica each: records of channels on every primary
 * are applied exactly once with the same streams and meta as on one primary, published with SPUBLISH on the owning
 * shard, and nothing is lost or doubled when a primary is killed, when a stale replica is promoted, or when a slot
 * moves while batches are applied. Each fault test checks every channel's whole stream: every record once, in Kafka
 * order, each entry's {@code prev} the entry before it.
 */
@WithKafka
class ClusterDispatchTest {

    private RedisCluster cluster;
    private RunningDispatcher dispatcher;

    /** A fresh cluster per test: a failover and a restore leave the topology changed for whatever comes next. */
    @BeforeEach
    void startCluster() {
        cluster = RedisCluster.start();
    }

    @AfterEach
    void stop() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void appliesChannelsOnEveryPrimaryExactlyOnceAndPublishesToTheOwningShard(KafkaBroker kafka) {
        dispatcher = RunningDispatcher.startOnCluster("cluster-dispatch", kafka, cluster);
        List<String> channels = channels("spread", 30);
        assertThat(channels.stream().map(c -> cluster.primaryFor(log(c))).collect(Collectors.toSet()))
                .as("the channels live on all three primaries").hasSize(3);
        String watched = channels.get(0);
        List<LiveMessage> live = new CopyOnWriteArrayList<>();
        RedisServer owner = cluster.primaryFor(log(watched));
        try (RedisClient client = RedisClient.create(owner.url());
                StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub()) {
            subscriber.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void smessage(String shardChannel, String message) {
                    live.add(LiveMessage.parse(message));
                }
            });
            subscriber.sync().ssubscribe(RedisKeys.pubsub(ChannelName.parse(watched)));

            Map<String, List<String>> sent = new LinkedHashMap<>();
            for (int round = 0; round < 10; round++) {
                for (String channel : channels) {
                    sent.computeIfAbsent(channel, c -> new ArrayList<>()).add("n-" + round);
                }
            }
            send(sent);
            dispatcher.awaitCaughtUp();
            assertEveryRecordOnceInOrder(sent);
            await().atMost(Duration.ofSeconds(10)).until(() -> live.size() == 10);
            assertThat(live).extracting(m -> m.id().toString())
                    .containsExactlyElementsOf(dispatcher.log(watched).stream().map(StreamMessage::getId).toList());

            // the admin engines work on the cluster: a channel is read on the primary serving its slot, its sharded
            // subscribers included, and Redis's health is every primary's
            ChannelInfo info = dispatcher.bean(ChannelInspector.class).inspect(ChannelName.parse(watched), null);
            assertThat(info.logLength()).isEqualTo(10);
            assertThat(info.last()).isEqualTo(live.get(9).id().toString());
            assertThat(info.subscriberNodes()).isEqualTo(1);
        }
        ComponentHealth adminRedis = ComponentHealth.redis(dispatcher.bean(RedisAccess.class));
        assertThat(adminRedis.up()).as(adminRedis.detail()).isTrue();
        assertThat(adminRedis.detail()).contains("3 primaries");
        assertThat(dispatcher.records("applied")).isEqualTo(300);
        Health health = dispatcher.bean(ClusterHealthIndicator.class).health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat((Map<?, ?>) health.getDetails().get("primaries")).hasSize(3);

        // the whole topic once more: every record is a duplicate on the node that holds it
        dispatcher.replayFromEarliest();
        await().atMost(Duration.ofSeconds(30)).until(() -> dispatcher.records("duplicate") == 300);
        assertThat(dispatcher.records("applied")).isEqualTo(300);
    }

    @Test
    void nothingIsLostWhenTheReplicaThatTakesOverMissedTheLastWrites(KafkaBroker kafka) {
        dispatcher = RunningDispatcher.startOnCluster("cluster-stale", kafka, cluster);
        String channel = "user:stale-" + System.nanoTime();
        int slot = SlotHash.getSlot(log(channel));
        Map<String, List<String>> sent = new LinkedHashMap<>();
        sent.put(channel, new ArrayList<>());

        sendRange(sent, channel, 0, 20);
        dispatcher.awaitCaughtUp();
        RedisServer primary = cluster.primaryForSlot(slot);
        List<RedisServer> replicas = cluster.replicasOf(primary);
        assertThat(replicas).isNotEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> replicas.stream().allMatch(r -> xlen(r, channel) == 20));

        // the replicas stop receiving (paused, and their links cut: what the primary had sent would otherwise wait in
        // the paused processes' socket buffers and reach them on resume); ten more reach the primary
        replicas.forEach(RedisServer::pause);
        try {
            cutReplicaLinks(primary);
            sendRange(sent, channel, 20, 30);
            await().atMost(Duration.ofSeconds(20)).until(() -> xlen(primary, channel) == 30);
            // the unconfirmed batch stops being retried, so that the new primary is seen as it was promoted (a
            // retry would otherwise fill it in before the check below)
            dispatcher.container().pause();
            await().atMost(Duration.ofSeconds(20)).until(() -> dispatcher.container().isContainerPaused());
            primary.kill();
        } finally {
            replicas.forEach(RedisServer::resume);
        }
        await("a stale replica is promoted").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> replicas.contains(cluster.primaryForSlot(slot)));
        assertThat(xlen(cluster.primaryForSlot(slot), channel)).as("the new primary is stale").isEqualTo(20);
        dispatcher.container().resume();
        cluster.restore(primary);

        sendRange(sent, channel, 30, 40);
        dispatcher.awaitCaughtUp(Duration.ofSeconds(60));
        assertEveryRecordOnceInOrder(sent);
    }

    @Test
    void aBatchIsCommittedOnlyOnceAReplicaOfItsPrimaryHoldsIt(KafkaBroker kafka) {
        dispatcher = RunningDispatcher.startOnCluster("cluster-wait", kafka, cluster);
        String channel = "user:wait-" + System.nanoTime();
        int slot = SlotHash.getSlot(log(channel));
        Map<String, List<String>> sent = new LinkedHashMap<>();
        sent.put(channel, new ArrayList<>());
        sendRange(sent, channel, 0, 5);
        dispatcher.awaitCaughtUp();
        RedisServer primary = cluster.primaryForSlot(slot);
        List<RedisServer> replicas = cluster.replicasOf(primary);
        assertThat(replicas).isNotEmpty();

        // every replica: a shard may have gained a second one (replica migration) after the earlier tests' failovers
        replicas.forEach(RedisServer::pause);
        try {
            cutReplicaLinks(primary);
            sendRange(sent, channel, 5, 10);
            await().atMost(Duration.ofSeconds(20)).until(() -> xlen(primary, channel) == 10);
            await("the batch fails for want of a replica's confirmation").atMost(Duration.ofSeconds(20))
                    .until(() -> dispatcher.redisAvailableGauge() == 0);
            assertThat(dispatcher.committed().values().stream().mapToLong(Long::longValue).sum())
                    .as(() -> "applied on the primary, not committed; the primary's replication: "
                            + info(primary, "replication") + "\ncluster nodes: " + clusterNodes(primary))
                    .isEqualTo(5);
            assertThat(dispatcher.bean(ClusterHealthIndicator.class).health().getStatus()).isEqualTo(Status.DOWN);
        } finally {
            replicas.forEach(RedisServer::resume);
        }
        dispatcher.awaitCaughtUp(Duration.ofSeconds(30));
        assertThat(replicas).allSatisfy(replica -> assertThat(xlen(replica, channel)).isEqualTo(10));
        assertEveryRecordOnceInOrder(sent);
    }

    /**
     * A shard that gained a second replica (Redis's replica migration, or an operator) confirms a batch only once
     * both replicas hold it: with one replica's confirmation enough, the replica that did not confirm could be the
     * one promoted next, and the batch would be lost after its commit.
     */
    @Test
    void aBatchWaitsForEveryReplicaOfItsPrimary(KafkaBroker kafka) {
        String channel = "user:two-replicas-" + System.nanoTime();
        int slot = SlotHash.getSlot(log(channel));
        RedisServer primary = cluster.primaryForSlot(slot);
        RedisServer other = cluster.primaries().stream().filter(p -> p != primary).findFirst().orElseThrow();
        cluster.moveReplica(cluster.replicaOf(other).orElseThrow(), primary);
        List<RedisServer> replicas = cluster.replicasOf(primary);
        assertThat(replicas).hasSize(2);
        // started after the move, so that its slot map lists both replicas
        dispatcher = RunningDispatcher.startOnCluster("cluster-two-replicas", kafka, cluster);
        Map<String, List<String>> sent = new LinkedHashMap<>();
        sent.put(channel, new ArrayList<>());
        sendRange(sent, channel, 0, 5);
        dispatcher.awaitCaughtUp();
        ListAppender<ILoggingEvent> availability = new ListAppender<>();
        availability.start();
        Logger logger = (Logger) LoggerFactory.getLogger(RedisAvailability.class);
        logger.addAppender(availability);

        RedisServer frozen = replicas.get(0);
        RedisServer running = replicas.get(1);
        frozen.pause();
        try {
            sendRange(sent, channel, 5, 10);
            await().atMost(Duration.ofSeconds(20)).until(() -> xlen(running, channel) == 10);
            await("the batch fails: one of the primary's two replicas did not confirm it")
                    .atMost(Duration.ofSeconds(20)).until(() -> availability.list.stream()
                            .anyMatch(event -> event.getFormattedMessage().contains("1 of 2 replicas confirmed")));
        } finally {
            frozen.resume();
            logger.detachAppender(availability);
        }
        dispatcher.awaitCaughtUp(Duration.ofSeconds(30));
        assertThat(replicas).allSatisfy(replica -> assertThat(xlen(replica, channel)).isEqualTo(10));
        assertEveryRecordOnceInOrder(sent);
    }

    @Test
    void nothingIsLostOrDoubledWhenAPrimaryIsKilledUnderLoad(KafkaBroker kafka) throws Exception {
        dispatcher = RunningDispatcher.startOnCluster("cluster-kill", kafka, cluster);
        List<String> channels = channels("kill", 12);
        int slot = SlotHash.getSlot(log(channels.get(0)));
        Map<String, List<String>> sent = underLoad(channels, () -> {
            RedisServer killed = cluster.failover(slot);
            cluster.restore(killed);
        });
        dispatcher.awaitCaughtUp(Duration.ofSeconds(60));
        assertEveryRecordOnceInOrder(sent);
    }

    @Test
    void nothingIsLostOrDoubledWhenASlotMovesWhileBatchesApply(KafkaBroker kafka) throws Exception {
        dispatcher = RunningDispatcher.startOnCluster("cluster-migrate", kafka, cluster);
        List<String> channels = channels("migrate", 12);
        int slot = SlotHash.getSlot(log(channels.get(0)));
        Map<String, List<String>> sent = underLoad(channels, () -> {
            RedisServer source = cluster.primaryForSlot(slot);
            RedisServer target = cluster.primaries().stream().filter(p -> p != source).findFirst().orElseThrow();
            cluster.migrateSlot(slot, target);
        });
        assertThat(cluster.primaryForSlot(slot)).isNotNull();
        dispatcher.awaitCaughtUp(Duration.ofSeconds(60));
        assertEveryRecordOnceInOrder(sent);
    }

    /**
     * A producer writes to every channel in turn until the fault is done and a little longer; returns what it sent,
     * per channel in Kafka order.
     */
    private Map<String, List<String>> underLoad(List<String> channels, Runnable fault) throws Exception {
        Map<String, List<String>> sent = new LinkedHashMap<>();
        channels.forEach(c -> sent.put(c, new ArrayList<>()));
        AtomicBoolean stop = new AtomicBoolean();
        Thread producer = new Thread(() -> {
            int n = 0;
            while (!stop.get()) {
                for (String channel : channels) {
                    sendRange(sent, channel, n, n + 1);
                }
                n++;
            }
        }, "cluster-test-producer");
        producer.start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> dispatcher.records("applied") >= 100);
            fault.run();
            double applied = dispatcher.records("applied");
            await().atMost(Duration.ofSeconds(60)).until(() -> dispatcher.records("applied") >= applied + 100);
        } finally {
            stop.set(true);
            producer.join();
        }
        return sent;
    }

    private void sendRange(Map<String, List<String>> sent, String channel, int from, int to) {
        List<String> ids = IntStream.range(from, to).mapToObj(i -> "n-" + i).toList();
        dispatcher.sendAll(ids.stream().map(id -> record(dispatcher.topic, channel, envelope(id, channel, 0))).toList());
        synchronized (sent) {
            sent.get(channel).addAll(ids);
        }
    }

    private void send(Map<String, List<String>> sent) {
        List<org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        int rounds = sent.values().iterator().next().size();
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, List<String>> channel : sent.entrySet()) {
                String id = channel.getValue().get(round);
                records.add(record(dispatcher.topic, channel.getKey(), envelope(id, channel.getKey(), round)));
            }
        }
        dispatcher.sendAll(records);
    }

    /** Each channel's stream holds exactly what was sent to it, in order, chained by {@code prev}; meta agrees. */
    private void assertEveryRecordOnceInOrder(Map<String, List<String>> sent) {
        synchronized (sent) {
            for (Map.Entry<String, List<String>> channel : sent.entrySet()) {
                List<StreamMessage<String, String>> log = dispatcher.log(channel.getKey());
                List<String> ids = new ArrayList<>();
                String prev = "0-0";
                for (StreamMessage<String, String> entry : log) {
                    assertThat(entry.getBody().get(RedisKeys.FIELD_PREV)).as("prev of %s in %s", entry.getId(), channel.getKey())
                            .isEqualTo(prev);
                    ids.add(entry.getBody().get(RedisKeys.FIELD_ENVELOPE).replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"));
                    prev = entry.getId();
                }
                assertThat(ids).as("the stream of %s", channel.getKey()).containsExactlyElementsOf(channel.getValue());
                assertThat(dispatcher.meta(channel.getKey())).containsEntry(RedisKeys.META_LAST, prev);
            }
        }
    }

    /** {@code count} channels whose slots are spread over the whole slot range. */
    private static List<String> channels(String prefix, int count) {
        String run = Long.toString(System.nanoTime(), 36);
        return IntStream.range(0, count).mapToObj(i -> "user:" + prefix + "-" + run + "-" + i).toList();
    }

    private static String log(String channel) {
        return RedisKeys.log(ChannelName.parse(channel));
    }

    private static void cutReplicaLinks(RedisServer primary) {
        try (RedisClient client = RedisClient.create(primary.url()); StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().clientKill(KillArgs.Builder.typeSlave());
        }
    }

    private static String info(RedisServer server, String section) {
        try (RedisClient client = RedisClient.create(server.url()); StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().info(section);
        }
    }

    private static String clusterNodes(RedisServer server) {
        try (RedisClient client = RedisClient.create(server.url()); StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().clusterNodes();
        }
    }

    private static long xlen(RedisServer server, String channel) {
        try (RedisClient client = RedisClient.create(server.url()); StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().readOnly(); // a replica answers reads of its primary's slots only when asked to
            return c.sync().xlen(log(channel));
        }
    }
}
