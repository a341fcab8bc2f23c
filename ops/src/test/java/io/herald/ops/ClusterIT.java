package io.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.kafka.Topics;
import io.herald.redis.RedisKeys;
import io.herald.ops.support.Cli;
import io.herald.ops.support.Herald;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisCluster;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsTestClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.StreamMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * heraldctl on a Redis Cluster of three primaries, pointed at it by the dispatcher's own configuration alone
 * ({@code spring.data.redis.cluster.nodes} in {@code --dispatcher-config}), with the dispatcher and an edge running
 * on the same cluster: restore, channel, status, replay and dead-letter redrive each reach the primary that serves
 * a channel's slot.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RedisCluster redis;
    private Herald herald;
    private Cli cli;

    @BeforeAll
    void start(KafkaBroker kafka, @TempDir Path dir) throws IOException {
        redis = RedisCluster.start();
        herald = Herald.startOnCluster("cluster-it", kafka, redis);
        // the dispatcher's application.yml as an operator has it: heraldctl finds the cluster there and nowhere else
        Path config = Files.writeString(dir.resolve("application.yml"), """
                spring:
                  kafka:
                    bootstrap-servers: %s
                  data:
                    redis:
                      cluster:
                        nodes:
                %s
                herald:
                  kafka:
                    topic: %s
                  dispatcher:
                    group-id: %s
                """.formatted(kafka.bootstrapServers(),
                redis.clusterNodes().stream().map(n -> "          - " + n).collect(Collectors.joining("\n")),
                herald.topic, herald.group));
        cli = new Cli(List.of("--dispatcher-config", config.toString(), "--timeout", "10s"));
    }

    @AfterAll
    void stop() {
        if (herald != null) {
            herald.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aRestoreRefillsChannelsOnEveryPrimaryWithTheirPrevChainsAndASecondRestoreWritesNothing() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> channels = IntStream.range(0, 12).mapToObj(i -> "user:restore-" + run + "-" + i).toList();
        assertThat(channels.stream().map(c -> redis.primaryFor(log(c))).distinct()).as("channels on all three primaries")
                .hasSize(3);
        channels.forEach(channel -> herald.publish(channel, 0, 5));
        herald.awaitApplied();
        Map<String, List<StreamMessage<String, String>>> before = new LinkedHashMap<>();
        channels.forEach(channel -> before.put(channel, herald.log(channel)));
        assertThat(before.values()).allSatisfy(log -> assertThat(log).hasSize(5));
        Map<TopicPartition, Long> committed = herald.committed();
        channels.forEach(channel -> herald.reader().del(log(channel), RedisKeys.meta(ChannelName.parse(channel))));

        Cli.Run restore = cli.run("restore", "--since", "0", "-o", "json");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.json().path("restored").asLong()).isEqualTo(60);
        for (String channel : channels) {
            // the very entries the dispatcher had written, IDs and prev chain included, on the slot's primary itself
            assertThat(herald.log(channel)).as(channel).isEqualTo(before.get(channel));
            assertThat(xlenOn(redis.primaryFor(log(channel)), channel)).isEqualTo(5);
            assertThat(herald.meta(channel)).containsEntry(RedisKeys.META_LAST, before.get(channel).get(4).getId());
        }
        assertThat(herald.committed()).as("the consumer group is only read").isEqualTo(committed);

        Cli.Run again = cli.run("restore", "--since", "0", "-o", "json");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.json().path("restored").asLong()).isZero();
        assertThat(again.json().path("present").asLong())
                .isEqualTo(restore.json().path("restored").asLong() + restore.json().path("present").asLong());
        channels.forEach(channel -> assertThat(herald.log(channel)).isEqualTo(before.get(channel)));
    }

    @Test
    void channelStatusAndReplayReachTheShardOfTheChannel() {
        String channel = "user:cluster-" + UUID.randomUUID().toString().substring(0, 8);
        try (WsTestClient client = WsTestClient.connect(herald.ws())) {
            client.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            client.awaitFrame(f -> f.contains("\"subscribed\""), WAIT);
            List<RecordMetadata> sent = herald.publish(channel, 0, 3);
            await().atMost(WAIT).until(() -> messages(client.frames(), false).size() == 3);

            Cli.Run info = cli.run("channel", channel, "-o", "json");
            assertThat(info.exitCode()).as(info.toString()).isZero();
            assertThat(info.json().path("logLength").asLong()).isEqualTo(3);
            assertThat(info.json().path("last").asString()).isEqualTo(sent.get(2).offset() + "-1");
            assertThat(info.json().path("partition").asInt()).isEqualTo(sent.get(0).partition());
            assertThat(info.json().path("subscriberNodes").asLong()).as("the edge, subscribed on the channel's shard")
                    .isEqualTo(1);

            Cli.Run status = cli.run("status", "-o", "json");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.json().at("/pipeline/redis/up").asBoolean()).isTrue();
            assertThat(status.json().at("/pipeline/redis/detail").asString()).contains("3 primaries");
            assertThat(status.json().at("/pipeline/lag/group").asString()).isEqualTo(herald.group);

            Cli.Run replay = cli.run("replay", "--channel", channel, "--since", "0", "-o", "json");
            assertThat(replay.exitCode()).as(replay.toString()).isZero();
            assertThat(replay.json().path("published").asLong()).isEqualTo(3);
            assertThat(replay.json().path("receivers").asLong()).as("the edge, with SPUBLISH on the shard").isEqualTo(1);
            await().atMost(WAIT).until(() -> messages(client.frames(), true).size() == 3);
            assertThat(messages(client.frames(), true)).extracting(f -> f.path("id").asString())
                    .containsExactlyElementsOf(sent.stream().map(r -> r.offset() + "-1").toList());
        }
    }

    @Test
    void aCorrectedDeadLetterIsRedrivenOnceHoweverOftenTheRedriveRuns(@TempDir Path dir) throws IOException {
        String channel = "user:dlt-" + UUID.randomUUID().toString().substring(0, 8);
        try (WsTestClient client = WsTestClient.connect(herald.ws())) {
            client.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            client.awaitFrame(f -> f.contains("\"subscribed\""), WAIT);
            String broken = Herald.envelope("broken-" + UUID.randomUUID(), channel, 1)
                    .replace("\"type\"", "\"colour\":\"red\",\"type\"");
            RecordMetadata original = herald.send(List.of(herald.record(channel, broken))).get(0);
            herald.awaitApplied();
            String ref = awaitDeadLetter(original);

            String fixedId = "fixed-" + UUID.randomUUID();
            Path corrected = Files.writeString(dir.resolve("fixed.json"), Herald.envelope(fixedId, channel, 1));
            Cli.Run redrive = cli.run("dlt", "redrive", "--offset", ref, "--value-file", corrected.toString(), "-o", "json");
            assertThat(redrive.exitCode()).as(redrive.toString()).isZero();
            assertThat(redrive.json().at("/results/0/outcome").asString()).isEqualTo("REDRIVEN");
            await().atMost(WAIT).until(() -> envelopeIds(client.frames()).contains(fixedId));

            Cli.Run again = cli.run("dlt", "redrive", "--offset", ref, "--value-file", corrected.toString());
            assertThat(again.exitCode()).as(again.toString()).isZero();
            assertThat(again.out()).contains("already-redriven");
            assertThat(herald.reader().hget(RedisKeys.redrivenDeadLetters(Topics.deadLetters(herald.topic)), ref)).isNotBlank();
            String later = "later-" + UUID.randomUUID();
            herald.send(List.of(herald.record(channel, Herald.envelope(later, channel, 2))));
            await().atMost(WAIT).until(() -> envelopeIds(client.frames()).contains(later));
            assertThat(envelopeIds(client.frames())).containsExactly(fixedId, later);
        }
    }

    private String awaitDeadLetter(RecordMetadata original) {
        String[] ref = new String[1];
        await().atMost(WAIT).until(() -> {
            Cli.Run list = cli.run("dlt", "list", "-o", "json");
            for (JsonNode letter : list.json()) {
                if (letter.path("originalOffset").asLong() == original.offset()
                        && letter.path("originalPartition").asInt() == original.partition()) {
                    ref[0] = letter.path("partition").asInt() + ":" + letter.path("offset").asLong();
                    return true;
                }
            }
            return false;
        });
        return ref[0];
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

    private static List<JsonNode> messages(List<String> frames, boolean replays) {
        return frames.stream().map(JSON::readTree).filter(f -> "message".equals(f.path("op").asString()))
                .filter(f -> f.path("replay").asBoolean(false) == replays).toList();
    }

    private static List<String> envelopeIds(List<String> frames) {
        return messages(frames, false).stream().map(f -> f.path("n").path("id").asString()).toList();
    }
}
