package io.herald.dispatcher.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.core.redis.ApplyResult.Outcome;
import io.herald.core.redis.ApplyResult;
import io.herald.core.redis.ApplyScript;
import io.herald.core.redis.RedisKeys;
import io.herald.core.redis.Retention;
import io.herald.dispatcher.redis.RedisClients;
import io.herald.dispatcher.redis.RedisConnections;
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
import java.util.List;
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
        resources = RedisClients.resources(Duration.ofMillis(50), Duration.ofMillis(500));
        client = RedisClients.create(resources, Duration.ofSeconds(2));
        connections = new RedisConnections(client, RedisURI.create(server.url()));
        applier = new BatchApplier(connections, new ApplyScript(false), Duration.ofSeconds(2));
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

        await().atMost(Duration.ofSeconds(10)).until(() -> applier.apply(batch).succeeded());
        RedisCommands<String, String> redis = inspector.sync();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(redis.ping()).isEqualTo("PONG"));
        assertThat(log("user:down")).extracting(StreamMessage::getId)
                .containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> (100 + i) + "-1").toList());
    }
}
