package io.herald.dispatcher;

import static io.herald.dispatcher.support.RunningDispatcher.envelope;
import static io.herald.dispatcher.support.RunningDispatcher.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.redis.RedisKeys;
import io.herald.dispatcher.metrics.DispatcherMetrics;
import io.herald.dispatcher.support.RunningDispatcher;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisSentinelGroup;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis behind Sentinel: the primary is killed with SIGKILL while records flow, and the Sentinels promote the
 * replica (asynchronous replication may have left it without the last writes). The dispatcher follows the new
 * primary through {@code spring.data.redis.sentinel.*}, finds it is another dataset before writing to it, and the
 * log ends with every record once, in order, with an unbroken {@code prev} chain.
 */
@WithKafka
class SentinelFailoverTest {

    private static final String CHANNEL = "user:sentinel";
    private static final int RECORDS = 300;

    private RedisSentinelGroup redis;
    private RunningDispatcher dispatcher;

    @BeforeEach
    void start(KafkaBroker kafka) {
        redis = RedisSentinelGroup.start();
        dispatcher = RunningDispatcher.start("sentinel", kafka, redis.primary(), redis.springArgs().toArray(String[]::new));
    }

    @AfterEach
    void stop() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aKilledPrimaryIsReplacedAndTheLogEndsCompleteAndInOrder() throws Exception {
        send(0, 100);
        dispatcher.awaitCaughtUp();

        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            for (int i = 100; i < RECORDS; i += 10) {
                send(i, i + 10);
            }
        });
        redis.failover();
        load.get();

        try (RedisClient client = RedisClient.create(redis.uri()); StatefulRedisConnection<String, String> primary = client.connect()) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(log(primary)).hasSize(RECORDS));
            dispatcher.awaitCaughtUp();
            List<String> ids = new ArrayList<>();
            String prev = "0-0";
            for (StreamMessage<String, String> entry : log(primary)) {
                assertThat(entry.getBody().get(RedisKeys.FIELD_PREV)).as("prev of %s", entry.getId()).isEqualTo(prev);
                ids.add(entry.getBody().get(RedisKeys.FIELD_ENVELOPE).replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"));
                prev = entry.getId();
            }
            assertThat(ids).containsExactlyElementsOf(IntStream.range(0, RECORDS).mapToObj(i -> "n-" + i).toList());
        }
        assertThat(dispatcher.counter(DispatcherMetrics.DATASET_CHANGES, "kind", "replaced"))
                .as("the dispatcher noticed it writes to another server").isEqualTo(1);
    }

    private void send(int from, int to) {
        dispatcher.sendAll(IntStream.range(from, to)
                .mapToObj(i -> record(dispatcher.topic, CHANNEL, envelope("n-" + i, CHANNEL, i))).toList());
    }

    private static List<StreamMessage<String, String>> log(StatefulRedisConnection<String, String> redis) {
        return redis.sync().xrange(RedisKeys.log(ChannelName.parse(CHANNEL)), Range.create("-", "+"));
    }
}
