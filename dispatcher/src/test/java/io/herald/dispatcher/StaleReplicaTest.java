package io.herald.dispatcher;

import static io.herald.dispatcher.support.RunningDispatcher.envelope;
import static io.herald.dispatcher.support.RunningDispatcher.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.herald.core.channel.ChannelName;
import io.herald.redis.RedisKeys;
import io.herald.dispatcher.support.RunningDispatcher;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis fails over to a replica that missed the last writes, behind the same address (a managed endpoint, or
 * Sentinel followed by a proxy): the dispatcher has already committed those records in Kafka. Whatever the
 * new primary lacks must be applied again before anything newer, so that the log holds every record once, in
 * order, with an unbroken {@code prev} chain (an edge trusts that chain to tell a client {@code recovered: true}).
 */
@WithKafka
@WithRedis
class StaleReplicaTest {

    private static final String CHANNEL = "user:stale-replica";

    private RedisServer primary;
    private RedisServer replica;
    private RunningDispatcher dispatcher;

    @BeforeEach
    void start(KafkaBroker kafka, RedisServer primary) {
        assumeTrue(primary.controllable(), "kills and replaces redis-server processes");
        this.primary = primary;
        primary.restart();
        replica = RedisServer.start();
        dispatcher = RunningDispatcher.start("stale-replica", kafka, primary);
    }

    @AfterEach
    void stop() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (replica != null) {
            replica.close();
        }
    }

    @Test
    void whatTheNewPrimaryLacksIsAppliedAgainBeforeAnythingNewer() {
        send(0, 30);
        dispatcher.awaitCaughtUp();
        followUntilSynced(replica, primary);
        await().atMost(Duration.ofSeconds(10)).until(() -> logLength(replica) == 30);

        // the replica stops receiving (asynchronous replication allows it); ten more are applied and committed
        detach(replica);
        send(30, 40);
        dispatcher.awaitCaughtUp();
        assertThat(dispatcher.log(CHANNEL)).hasSize(40);

        // the primary dies and the stale replica's data comes up behind the same address
        primary.restart();
        followUntilSynced(primary, replica);
        detach(primary);
        assertThat(logLength(primary)).as("the new primary is stale").isEqualTo(30);

        send(40, 50);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(dispatcher.log(CHANNEL)).hasSize(50));
        dispatcher.awaitCaughtUp();

        List<StreamMessage<String, String>> log = dispatcher.log(CHANNEL);
        List<String> ids = new ArrayList<>();
        String prev = "0-0";
        for (StreamMessage<String, String> entry : log) {
            assertThat(entry.getBody().get(RedisKeys.FIELD_PREV)).as("prev of %s", entry.getId()).isEqualTo(prev);
            ids.add(entry.getBody().get(RedisKeys.FIELD_ENVELOPE).replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"));
            prev = entry.getId();
        }
        assertThat(ids).containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> "n-" + i).toList());
        assertThat(dispatcher.meta(CHANNEL)).containsEntry(RedisKeys.META_LAST, prev);
    }

    private void send(int from, int to) {
        dispatcher.sendAll(IntStream.range(from, to)
                .mapToObj(i -> record(dispatcher.topic, CHANNEL, envelope("n-" + i, CHANNEL, i))).toList());
    }

    private static void followUntilSynced(RedisServer follower, RedisServer leader) {
        try (RedisClient client = client(follower); StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().replicaof("127.0.0.1", leader.port());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> info(follower).contains("master_link_status:up")
                && info(follower).contains("master_sync_in_progress:0"));
    }

    private static String info(RedisServer server) {
        try (RedisClient client = client(server); StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().info("replication");
        }
    }

    private static long logLength(RedisServer server) {
        try (RedisClient client = client(server); StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().xlen(RedisKeys.log(ChannelName.parse(CHANNEL)));
        }
    }

    /** The server stops replicating and keeps the data it has, as a promoted replica does. */
    private static void detach(RedisServer server) {
        try (RedisClient client = client(server); StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().replicaofNoOne();
        }
    }

    private static RedisClient client(RedisServer server) {
        return RedisClient.create(server.url());
    }
}
