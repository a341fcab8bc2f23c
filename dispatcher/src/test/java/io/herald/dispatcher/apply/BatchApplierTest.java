package io.herald.dispatcher.apply;

import io.herald.engine.apply.ApplyCommand;
import io.herald.dispatcher.dataset.DatasetChangedException;
import io.herald.dispatcher.dataset.DatasetGuard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.redis.ApplyResult.Outcome;
import io.herald.redis.ApplyResult;
import io.herald.redis.ApplyScript;
import io.herald.redis.RedisKeys;
import io.herald.redis.Retention;
import io.herald.dispatcher.redis.RedisConnections;
import io.herald.redis.RedisClientFactory;
import io.herald.redis.RedisEndpoint;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The pipelined apply against a real redis-server. */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchApplierTest {

    private RedisServer server;
    private ClientResources resources;
    private RedisClient client;
    private RedisConnections connections;
    private BatchApplier applier;
    private StatefulRedisConnection<String, String> inspector;

    @BeforeAll
    void start(RedisServer server) {
        this.server = server;
        resources = RedisClientFactory.resources(RedisClientFactory.reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500)));
        client = new RedisClientFactory(RedisEndpoint.ofUrl(server.url()), resources)
                .client(RedisClientFactory.Timeouts.of(Duration.ofSeconds(2)), true);
        connections = new RedisConnections(client, RedisURI.create(server.url()));
        applier = new BatchApplier(connections, new ApplyScript(false), new DatasetGuard("test"), Duration.ofSeconds(2));
        applier.trustCurrentDataset();
        inspector = client.connect(RedisURI.create(server.url()));
    }

    @AfterAll
    void stop() {
        inspector.close();
        connections.close();
        client.shutdown();
        resources.shutdown();
    }

    private static ApplyCommand command(String channel, long offset) {
        return new ApplyCommand(ChannelName.parse(channel), offset, 0,
                "{\"id\":\"r" + offset + "\",\"channel\":\"" + channel + "\",\"type\":\"t\",\"data\":{},\"createdAt\":1,\"expiresAt\":null}",
                Retention.DEFAULT);
    }

    private List<StreamMessage<String, String>> log(String channel) {
        return inspector.sync().xrange(RedisKeys.log(ChannelName.parse(channel)), Range.create("-", "+"));
    }

    private static List<Outcome> outcomes(BatchOutcome outcome) {
        return outcome.results().stream().map(ApplyResult::outcome).toList();
    }

    @Test
    void appliesABatchInOrderAndAResendOnlyFindsDuplicates() {
        List<ApplyCommand> batch = List.of(command("user:order", 3), command("user:other", 4), command("user:order", 7));

        BatchOutcome first = applier.apply(batch);

        assertThat(first.succeeded()).isTrue();
        assertThat(outcomes(first)).containsExactly(Outcome.APPLIED, Outcome.APPLIED, Outcome.APPLIED);
        assertThat(first.results().get(2).previous()).isEqualTo(Position.ofOffset(3));
        assertThat(log("user:order")).extracting(StreamMessage::getId).containsExactly("3-1", "7-1");
        assertThat(log("user:order")).extracting(m -> m.getBody().get(RedisKeys.FIELD_PREV)).containsExactly("0-0", "3-1");

        BatchOutcome again = applier.apply(batch);

        assertThat(outcomes(again)).containsExactly(Outcome.DUPLICATE, Outcome.DUPLICATE, Outcome.DUPLICATE);
        assertThat(again.skipped().isEmpty()).isTrue();
        assertThat(log("user:order")).hasSize(2);
    }

    @Test
    void appliesAfterRedisLostItsScripts() {
        applier.apply(List.of(command("user:flush", 1)));
        inspector.sync().scriptFlush();
        assertThat(inspector.sync().scriptExists(ApplyScript.SHA)).containsExactly(false);

        BatchOutcome outcome = applier.apply(List.of(command("user:flush", 2), command("user:flush", 5)));

        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcomes(outcome)).containsExactly(Outcome.APPLIED, Outcome.APPLIED);
        assertThat(log("user:flush")).extracting(StreamMessage::getId).containsExactly("1-1", "2-1", "5-1");
    }

    @Test
    void reportsAChannelThatBelongsToAnotherPartition() {
        inspector.sync().hset(RedisKeys.meta(ChannelName.parse("user:moved")), RedisKeys.META_PARTITION, "5");

        BatchOutcome outcome = applier.apply(List.of(command("user:moved", 9)));

        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.results().get(0).outcome()).isEqualTo(Outcome.PARTITION_MISMATCH);
        assertThat(outcome.results().get(0).metaPartition()).isEqualTo(5);
        assertThat(log("user:moved")).isEmpty();
    }

    @Test
    void redisDownIsAFailedOutcomeNotAnExceptionAndTheSameBatchAppliesOnceRedisIsBack() {
        List<ApplyCommand> batch = IntStream.range(0, 50).mapToObj(i -> command("user:down", 100 + i)).toList();
        server.kill();
        try {
            BatchOutcome failed = applier.apply(batch);

            assertThat(failed.succeeded()).isFalse();
            assertThat(failed.failure()).isNotNull();
            assertThat(failed.results()).containsOnlyNulls();
        } finally {
            server.restart();
        }

        // the server that answers now is another process with another (empty) dataset: nothing is sent to it
        // until it is verified (the dispatcher's DatasetRepair; here the test owns the dataset and trusts it)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(applier.apply(batch).failure())
                .isInstanceOf(DatasetChangedException.class));
        RedisCommands<String, String> redis = inspector.sync();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(redis.ping()).isEqualTo("PONG"));
        assertThat(log("user:down")).isEmpty();
        applier.trustCurrentDataset();
        assertThat(applier.apply(batch).succeeded()).isTrue();
        assertThat(log("user:down")).extracting(StreamMessage::getId)
                .containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> (100 + i) + "-1").toList());
    }

    /**
     * The dispatcher's listener threads (or instances) each apply on a connection of their own. When Redis loses
     * its scripts between two batches without dropping a connection (SCRIPT FLUSH), their next batches start
     * close together: every record must still be applied, once, with nothing skipped.
     */
    @Test
    void concurrentBatchesAfterRedisLostItsScriptsApplyEverythingOnce() throws Exception {
        int threads = 4;
        int rounds = 8;
        int batchSize = 1000;
        int channelsPerThread = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<List<ApplyCommand>> sent = new ArrayList<>();
        try {
            for (int round = 0; round < rounds; round++) {
                inspector.sync().scriptFlush();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<BatchOutcome>> outcomes = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    // thread t applies one partition: its own channels, offsets growing from batch to batch
                    List<ApplyCommand> batch = new ArrayList<>();
                    for (int i = 0; i < batchSize; i++) {
                        long offset = (long) round * batchSize + i + 1;
                        batch.add(new ApplyCommand(ChannelName.parse("user:flushed-" + t + "-" + i % channelsPerThread),
                                offset, t, command("user:x", offset).envelopeJson(), Retention.DEFAULT));
                    }
                    sent.add(batch);
                    // listener threads are never in step: each starts up to 10 ms after the others
                    long stagger = ThreadLocalRandom.current().nextLong(TimeUnit.MILLISECONDS.toNanos(10));
                    outcomes.add(pool.submit(() -> {
                        go.await();
                        LockSupport.parkNanos(stagger);
                        return applier.apply(batch);
                    }));
                }
                go.countDown();
                for (Future<BatchOutcome> future : outcomes) {
                    BatchOutcome outcome = future.get();
                    assertThat(outcome.succeeded()).as("round %d", round).isTrue();
                    assertThat(outcome.skipped().isEmpty()).as("records skipped in round %d", round).isTrue();
                    assertThat(outcomes(outcome)).containsOnly(Outcome.APPLIED);
                }
            }
        } finally {
            pool.shutdownNow();
        }

        for (int t = 0; t < threads; t++) {
            for (int c = 0; c < channelsPerThread; c++) {
                int channel = c;
                List<String> expected = IntStream.range(0, rounds * batchSize).filter(i -> i % channelsPerThread == channel)
                        .mapToObj(i -> (i + 1) + "-1").toList();
                List<StreamMessage<String, String>> log = log("user:flushed-" + t + "-" + c);
                assertThat(log).extracting(StreamMessage::getId).containsExactlyElementsOf(expected);
                assertThat(log).extracting(m -> m.getBody().get(RedisKeys.FIELD_PREV)).containsExactlyElementsOf(
                        IntStream.range(0, expected.size()).mapToObj(i -> i == 0 ? "0-0" : expected.get(i - 1)).toList());
            }
        }
        for (List<ApplyCommand> batch : sent) {
            assertThat(outcomes(applier.apply(batch))).containsOnly(Outcome.DUPLICATE);
        }
    }

    private long evalshaCalls() {
        String stats = inspector.sync().info("commandstats");
        return stats.lines().filter(l -> l.startsWith("cmdstat_evalsha:")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("^cmdstat_evalsha:calls=(\\d+),.*$", "$1"))).orElse(0L);
    }

    /** What a channel holds, and what the apply answered, with the channel's name left out. */
    private String applied(String prefix, List<ApplyCommand> batch, List<ApplyResult> results) {
        StringBuilder state = new StringBuilder();
        for (int i = 0; i < batch.size(); i++) {
            state.append(batch.get(i).channel().value().substring(prefix.length())).append(' ').append(results.get(i)).append('\n');
        }
        batch.stream().map(c -> c.channel().value()).distinct().sorted().forEach(channel -> state.append(channel.substring(prefix.length()))
                .append(log(channel).stream().map(m -> m.getId() + "<-" + m.getBody().get(RedisKeys.FIELD_PREV)).toList())
                .append(inspector.sync().hgetall(RedisKeys.meta(ChannelName.parse(channel)))).append('\n'));
        return state.toString();
    }

    private static List<ApplyCommand> interleaved(String prefix) {
        List<ApplyCommand> batch = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 250; i++) {
            // mostly growing offsets; every fifth record goes back (a redelivery: a duplicate)
            long offset = i % 5 == 4 ? 10 + random.nextInt(i + 1) : 10 + i;
            batch.add(command(prefix + random.nextInt(7), offset));
        }
        return batch;
    }

    @Test
    void aBatchOfSeveralCallsAppliesWhatOneCallPerRecordApplies() {
        List<ApplyCommand> batched = interleaved("user:calls-a-");
        List<ApplyCommand> single = interleaved("user:calls-b-");

        long before = evalshaCalls();
        BatchOutcome outcome = applier.apply(batched);
        long calls = evalshaCalls() - before;
        List<ApplyResult> one = single.stream().map(c -> applier.apply(List.of(c)).results().get(0)).toList();

        assertThat(outcome.succeeded()).isTrue();
        assertThat(calls).as("EVALSHA calls for 250 records").isEqualTo(3);
        assertThat(outcomes(outcome)).contains(Outcome.APPLIED, Outcome.DUPLICATE);
        assertThat(applied("user:calls-a-", batched, outcome.results())).isEqualTo(applied("user:calls-b-", single, one));
    }

    @Test
    void aRecordWhoseWritesFailFailsAloneAndTheOthersInItsCallKeepTheirResults() {
        inspector.sync().set(RedisKeys.log(ChannelName.parse("user:wrongtype")), "not a stream");

        BatchOutcome outcome = applier.apply(List.of(command("user:beside", 10), command("user:wrongtype", 11),
                command("user:beside", 12)));

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.failure()).hasMessageContaining("WRONGTYPE");
        assertThat(outcome.results().get(1)).isNull();
        assertThat(outcome.results().get(2)).isEqualTo(new ApplyResult(Outcome.APPLIED, Position.ofOffset(10), -1));
        assertThat(outcome.skipped().isEmpty()).isTrue();
        assertThat(log("user:beside")).extracting(StreamMessage::getId).containsExactly("10-1", "12-1");
    }
}
