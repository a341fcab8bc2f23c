package io.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.kafka.ChannelPartitioner;
import io.herald.core.channel.ChannelName;
import io.herald.redis.RedisKeys;
import io.herald.ops.support.Cli;
import io.herald.ops.support.Herald;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsTestClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 17 through {@code heraldctl}, with the dispatcher and an edge running: a record forced onto another
 * partition than its channel's is moved there by the dispatcher and applied; {@code restore} must write the moved
 * copy and never the original (item 2: the original became the channel's only entry, a resume from 0-0 returned it
 * and every later post was refused), its dry run must predict the real run; {@code dlt redrive} of a record refused
 * for a history on another partition must report the id and position clients receive (item 9).
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MisplacedRecordIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Herald herald;
    private Cli cli;

    @BeforeAll
    void start(KafkaBroker kafka, RedisServer redis) {
        herald = Herald.start("misplaced-it", kafka, redis);
        cli = herald.cli();
    }

    @AfterAll
    void stop() {
        herald.close();
    }

    @Test
    void aRestoreWritesTheMovedCopyNotTheMisplacedOriginalItsDryRunSaysSoAndTheChannelKeepsWorking() {
        int own = Herald.PARTITIONS - 1;
        String channel = channelOnPartition(own, "restore");
        List<RecordMetadata> delivered = herald.publish(channel, 0, 2);
        herald.awaitApplied();
        sendMisplaced(channel, 0, Herald.envelope("stray-" + UUID.randomUUID(), channel, 9));
        await().atMost(WAIT).until(() -> herald.log(channel).size() == 3);
        herald.awaitApplied();
        List<String> positions = herald.log(channel).stream().map(m -> m.getId()).toList();
        assertThat(positions).startsWith(delivered.get(0).offset() + "-1", delivered.get(1).offset() + "-1");

        herald.redis.sync().flushall();

        Cli.Run dry = cli.run("restore", "--since", "7d", "--dry-run", "-o", "json");
        Cli.Run real = cli.run("restore", "--since", "7d", "-o", "json");
        assertThat(dry.exitCode()).as(dry.toString()).isEqualTo(real.exitCode());
        for (String count : List.of("restored", "present", "repaired", "trimmed", "invalid", "mismatched", "moved", "channels")) {
            assertThat(dry.json().path(count).asLong()).as("dry run's %s", count).isEqualTo(real.json().path(count).asLong());
        }
        assertThat(real.json().path("moved").asLong()).as("the misplaced original").isPositive();
        assertThat(real.json().path("mismatchedChannels").toString()).doesNotContain(channel);
        assertThat(herald.log(channel)).extracting(m -> m.getId()).containsExactlyElementsOf(positions);
        assertThat(herald.meta(channel)).containsEntry(RedisKeys.META_PARTITION, Integer.toString(own));
        Cli.Run table = cli.run("restore", "--since", "7d", "--dry-run");
        assertThat(table.out()).containsPattern("moved +[1-9]");

        try (WsTestClient client = WsTestClient.connect(herald.ws())) {
            client.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"since\":\"0-0\"}");
            client.awaitFrame(f -> f.contains("\"subscribed\""), WAIT);
            await().atMost(WAIT).until(() -> messageIds(client.frames()).size() >= 3);
            assertThat(messageIds(client.frames())).as("the three notifications clients had received")
                    .containsExactlyElementsOf(positions);

            RecordMetadata later = herald.publish(channel, 2, 1).get(0);
            await().atMost(WAIT).until(() -> messageIds(client.frames()).size() >= 4);
            assertThat(messageIds(client.frames())).last().isEqualTo(later.offset() + "-1");
        }
    }

    @Test
    void aRedriveReportsTheIdAndPositionClientsReceive() {
        String channel = channelOnPartition(1, "redrive");
        // the channel's history was applied from another partition (written before the dispatcher moved records)
        ChannelName name = ChannelName.parse(channel);
        herald.redis.sync().hset(RedisKeys.meta(name), Map.of(RedisKeys.META_PARTITION, "2", RedisKeys.META_LAST, "0-1"));
        // an envelope without an id: it gets the one derived from the record it is in
        RecordMetadata refused = herald.send(List.of(herald.record(channel,
                "{\"channel\":\"" + channel + "\",\"type\":\"test.event\",\"data\":{\"n\":1}}"))).get(0);
        herald.awaitApplied();
        JsonNode letter = awaitDeadLetter(refused, "partition-mismatch");
        // the runbook's fix for a history on another partition: start the channel afresh, then redrive
        herald.redis.sync().del(RedisKeys.meta(name), RedisKeys.log(name));
        String ref = letter.path("partition").asInt() + ":" + letter.path("offset").asLong();
        String letterId = "k-" + herald.topic + "-" + letter.path("partition").asInt() + "-" + letter.path("offset").asLong();

        try (WsTestClient client = WsTestClient.connect(herald.ws())) {
            client.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            client.awaitFrame(f -> f.contains("\"subscribed\""), WAIT);

            Cli.Run redrive = cli.run("dlt", "redrive", "--offset", ref);
            assertThat(redrive.exitCode()).as(redrive.toString()).isZero();
            await().atMost(WAIT).until(() -> !messages(client.frames()).isEmpty());
            JsonNode received = messages(client.frames()).get(0);
            String position = received.path("id").asString();
            String id = received.path("n").path("id").asString();
            assertThat(id).isEqualTo("k-" + herald.topic + "-1-" + position.substring(0, position.indexOf('-')));
            assertThat(redrive.out()).contains("sent " + id + " to " + channel + " at position " + position)
                    .doesNotContain(letterId);
        }

        Cli.Run again = cli.run("dlt", "redrive", "--offset", ref, "--force", "-o", "json");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        JsonNode result = again.json().at("/results/0");
        assertThat(result.path("outcome").asString()).isEqualTo("REDRIVEN");
        assertThat(result.path("position").asString()).isEqualTo(result.path("offset").asLong() + "-1");
        assertThat(result.path("id").asString())
                .isEqualTo("k-" + herald.topic + "-" + result.path("partition").asInt() + "-" + result.path("offset").asLong());
        assertThat(result.path("channel").asString()).isEqualTo(channel);
    }

    private static String channelOnPartition(int partition, String prefix) {
        while (true) {
            String channel = "user:" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
            if (ChannelPartitioner.partitionOf(ChannelName.parse(channel), Herald.PARTITIONS) == partition) {
                return channel;
            }
        }
    }

    /** A record of the channel produced onto another partition than its key's, as a producer naming it would. */
    private RecordMetadata sendMisplaced(String channel, int partition, String value) {
        return herald.send(List.of(new ProducerRecord<>(herald.topic, partition, channel.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8)))).get(0);
    }

    private JsonNode awaitDeadLetter(RecordMetadata original, String reason) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(WAIT).until(() -> {
            for (JsonNode letter : cli.run("dlt", "list", "-o", "json").json()) {
                if (letter.path("originalOffset").asLong() == original.offset()
                        && letter.path("originalPartition").asInt() == original.partition()) {
                    found[0] = letter;
                    return true;
                }
            }
            return false;
        });
        assertThat(found[0].path("reason").asString()).isEqualTo(reason);
        return found[0];
    }

    private static List<JsonNode> messages(List<String> frames) {
        return frames.stream().map(JSON::readTree).filter(f -> "message".equals(f.path("op").asString())).toList();
    }

    private static List<String> messageIds(List<String> frames) {
        return messages(frames).stream().map(f -> f.path("id").asString()).toList();
    }
}
