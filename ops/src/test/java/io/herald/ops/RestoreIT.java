package io.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.redis.RedisKeys;
import io.herald.ops.support.Cli;
import io.herald.ops.support.Herald;
import io.herald.ops.support.PubSubWatch;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsTestClient;
import io.lettuce.core.StreamMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code heraldctl restore} on a real broker and redis-server, with the dispatcher and an edge running: Redis is
 * wiped, the restore refills it from Kafka without publishing or touching the consumer group, a client resumes
 * from an old ID served from the log, and a second restore changes nothing.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestoreIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private Herald herald;
    private Cli cli;

    @BeforeAll
    void start(KafkaBroker kafka, RedisServer redis) {
        herald = Herald.start("restore-it", kafka, redis);
        cli = herald.cli();
    }

    @AfterAll
    void stop() {
        herald.close();
    }

    @Test
    void afterRedisLostEverythingARestoreLetsAClientResumeFromAnOldIdOutOfTheLogAndASecondRestoreChangesNothing() {
        String alice = "user:alice";
        String orders = "topic:orders";
        List<RecordMetadata> aliceRecords = herald.publish(alice, 0, 30);
        List<RecordMetadata> orderRecords = herald.publish(orders, 0, 12);
        herald.awaitApplied();
        List<StreamMessage<String, String>> aliceBefore = herald.log(alice);
        List<StreamMessage<String, String>> ordersBefore = herald.log(orders);
        assertThat(aliceBefore).hasSize(30);
        Map<TopicPartition, Long> committed = herald.committed();

        herald.redis.sync().flushall();
        assertThat(herald.log(alice)).isEmpty();

        Cli.Run restore;
        try (PubSubWatch live = new PubSubWatch(herald.redisClient, alice)) {
            restore = cli.run("restore", "--since", "0", "--output", "json");
            assertThat(live.before(herald.redisClient)).as("a restore publishes nothing").isEmpty();
        }
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        JsonNode report = restore.json();
        // every record of the topic, these two channels' and those other tests of this class left
        long records = herald.endOffsets().values().stream().mapToLong(Long::longValue).sum();
        assertThat(report.path("restored").asLong()).isEqualTo(records).isGreaterThanOrEqualTo(42);
        assertThat(report.path("present").asLong()).isZero();
        assertThat(report.path("channels").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(report.path("dryRun").asBoolean()).isFalse();
        // the very entries the dispatcher had written, IDs and prev chain included
        assertThat(herald.log(alice)).isEqualTo(aliceBefore);
        assertThat(herald.log(orders)).isEqualTo(ordersBefore);
        assertThat(herald.meta(alice)).containsEntry(RedisKeys.META_LAST, aliceBefore.get(29).getId())
                .containsEntry(RedisKeys.META_PARTITION, Integer.toString(aliceRecords.get(0).partition()));
        assertThat(herald.redis.sync().ttl(RedisKeys.log(ChannelName.parse(alice)))).isBetween(86_000L, 86_400L);
        assertThat(herald.committed()).as("the consumer group is only read").isEqualTo(committed);
        assertThat(orderRecords).hasSize(12);

        double hot = herald.edgeCounter("herald.edge.catchups", "source", "hot");
        double hotResumes = herald.edgeCounter("herald.edge.resumes", "outcome", "hot");
        double kafkaCatchUps = herald.edgeCounter("herald.edge.catchups", "source", "kafka");
        Position since = Position.ofOffset(aliceRecords.get(9).offset());
        try (WsTestClient client = WsTestClient.connect(herald.ws())) {
            client.send("{\"op\":\"subscribe\",\"channel\":\"" + alice + "\",\"since\":\"" + since + "\"}");
            JsonNode subscribed = json(client.awaitFrame(f -> f.contains("\"subscribed\""), WAIT));
            assertThat(subscribed.path("recovered").asBoolean()).isTrue();
            assertThat(subscribed.path("replayed").asLong()).isEqualTo(20);
            await().atMost(WAIT).until(() -> messageIds(client.frames()).size() >= 20);
            assertThat(messageIds(client.frames())).containsExactlyElementsOf(
                    aliceRecords.subList(10, 30).stream().map(r -> Position.ofOffset(r.offset()).toString()).toList());
        }
        assertThat(herald.edgeCounter("herald.edge.catchups", "source", "hot") - hot).isEqualTo(1);
        assertThat(herald.edgeCounter("herald.edge.resumes", "outcome", "hot") - hotResumes).isEqualTo(1);
        assertThat(herald.edgeCounter("herald.edge.catchups", "source", "kafka")).isEqualTo(kafkaCatchUps);

        Cli.Run again = cli.run("restore", "--since", "0", "--output", "json");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.json().path("restored").asLong()).isZero();
        assertThat(again.json().path("present").asLong()).isEqualTo(records);
        assertThat(herald.log(alice)).isEqualTo(aliceBefore);
        assertThat(herald.log(orders)).isEqualTo(ordersBefore);
    }

    @Test
    void restoringBelowEntriesTheDispatcherWroteAfterTheWipeMergesInOrderAndRepairsTheirPrev() {
        String channel = "user:merge";
        List<RecordMetadata> older = herald.publish(channel, 0, 10);
        herald.awaitApplied();
        herald.redis.sync().del(RedisKeys.log(ChannelName.parse(channel)), RedisKeys.meta(ChannelName.parse(channel)));
        List<RecordMetadata> newer = herald.publish(channel, 10, 5);
        herald.awaitApplied();
        // what the dispatcher wrote with its meta gone: the newest five, the first claiming to follow nothing
        assertThat(herald.log(channel)).hasSize(5);
        assertThat(herald.log(channel).get(0).getBody()).containsEntry(RedisKeys.FIELD_PREV, "0-0");

        Cli.Run restore = cli.run("restore", "--since", "0", "--channel", channel, "-o", "json");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.json().path("restored").asLong()).isEqualTo(10);
        assertThat(restore.json().path("present").asLong()).isEqualTo(5);
        assertThat(restore.json().path("repaired").asLong()).isEqualTo(1);

        List<RecordMetadata> all = new ArrayList<>(older);
        all.addAll(newer);
        List<StreamMessage<String, String>> log = herald.log(channel);
        assertThat(log).extracting(StreamMessage::getId)
                .containsExactlyElementsOf(all.stream().map(r -> r.offset() + "-1").toList());
        List<String> prevs = new ArrayList<>(List.of("0-0"));
        log.stream().limit(log.size() - 1).forEach(m -> prevs.add(m.getId()));
        assertThat(log).extracting(m -> m.getBody().get(RedisKeys.FIELD_PREV)).containsExactlyElementsOf(prevs);
        assertThat(herald.meta(channel)).containsEntry(RedisKeys.META_LAST, newer.get(4).offset() + "-1");

        Cli.Run again = cli.run("restore", "--since", "0", "--channel", channel, "-o", "json");
        assertThat(again.json().path("restored").asLong()).isZero();
        assertThat(again.json().path("repaired").asLong()).isZero();
        assertThat(herald.log(channel)).isEqualTo(log);

        // and the next record the dispatcher applies chains to the restored history
        RecordMetadata next = herald.publish(channel, 15, 1).get(0);
        herald.awaitApplied();
        List<StreamMessage<String, String>> after = herald.log(channel);
        assertThat(after.get(after.size() - 1).getId()).isEqualTo(next.offset() + "-1");
        assertThat(after.get(after.size() - 1).getBody()).containsEntry(RedisKeys.FIELD_PREV, newer.get(4).offset() + "-1");
    }

    @Test
    void aRestoreStopsAtTheDispatchersCommittedOffsetsAndADryRunWritesNothing() {
        String channel = "user:capped";
        herald.publish(channel, 0, 4);
        herald.awaitApplied();
        herald.redis.sync().del(RedisKeys.log(ChannelName.parse(channel)), RedisKeys.meta(ChannelName.parse(channel)));
        herald.dispatcherListener().stop();
        try {
            herald.publish(channel, 4, 3); // not applied: the dispatcher is stopped

            Cli.Run dry = cli.run("restore", "--since", "0", "--channel", channel, "--dry-run", "-o", "json");
            assertThat(dry.exitCode()).as(dry.toString()).isZero();
            assertThat(dry.json().path("dryRun").asBoolean()).isTrue();
            assertThat(dry.json().path("restored").asLong()).isEqualTo(4);
            assertThat(dry.json().at("/ranges/0/note").asString()).contains("committed offset");
            assertThat(herald.log(channel)).isEmpty();
            assertThat(herald.meta(channel)).isEmpty();

            Cli.Run restore = cli.run("restore", "--since", "0", "--channel", channel, "--rate", "100/s");
            assertThat(restore.exitCode()).as(restore.toString()).isZero();
            assertThat(restore.out()).contains("restored").contains("4 entries");
            assertThat(herald.log(channel)).hasSize(4);
        } finally {
            herald.dispatcherListener().start();
        }
        herald.awaitApplied();
        assertThat(herald.log(channel)).hasSize(7);
    }

    @Test
    void theDispatcherRunsTheSameRestoreThroughItsAdminApi() {
        String channel = "topic:via-admin";
        herald.publish(channel, 0, 6);
        herald.awaitApplied();
        List<StreamMessage<String, String>> before = herald.log(channel);
        herald.redis.sync().del(RedisKeys.log(ChannelName.parse(channel)), RedisKeys.meta(ChannelName.parse(channel)));

        Cli.Run restore = cli.run("restore", "--since", "0", "--channel", channel, "--via-dispatcher",
                "--dispatcher-url", herald.dispatcherUrl(), "--admin-token", Herald.ADMIN_TOKEN, "-o", "json");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.json().path("restored").asLong()).isEqualTo(6);
        assertThat(herald.log(channel)).isEqualTo(before);

        Cli.Run refused = cli.run("restore", "--since", "0", "--via-dispatcher", "--dispatcher-url", herald.dispatcherUrl(),
                "--admin-token", "wrong");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("the admin token is not valid");
    }

    @Test
    void badInputIsAUsageErrorThatSaysWhatIsAccepted() {
        Cli.Run badTime = cli.run("restore", "--since", "yesterday");
        assertThat(badTime.exitCode()).isEqualTo(2);
        assertThat(badTime.err()).contains("--since").contains("ISO-8601").contains("offset");

        Cli.Run noSince = cli.run("restore");
        assertThat(noSince.exitCode()).isEqualTo(2);
        assertThat(noSince.err()).contains("--since").contains("heraldctl restore --help");

        Cli.Run badChannel = cli.run("restore", "--since", "1h", "--channel", "nocolon");
        assertThat(badChannel.exitCode()).isEqualTo(2);
        assertThat(badChannel.err()).contains("<namespace>:<name>");

        Cli.Run viaWithoutUrl = Cli.raw("restore", "--since", "1h", "--via-dispatcher");
        assertThat(viaWithoutUrl.exitCode()).isEqualTo(2);
        assertThat(viaWithoutUrl.err()).contains("--dispatcher-url");

        Cli.Run help = Cli.raw("restore", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--since").contains("--dry-run").contains("--rate").contains("Exit codes")
                .contains("HERALD_BOOTSTRAP_SERVERS");
    }

    private static JsonNode json(String frame) {
        return JsonMapper.builder().build().readTree(frame);
    }

    private static List<String> messageIds(List<String> frames) {
        return frames.stream().map(RestoreIT::json).filter(f -> "message".equals(f.path("op").asString()))
                .map(f -> f.path("id").asString()).toList();
    }
}
