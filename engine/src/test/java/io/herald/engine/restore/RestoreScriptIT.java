package io.herald.engine.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import io.herald.core.kafka.TopicLayout;
import io.herald.core.position.Position;
import io.herald.redis.ApplyScript;
import io.herald.redis.RedisKeys;
import io.herald.redis.Retention;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The restore script on a real redis-server: append, merge below the top, repair, trim, dry run, no publish. */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestoreScriptIT {

    private static final Retention RETENTION = new Retention(1000, Duration.ofHours(2), Duration.ofDays(3));

    private RedisClient client;
    private StatefulRedisConnection<String, String> redis;

    @BeforeAll
    void connect(RedisServer server) {
        client = RedisClient.create(server.url());
        redis = client.connect();
        redis.sync().scriptLoad(RestoreScript.SOURCE);
        ApplyScript.load(redis.async()).toCompletableFuture().join();
    }

    @AfterAll
    void close() {
        redis.close();
        client.shutdown();
    }

    @Test
    void appendsToAnEmptyLogWithTheGivenPrevsSetsTheMetaAndExpiriesAndPublishesNothing() {
        ChannelName channel = channel();
        List<String> published = listen(channel);
        RestoreScript.Result result = restore(channel, 2, RETENTION, false, chain(Position.NONE, true, 3, 5, 9));

        assertThat(result).isEqualTo(new RestoreScript.Result(false, 3, 0, 0, 0, null));
        assertThat(ids(channel)).containsExactly("3-1", "5-1", "9-1");
        assertThat(prevs(channel)).containsExactly("0-0", "3-1", "5-1");
        assertThat(log(channel).get(1).getBody()).containsEntry(RedisKeys.FIELD_ENVELOPE, envelope(5));
        assertThat(redis.sync().hgetall(RedisKeys.meta(channel))).containsEntry("last", "9-1").containsEntry("part", "2");
        assertThat(redis.sync().ttl(RedisKeys.log(channel))).isBetween(7_000L, 7_200L);
        assertThat(redis.sync().ttl(RedisKeys.meta(channel))).isBetween(259_000L, 259_200L);
        redis.sync().publish(RedisKeys.pubsub(channel), "marker");
        Awaitility.await().until(() -> published.contains("marker"));
        assertThat(published).containsExactly("marker");
    }

    @Test
    void aDryRunCountsAndWritesNothing() {
        ChannelName channel = channel();
        RestoreScript.Result result = restore(channel, 0, RETENTION, true, chain(Position.NONE, true, 1, 2));
        assertThat(result.written()).isEqualTo(2);
        assertThat(redis.sync().exists(RedisKeys.log(channel), RedisKeys.meta(channel))).isZero();
    }

    @Test
    void mergesOlderRecordsBelowEntriesTheDispatcherAppliedAndRepairsTheFirstOnesPrev() {
        ChannelName channel = channel();
        // the dispatcher applied 10 and 11 after Redis lost the channel: 10 claims to follow nothing
        apply(channel, 10);
        apply(channel, 11);
        assertThat(prevs(channel)).containsExactly("0-0", "10-1");

        List<RestoreRecord> records = chain(Position.NONE, true, 1, 4, 7, 10, 11);
        RestoreScript.Result result = restore(channel, 0, RETENTION, false, records);

        assertThat(result).isEqualTo(new RestoreScript.Result(false, 3, 2, 1, 0, null));
        assertThat(ids(channel)).containsExactly("1-1", "4-1", "7-1", "10-1", "11-1");
        assertThat(prevs(channel)).containsExactly("0-0", "1-1", "4-1", "7-1", "10-1");
        assertThat(redis.sync().hget(RedisKeys.meta(channel), "last")).isEqualTo("11-1");

        List<StreamMessage<String, String>> once = log(channel);
        assertThat(restore(channel, 0, RETENTION, false, records)).isEqualTo(new RestoreScript.Result(false, 0, 5, 0, 0, null));
        assertThat(log(channel)).isEqualTo(once);
    }

    @Test
    void anEntryIsLeftAsItIsWhenTheRecordsPrevIsUnknown() {
        ChannelName channel = channel();
        apply(channel, 20);
        // the window started after the channel's previous record: the first prev proves nothing
        RestoreScript.Result result = restore(channel, 0, RETENTION, false,
                List.of(new RestoreRecord(15, new Position(14), false, envelope(15)),
                        new RestoreRecord(20, Position.ofOffset(15), false, envelope(20))));
        assertThat(result).isEqualTo(new RestoreScript.Result(false, 1, 1, 0, 0, null));
        assertThat(ids(channel)).containsExactly("15-1", "20-1");
        assertThat(prevs(channel)).containsExactly("14-1", "0-0");
    }

    @Test
    void keepsTheNewestMaxLenEntriesExactlyAndRunsAgainWithoutChange() {
        ChannelName channel = channel();
        Retention five = new Retention(5, Duration.ofHours(1));
        List<RestoreRecord> records = chain(Position.NONE, true, 1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(restore(channel, 0, five, false, records)).isEqualTo(new RestoreScript.Result(false, 5, 0, 0, 3, null));
        assertThat(ids(channel)).containsExactly("4-1", "5-1", "6-1", "7-1", "8-1");
        List<StreamMessage<String, String>> once = log(channel);

        assertThat(restore(channel, 0, five, false, records)).isEqualTo(new RestoreScript.Result(false, 0, 5, 0, 3, null));
        assertThat(log(channel)).isEqualTo(once);

        // merging below a full log keeps the newest five: older records are trimmed at once
        assertThat(restore(channel, 0, five, false, chain(Position.NONE, true, 0))).isEqualTo(
                new RestoreScript.Result(false, 0, 0, 0, 1, null));
        assertThat(log(channel)).isEqualTo(once);
    }

    @Test
    void aChannelWhoseMetaNamesAnotherPartitionIsLeftAlone() {
        ChannelName channel = channel();
        redis.sync().hset(RedisKeys.meta(channel), "part", "4");
        RestoreScript.Result result = restore(channel, 1, RETENTION, false, chain(Position.NONE, true, 1));
        assertThat(result).isEqualTo(new RestoreScript.Result(true, 0, 0, 0, 0, "4"));
        assertThat(redis.sync().exists(RedisKeys.log(channel))).isZero();
    }

    @Test
    void aChannelAGrowthMovedTakesTheRecordsOfEachPartitionOfItsHistoryAtTheirPositions() {
        ChannelName channel = channel();
        apply(channel, 7); // applied from partition 0, before a growth of the topic moved the channel to partition 3
        long base = TopicLayout.SPAN;
        assertThat(restore(channel, 3, List.of(0, 3), chain(Position.ofOffset(7), true, base + 1, base + 2)))
                .isEqualTo(new RestoreScript.Result(false, 2, 0, 0, 0, null));
        assertThat(ids(channel)).containsExactly("7-1", (base + 1) + "-1", (base + 2) + "-1");
        assertThat(redis.sync().hget(RedisKeys.meta(channel), RedisKeys.META_PARTITION)).isEqualTo("3");

        // the old partition's records, restored later: the meta goes on naming the partition the channel lives in
        assertThat(restore(channel, 0, List.of(0, 3), chain(Position.NONE, true, 5)).written()).isEqualTo(1);
        assertThat(ids(channel)).containsExactly("5-1", "7-1", (base + 1) + "-1", (base + 2) + "-1");
        assertThat(redis.sync().hmget(RedisKeys.meta(channel), RedisKeys.META_PARTITION, RedisKeys.META_LAST))
                .extracting(kv -> kv.getValue()).containsExactly("3", (base + 2) + "-1");

        // a partition outside its history is still another channel's
        assertThat(restore(channel, 1, RETENTION, false, chain(Position.NONE, true, 2)).partitionMismatch()).isTrue();
    }

    private RestoreScript.Result restore(ChannelName channel, int partition, List<Integer> history,
            List<RestoreRecord> records) {
        try {
            return RestoreScript.Result.of(RestoreScript.restore(redis.async(), channel, partition, history, RETENTION,
                    false, records).get(5, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private RestoreScript.Result restore(ChannelName channel, int partition, Retention retention, boolean dryRun,
            List<RestoreRecord> records) {
        try {
            return RestoreScript.Result.of(RestoreScript.restore(redis.async(), channel, partition, List.of(partition), retention,
                    dryRun, records)
                    .get(5, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void apply(ChannelName channel, long offset) {
        new ApplyScript(false).apply(redis.async(), channel, offset, 0, envelope(offset), RETENTION).toCompletableFuture().join();
    }

    /** Records at the offsets, each with the previous one as its prev. */
    private static List<RestoreRecord> chain(Position first, boolean known, long... offsets) {
        List<RestoreRecord> records = new ArrayList<>();
        Position prev = first;
        for (long offset : offsets) {
            records.add(new RestoreRecord(offset, prev, known, envelope(offset)));
            prev = Position.ofOffset(offset);
        }
        return records;
    }

    private static String envelope(long offset) {
        return "{\"id\":\"e-" + offset + "\",\"channel\":\"user:x\",\"type\":\"t\",\"data\":{},\"createdAt\":1,\"expiresAt\":null}";
    }

    private static ChannelName channel() {
        return ChannelName.parse("user:" + UUID.randomUUID());
    }

    private List<StreamMessage<String, String>> log(ChannelName channel) {
        return redis.sync().xrange(RedisKeys.log(channel), Range.create("-", "+"));
    }

    private List<String> ids(ChannelName channel) {
        return log(channel).stream().map(StreamMessage::getId).toList();
    }

    private List<String> prevs(ChannelName channel) {
        return log(channel).stream().map(m -> m.getBody().get(RedisKeys.FIELD_PREV)).toList();
    }

    private List<String> listen(ChannelName channel) {
        List<String> received = new CopyOnWriteArrayList<>();
        StatefulRedisPubSubConnection<String, String> pubsub = client.connectPubSub();
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String payload) {
                received.add(payload);
            }
        });
        pubsub.sync().subscribe(RedisKeys.pubsub(channel));
        return received;
    }
}
