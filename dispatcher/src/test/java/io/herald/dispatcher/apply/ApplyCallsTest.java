package io.herald.dispatcher.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.engine.apply.ApplyCommand;
import io.herald.redis.ApplyResult;
import io.herald.redis.ApplyScript;
import io.herald.redis.RedisKeys;
import io.herald.redis.Retention;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How a batch is cut into apply script calls, against a real redis-server. */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApplyCallsTest {

    private RedisClient client;
    private StatefulRedisConnection<String, String> redis;

    @BeforeAll
    void start(RedisServer server) {
        client = RedisClient.create(server.url());
        redis = client.connect();
        ApplyScript.load(redis.async()).toCompletableFuture().join();
    }

    @AfterAll
    void stop() {
        redis.close();
        client.shutdown();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aChannelsRecordsShareACallInKafkaOrderAndNoCallMixesSlotsOnACluster(boolean bySlot) {
        String run = bySlot ? "s" : "p";
        Random random = new Random(3);
        List<ApplyCommand> batch = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            // 40 channels, one of them busy: 150 of its records must span two calls, in order
            ChannelName channel = ChannelName.parse("user:calls-" + run + "-" + (i % 3 == 0 ? 0 : random.nextInt(40)));
            batch.add(new ApplyCommand(channel, i + 1, 0, "{\"id\":\"r" + i + "\"}", Retention.DEFAULT));
        }

        List<ApplyCalls.Sent> calls = ApplyCalls.queue(redis.async(), new ApplyScript(false), batch,
                IntStream.range(0, batch.size()).boxed().toList(), bySlot, partition -> Position.NONE);
        ApplyResult[] results = new ApplyResult[batch.size()];
        long[] appliedPrev = new long[batch.size()];
        Arrays.fill(appliedPrev, ApplyGaps.NOT_APPLIED);
        SendErrors errors = new SendErrors();
        ApplyCalls.await(calls, System.nanoTime() + Duration.ofSeconds(10).toNanos(), Duration.ofSeconds(10), null,
                results, appliedPrev, errors);

        assertThat(errors.any()).isFalse();
        assertThat(results).extracting(ApplyResult::outcome).containsOnly(ApplyResult.Outcome.APPLIED);
        assertThat(calls).allSatisfy(call -> assertThat(call.indexes()).hasSizeLessThanOrEqualTo(ApplyCalls.RECORDS_PER_CALL));
        assertThat(calls.stream().mapToInt(call -> call.indexes().size()).sum()).isEqualTo(batch.size());
        List<Integer> order = calls.stream().flatMap(call -> call.indexes().stream()).toList();
        for (int c = 0; c < 40; c++) {
            ChannelName channel = ChannelName.parse("user:calls-" + run + "-" + c);
            List<Integer> records = order.stream().filter(i -> batch.get(i).channel().equals(channel)).toList();
            assertThat(records).as("channel %d in Kafka order", c).isSorted();
            int first = order.indexOf(records.get(0));
            assertThat(order.subList(first, first + records.size())).as("channel %d together", c).isEqualTo(records);
        }
        if (bySlot) {
            assertThat(calls).allSatisfy(call -> assertThat(call.indexes().stream()
                    .map(i -> SlotHash.getSlot(RedisKeys.log(batch.get(i).channel()))).distinct()).hasSize(1));
        } else {
            // 500 records in 5 full calls: channels are packed, not one call each
            assertThat(calls).hasSize(5);
        }
    }
}
