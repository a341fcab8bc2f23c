package io.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.ops.support.Cli;
import io.herald.ops.support.Herald;
import io.herald.ops.support.PubSubWatch;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code heraldctl replay} and {@code heraldctl dlt} against a running dispatcher and edge: a dry run sends
 * nothing, a replay reaches a subscribed client as flagged frames, and a corrected dead letter is redriven and
 * delivered exactly once, however often the redrive is run.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayAndDeadLettersIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Herald herald;
    private Cli cli;

    @BeforeAll
    void start(KafkaBroker kafka, RedisServer redis) {
        herald = Herald.start("replay-dlt-it", kafka, redis);
        cli = herald.cli();
    }

    @AfterAll
    void stop() {
        herald.close();
    }

    @Test
    void aDryRunSendsNothingAndAReplayReachesTheSubscribedClientFlagged() {
        String user = "replayer-" + UUID.randomUUID().toString().substring(0, 8);
        String channel = "user:" + user;
        try (WsTestClient client = WsTestClient.connect(herald.ws());
                PubSubWatch pubsub = new PubSubWatch(herald.redisClient, channel)) {
            client.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            client.awaitFrame(f -> f.contains("\"subscribed\""), WAIT);
            String since = Instant.now().minus(1, ChronoUnit.SECONDS).toString();
            List<RecordMetadata> sent = herald.publish(channel, 0, 5);
            await().atMost(WAIT).until(() -> messages(client.frames(), false).size() == 5);
            List<String> ids = sent.stream().map(r -> r.offset() + "-1").toList();
            int livePayloads = pubsub.before(herald.redisClient).size();

            Cli.Run dry = cli.run("replay", "--user", user, "--since", since, "--dry-run", "-o", "json");
            assertThat(dry.exitCode()).as(dry.toString()).isZero();
            assertThat(dry.json().path("published").asLong()).isEqualTo(5);
            assertThat(dry.json().path("dryRun").asBoolean()).isTrue();
            assertThat(dry.json().path("firstId").asString()).isEqualTo(ids.get(0));
            assertThat(pubsub.before(herald.redisClient)).as("a dry run publishes nothing").hasSize(livePayloads);
            assertThat(messages(client.frames(), true)).isEmpty();

            Cli.Run table = cli.run("replay", "--channel", channel, "--since", since, "--dry-run");
            assertThat(table.exitCode()).isZero();
            assertThat(table.out()).contains("would replay").contains("5 notification(s)");

            Cli.Run replay = cli.run("replay", "--channel", channel, "--since", since, "-o", "json");
            assertThat(replay.exitCode()).as(replay.toString()).isZero();
            assertThat(replay.json().path("published").asLong()).isEqualTo(5);
            assertThat(replay.json().path("receivers").asLong()).as("the edge and this test's watch").isEqualTo(2);
            await().atMost(WAIT).until(() -> messages(client.frames(), true).size() == 5);
            assertThat(messages(client.frames(), true)).extracting(f -> f.path("id").asString()).containsExactlyElementsOf(ids);
            assertThat(messages(client.frames(), true)).extracting(f -> f.path("n").path("data").path("n").asInt())
                    .containsExactly(0, 1, 2, 3, 4);

            // the replay moved nobody's position: the next notification is live, once
            RecordMetadata next = herald.publish(channel, 5, 1).get(0);
            await().atMost(WAIT).until(() -> messages(client.frames(), false).size() == 6);
            assertThat(messages(client.frames(), false).get(5).path("id").asString()).isEqualTo(next.offset() + "-1");
            assertThat(messages(client.frames(), true)).hasSize(5);
        }
    }

    @Test
    void anExpiredNotificationIsAppliedButNeverDeliveredLiveNorReplayed() {
        String channel = "user:expiry-" + UUID.randomUUID().toString().substring(0, 8);
        try (WsTestClient client = WsTestClient.connect(herald.ws())) {
            client.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            client.awaitFrame(f -> f.contains("\"subscribed\""), WAIT);
            String since = Instant.now().minus(1, ChronoUnit.SECONDS).toString();
            String expired = Herald.envelope("expired-" + UUID.randomUUID(), channel, 0)
                    .replace("\"expiresAt\":null", "\"expiresAt\":" + Instant.now().minus(1, ChronoUnit.HOURS).toEpochMilli());
            List<RecordMetadata> sent = herald.send(List.of(herald.record(channel, expired),
                    herald.record(channel, Herald.envelope("valid-" + UUID.randomUUID(), channel, 1))));
            await().atMost(WAIT).until(() -> messages(client.frames(), false).size() == 1);
            herald.awaitApplied();
            // the dispatcher applied the expired one as usual: it holds its place in the log and in the prev chain
            assertThat(herald.log(channel)).hasSize(2);
            assertThat(herald.meta(channel)).containsEntry("last", sent.get(1).offset() + "-1");
            assertThat(messages(client.frames(), false)).extracting(f -> f.path("n").path("data").path("n").asInt())
                    .containsExactly(1);

            Cli.Run replay = cli.run("replay", "--channel", channel, "--since", since, "-o", "json");
            assertThat(replay.exitCode()).as(replay.toString()).isZero();
            assertThat(replay.json().path("matched").asLong()).isEqualTo(2);
            assertThat(replay.json().path("expired").asLong()).isEqualTo(1);
            assertThat(replay.json().path("published").asLong()).isEqualTo(1);
            assertThat(replay.json().path("firstId").asString()).isEqualTo(sent.get(1).offset() + "-1");
            await().atMost(WAIT).until(() -> messages(client.frames(), true).size() == 1);
            assertThat(messages(client.frames(), true)).extracting(f -> f.path("n").path("data").path("n").asInt())
                    .containsExactly(1);
        }
    }

    @Test
    void replayNeedsExactlyOneTargetAndAWindow() {
        assertThat(cli.run("replay", "--since", "1h").exitCode()).isEqualTo(2);
        Cli.Run both = cli.run("replay", "--channel", "user:a", "--user", "a", "--since", "1h");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        assertThat(cli.run("replay", "--user", "a").exitCode()).isEqualTo(2);
        assertThat(cli.run("replay", "--user", "a b", "--since", "1h").exitCode()).isEqualTo(2);
    }

    @Test
    void aCorrectedDeadLetterIsRedrivenAndDeliveredOnceHoweverOftenTheRedriveRuns(@TempDir Path dir) throws Exception {
        String channel = "user:dlt-" + UUID.randomUUID().toString().substring(0, 8);
        try (WsTestClient client = WsTestClient.connect(herald.ws())) {
            client.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            client.awaitFrame(f -> f.contains("\"subscribed\""), WAIT);
            String broken = Herald.envelope("broken-" + UUID.randomUUID(), channel, 1)
                    .replace("\"type\"", "\"colour\":\"red\",\"type\"");
            RecordMetadata original = herald.send(List.of(herald.record(channel, broken))).get(0);
            herald.awaitApplied();

            JsonNode letter = awaitDeadLetter(original);
            String ref = letter.path("partition").asInt() + ":" + letter.path("offset").asLong();
            assertThat(letter.path("reason").asString()).isEqualTo("unknown-field");
            assertThat(letter.path("field").asString()).isEqualTo("/colour");
            assertThat(letter.path("key").asString()).isEqualTo(channel);
            assertThat(letter.path("redriven").isNull()).isTrue();
            assertThat(Instant.parse(letter.path("timestamp").asString())).isBefore(Instant.now().plusSeconds(1));

            Cli.Run show = cli.run("dlt", "show", ref);
            assertThat(show.exitCode()).as(show.toString()).isZero();
            assertThat(show.out()).contains("unknown-field").contains("colour").contains("herald.dlt.original.offset");
            Cli.Run missing = cli.run("dlt", "show", "999999");
            assertThat(missing.exitCode()).isEqualTo(1);
            assertThat(missing.err()).contains("no dead letter at 999999");

            Cli.Run unchanged = cli.run("dlt", "redrive", "--offset", ref, "-o", "json");
            assertThat(unchanged.exitCode()).as(unchanged.toString()).isEqualTo(1);
            assertThat(unchanged.json().at("/results/0/outcome").asString()).isEqualTo("INVALID");
            assertThat(unchanged.json().at("/results/0/detail").asString()).contains("unknown-field").contains("corrected value");

            String fixedId = "fixed-" + UUID.randomUUID();
            Path corrected = dir.resolve("fixed.json");
            Files.writeString(corrected, Herald.envelope(fixedId, channel, 1) + "\n");
            Cli.Run redrive = cli.run("dlt", "redrive", "--offset", ref, "--value-file", corrected.toString(), "-o", "json");
            assertThat(redrive.exitCode()).as(redrive.toString()).isZero();
            assertThat(redrive.json().at("/results/0/outcome").asString()).isEqualTo("REDRIVEN");
            await().atMost(WAIT).until(() -> envelopeIds(client.frames()).contains(fixedId));

            Cli.Run again = cli.run("dlt", "redrive", "--offset", ref, "--value-file", corrected.toString());
            assertThat(again.exitCode()).as(again.toString()).isZero();
            assertThat(again.out()).contains("already-redriven");
            Cli.Run all = cli.run("dlt", "redrive", "--all", "--dry-run", "-o", "json");
            assertThat(all.json().path("results").findValuesAsString("ref")).doesNotContain(ref);

            // a notification published after both redrives arrives after anything they could have caused
            String later = "later-" + UUID.randomUUID();
            herald.send(List.of(herald.record(channel, Herald.envelope(later, channel, 2))));
            await().atMost(WAIT).until(() -> envelopeIds(client.frames()).contains(later));
            assertThat(envelopeIds(client.frames())).containsExactly(fixedId, later);

            JsonNode listed = awaitDeadLetter(original);
            assertThat(listed.path("redriven").asString()).isNotBlank();
            Cli.Run list = cli.run("dlt", "list");
            assertThat(list.exitCode()).isZero();
            assertThat(list.out()).contains(ref).contains("unknown-field");
        }
    }

    private JsonNode awaitDeadLetter(RecordMetadata original) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(WAIT).until(() -> {
            Cli.Run list = cli.run("dlt", "list", "-o", "json");
            for (JsonNode letter : list.json()) {
                if (letter.path("originalOffset").asLong() == original.offset()
                        && letter.path("originalPartition").asInt() == original.partition()) {
                    found[0] = letter;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static List<JsonNode> messages(List<String> frames, boolean replays) {
        return frames.stream().map(JSON::readTree).filter(f -> "message".equals(f.path("op").asString()))
                .filter(f -> f.path("replay").asBoolean(false) == replays).toList();
    }

    private static List<String> envelopeIds(List<String> frames) {
        return messages(frames, false).stream().map(f -> f.path("n").path("id").asString()).toList();
    }
}
