package io.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The apply script over a real redis-server: a call of many records does to Redis, publishes and answers exactly what
 * one call per record does, record by record, whatever the records: several of a channel, interleaved channels,
 * duplicates, a channel owned by another partition, a channel known only by its stream, a dataset's prev for channels
 * it has no trace of, and a record whose writes fail.
 */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApplyScriptTest {

    private static final int CHANNELS = 8;
    private static final Retention RETENTION = new Retention(1000, Duration.ofHours(1), Duration.ofDays(2));
    private static final Retention SHORT = new Retention(3, Duration.ofMinutes(5), Duration.ofMinutes(10));

    private RedisClient client;
    private StatefulRedisConnection<String, String> redis;
    private StatefulRedisPubSubConnection<String, String> subscriber;
    private final ConcurrentLinkedQueue<String> published = new ConcurrentLinkedQueue<>();
    private final ApplyScript script = new ApplyScript(false);

    /** One record as the dispatcher would hand it over. */
    private record Rec(int channel, long offset, int partition, Position ifNew) {
    }

    /** Everything a variant left: per record its reply, per channel its log, meta and expiry, and the live payloads. */
    private record Snapshot(List<String> results, Map<String, Object> redis, List<String> published) {
    }

    @BeforeAll
    void start(RedisServer server) {
        client = RedisClient.create(server.url());
        redis = client.connect();
        subscriber = client.connectPubSub();
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String pattern, String channel, String message) {
                published.add(channel + " " + message);
            }
        });
        subscriber.sync().psubscribe("herald:*");
    }

    @AfterAll
    void stop() {
        subscriber.close();
        redis.close();
        client.shutdown();
    }

    private static ChannelName channel(int c) {
        return ChannelName.parse("user:batch-" + c);
    }

    private static String envelope(Rec r) {
        return "{\"id\":\"e" + r.offset() + "\",\"channel\":\"" + channel(r.channel()).value()
                + "\",\"type\":\"t\",\"data\":{\"q\":\"\\\"}\"},\"createdAt\":1}";
    }

    /** Channel 6 belongs to partition 5; channel 7's meta is gone but its log is not; channel 5's log is no stream. */
    private void seed() {
        RedisCommands<String, String> sync = redis.sync();
        sync.flushall();
        sync.scriptLoad(ApplyScript.SOURCE);
        sync.hset(RedisKeys.meta(channel(6)), Map.of(RedisKeys.META_LAST, "3-1", RedisKeys.META_PARTITION, "5"));
        sync.xadd(RedisKeys.log(channel(7)), new XAddArgs().id("20-1"), Map.of("n", "{}", "p", "0-0"));
        sync.set(RedisKeys.log(channel(5)), "not a stream");
    }

    private static List<Rec> records(long seed, int count) {
        Random random = new Random(seed);
        List<Rec> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int partition = random.nextInt(10) == 0 ? 1 : 0;
            // offsets mostly grow, some go back (duplicates, redeliveries), a few repeat exactly
            long offset = 10 + i * 2L - (random.nextInt(4) == 0 ? random.nextInt(30) : 0);
            Position ifNew = random.nextBoolean() ? Position.NONE : Position.ofOffset(4);
            records.add(new Rec(random.nextInt(CHANNELS), Math.max(1, offset), partition, ifNew));
        }
        return records;
    }

    private static Retention retention(int channel) {
        return channel % 2 == 0 ? RETENTION : SHORT;
    }

    /** Applies {@code records} in calls of {@code sizes} records each (cycled), in order. */
    private Snapshot apply(List<Rec> records, int... sizes) throws Exception {
        seed();
        published.clear();
        List<String> results = new ArrayList<>();
        int from = 0;
        for (int k = 0; from < records.size(); k++) {
            List<Rec> part = records.subList(from, Math.min(records.size(), from + sizes[k % sizes.length]));
            ApplyScript.Call call = script.call();
            part.forEach(r -> call.add(channel(r.channel()), r.offset(), r.partition(), envelope(r), retention(r.channel()),
                    r.ifNew()));
            List<Object> reply = call.send(redis.async()).get(5, TimeUnit.SECONDS);
            assertThat(reply).hasSize(part.size());
            reply.forEach(element -> results.add(describe(element)));
            from += part.size();
        }
        long applied = results.stream().filter(r -> r.startsWith("APPLIED")).count();
        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() >= applied);
        return new Snapshot(results, state(), List.copyOf(published));
    }

    private static String describe(Object element) {
        try {
            return describe(ApplyScript.recordResult(element));
        } catch (RuntimeException e) {
            return "FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** None, or refreshed to the retention's by a write of the last few seconds (the snapshot is taken right after). */
    private static String expiry(long ttl, Duration retention) {
        return ttl < 0 ? "none" : retention.toSeconds() - ttl < 10 ? "refreshed" : "stale " + ttl;
    }

    private static String describe(ApplyResult result) {
        return result.outcome() + " " + result.previous() + " " + result.metaPartition();
    }

    private Map<String, Object> state() {
        RedisCommands<String, String> sync = redis.sync();
        Map<String, Object> state = new LinkedHashMap<>();
        for (int c = 0; c < CHANNELS; c++) {
            String log = RedisKeys.log(channel(c));
            String meta = RedisKeys.meta(channel(c));
            state.put(log + " type", sync.type(log));
            if ("stream".equals(sync.type(log))) {
                state.put(log, sync.xrange(log, Range.create("-", "+")).stream()
                        .map(m -> m.getId() + " " + m.getBody()).toList());
            }
            state.put(meta, sync.hgetall(meta));
            state.put(log + " ttl", expiry(sync.ttl(log), retention(c).ttl()));
            state.put(meta + " ttl", expiry(sync.ttl(meta), retention(c).metaTtl()));
        }
        return state;
    }

    @Test
    void aCallOfManyRecordsDoesWhatOneCallPerRecordDoes() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            List<Rec> records = records(seed, 120);
            Snapshot one = apply(records, 1);
            Snapshot all = apply(records, records.size());
            Snapshot mixed = apply(records, 7, 1, 30, 2);

            assertThat(one.results()).as("seed %d", seed).anyMatch(r -> r.startsWith("APPLIED"))
                    .anyMatch(r -> r.startsWith("DUPLICATE")).anyMatch(r -> r.startsWith("PARTITION_MISMATCH"))
                    .anyMatch(r -> r.startsWith("FAILED") && r.contains("WRONGTYPE"));
            for (Snapshot batched : List.of(all, mixed)) {
                assertThat(batched.results()).as("seed %d", seed).containsExactlyElementsOf(one.results());
                assertThat(batched.redis()).as("seed %d", seed).isEqualTo(one.redis());
                assertThat(batched.published()).as("seed %d", seed).containsExactlyElementsOf(one.published());
            }
        }
    }

    @Test
    void eachRecordChainsToTheOneBeforeItInTheSameCall() throws Exception {
        List<Rec> records = List.of(new Rec(0, 5, 0, Position.NONE), new Rec(1, 6, 0, Position.ofOffset(4)),
                new Rec(0, 8, 0, Position.NONE), new Rec(0, 8, 0, Position.NONE), new Rec(0, 7, 0, Position.NONE),
                new Rec(1, 9, 1, Position.NONE), new Rec(0, 11, 0, Position.NONE));

        Snapshot snapshot = apply(records, records.size());

        assertThat(snapshot.results()).containsExactly(
                describe(new ApplyResult(ApplyResult.Outcome.APPLIED, Position.NONE, -1)),
                describe(new ApplyResult(ApplyResult.Outcome.APPLIED, Position.ofOffset(4), -1)),
                describe(new ApplyResult(ApplyResult.Outcome.APPLIED, Position.ofOffset(5), -1)),
                describe(new ApplyResult(ApplyResult.Outcome.DUPLICATE, Position.ofOffset(8), -1)),
                describe(new ApplyResult(ApplyResult.Outcome.DUPLICATE, Position.ofOffset(8), -1)),
                describe(new ApplyResult(ApplyResult.Outcome.PARTITION_MISMATCH, Position.ofOffset(6), 0)),
                describe(new ApplyResult(ApplyResult.Outcome.APPLIED, Position.ofOffset(8), -1)));
        assertThat(snapshot.published()).containsExactly(
                "herald:{user:batch-0} " + new LiveMessage(Position.ofOffset(5), Position.NONE, envelope(records.get(0))).format(),
                "herald:{user:batch-1} " + new LiveMessage(Position.ofOffset(6), Position.ofOffset(4), envelope(records.get(1))).format(),
                "herald:{user:batch-0} " + new LiveMessage(Position.ofOffset(8), Position.ofOffset(5), envelope(records.get(2))).format(),
                "herald:{user:batch-0} " + new LiveMessage(Position.ofOffset(11), Position.ofOffset(8), envelope(records.get(6))).format());
        assertThat(redis.sync().xrange(RedisKeys.log(channel(0)), Range.create("-", "+")))
                .extracting(StreamMessage::getId).containsExactly("5-1", "8-1", "11-1");
        assertThat(redis.sync().hgetall(RedisKeys.meta(channel(0))))
                .isEqualTo(Map.of(RedisKeys.META_LAST, "11-1", RedisKeys.META_PARTITION, "0"));
    }
}
