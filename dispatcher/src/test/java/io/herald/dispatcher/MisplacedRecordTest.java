package io.herald.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.kafka.ChannelPartitioner;
import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.kafka.RecordDecoder;
import io.herald.core.kafka.Topics;
import io.herald.redis.Retention;
import io.herald.redis.RedisKeys;
import io.herald.engine.retention.RetentionDefaults;
import io.herald.engine.retention.RetentionSettings;
import io.herald.engine.apply.CommandDecoder;
import io.herald.engine.deadletter.DeadLetter;
import io.herald.engine.deadletter.DeadLetterRef;
import io.herald.engine.deadletter.DeadLetterView;
import io.herald.engine.deadletter.DeadLetters;
import io.herald.engine.deadletter.RedriveReport;
import io.herald.engine.deadletter.RedriveRequest;
import io.herald.engine.deadletter.RedriveResult;
import io.herald.engine.Bound;
import io.herald.engine.KafkaAccess;
import io.herald.engine.Progress;
import io.herald.engine.RedisAccess;
import io.herald.engine.restore.RestoreEngine;
import io.herald.engine.restore.RestoreReport;
import io.herald.engine.restore.RestoreRequest;
import io.herald.engine.retention.RetentionPolicy;
import io.herald.dispatcher.support.RunningDispatcher;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.json.JsonMapper;

/**
 * A record forced onto another partition than its channel's (a producer naming the partition, or partitioning
 * otherwise): the dispatcher moves it to the channel's partition and applies it there. A restore must write the
 * moved copy, never the original (issue 17, item 2: the original became the channel's only entry and every later
 * record was refused), and its dry run must predict the real run. A redrive must report what clients receive (item 9).
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MisplacedRecordTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RunningDispatcher dispatcher;
    private KafkaAccess kafka;
    private RedisAccess redis;

    @BeforeAll
    void start(KafkaBroker broker, RedisServer server) {
        dispatcher = RunningDispatcher.start("misplaced-test", broker, server);
        kafka = new KafkaAccess(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()), dispatcher.topic, Duration.ofSeconds(10));
        redis = RedisAccess.of(server.url(), Duration.ofSeconds(10));
    }

    @AfterAll
    void stop() {
        kafka.close();
        redis.close();
        dispatcher.close();
    }

    @Test
    void aRestoreWritesOnlyTheRecordsTheDispatcherAppliedAndItsDryRunPredictsIt() throws Exception {
        // the channel's own partition is read after the misplaced record's, as in the incident
        String channel = channelOnPartition(RunningDispatcher.PARTITIONS - 1, "restore");
        int own = RunningDispatcher.PARTITIONS - 1;
        List<RecordMetadata> delivered = dispatcher.sendAll(List.of(
                RunningDispatcher.record(dispatcher.topic, channel, RunningDispatcher.envelope("r-1", channel, 1)),
                RunningDispatcher.record(dispatcher.topic, channel, RunningDispatcher.envelope("r-2", channel, 2))));
        assertThat(delivered).extracting(RecordMetadata::partition).containsOnly(own);
        dispatcher.awaitCaughtUp();
        sendMisplaced(channel, 0, RunningDispatcher.envelope("r-stray", channel, 3));
        await().atMost(WAIT).until(() -> dispatcher.log(channel).size() == 3);
        dispatcher.awaitCaughtUp();
        List<StreamMessage<String, String>> applied = dispatcher.log(channel);
        assertThat(applied).extracting(StreamMessage::getId).startsWith(delivered.get(0).offset() + "-1",
                delivered.get(1).offset() + "-1");
        assertThat(JSON.readTree(applied.get(2).getBody().get(RedisKeys.FIELD_ENVELOPE)).path("id").asString())
                .as("the moved copy, applied on the channel's partition").isEqualTo("r-stray");

        dispatcher.redis.sync().flushall();

        RestoreReport dry = restore(true);
        RestoreReport real = restore(false);
        assertThat(dry.moved()).as("the misplaced original (and other tests' of this class)").isPositive();
        assertThat(dry.mismatchedChannels()).noneMatch(c -> c.startsWith(channel));
        assertThat(real).usingRecursiveComparison().ignoringFields("dryRun").isEqualTo(dry);
        assertThat(real.restored() + real.mismatched() + real.moved() + real.invalid()).as("every record accounted for")
                .isEqualTo(real.matched());

        assertThat(dispatcher.log(channel)).as("the entries the dispatcher had written (the moved copy, not the original)")
                .isEqualTo(applied);
        assertThat(dispatcher.meta(channel)).containsEntry(RedisKeys.META_PARTITION, Integer.toString(own));

        // the channel still works: the next record is applied, not dead-lettered
        RecordMetadata next = dispatcher.send(channel, RunningDispatcher.envelope("r-4", channel, 4));
        dispatcher.awaitCaughtUp();
        assertThat(dispatcher.log(channel)).extracting(StreamMessage::getId).last().isEqualTo(next.offset() + "-1");

        assertThat(restore(false).restored()).as("a second run writes nothing").isZero();
    }

    @Test
    void aRedriveReportsThePositionAndIdClientsReceive() throws Exception {
        String channel = channelOnPartition(1, "redrive");
        // the channel's history was applied from another partition (written before the dispatcher moved records)
        ChannelName name = ChannelName.parse(channel);
        dispatcher.redis.sync().hset(RedisKeys.meta(name), Map.of(RedisKeys.META_PARTITION, "2", RedisKeys.META_LAST, "0-1"));
        // no id: the envelope gets one derived from the record it is in
        String withoutId = "{\"channel\":\"" + channel + "\",\"type\":\"test.event\",\"data\":{\"n\":2}}";
        RecordMetadata refused = dispatcher.send(channel, withoutId);
        DeadLetterView letter = awaitDeadLetter(refused, DeadLetter.PARTITION_MISMATCH);
        // the runbook's fix for a history on another partition: start the channel afresh, then redrive
        dispatcher.redis.sync().del(RedisKeys.meta(name), RedisKeys.log(name));

        DeadLetters letters = new DeadLetters(kafka, redis, new RecordDecoder(new EnvelopeCodec(EnvelopeLimits.DEFAULTS)),
                Clock.systemUTC());
        DeadLetterRef ref = new DeadLetterRef(letter.partition(), letter.offset());
        RedriveResult dry = letters.redrive(new RedriveRequest(false, List.of(ref), null, false, true)).results().get(0);
        assertThat(dry.outcome()).isEqualTo(RedriveResult.Outcome.WOULD_REDRIVE);
        assertThat(dry.id()).as("not known before the new record exists").isNull();
        assertThat(dry.detail()).doesNotContain(RecordDecoder.defaultId(dispatcher.topic, letter.partition(), letter.offset()));

        RedriveReport report = letters.redrive(new RedriveRequest(false, List.of(ref), null, false, false));
        RedriveResult result = report.results().get(0);
        assertThat(result.outcome()).as(result.detail()).isEqualTo(RedriveResult.Outcome.REDRIVEN);
        assertThat(result.partition()).isEqualTo(1);
        String expectedId = RecordDecoder.defaultId(dispatcher.topic, result.partition(), result.offset());
        assertThat(result.id()).isEqualTo(expectedId);
        assertThat(result.position()).isEqualTo(result.offset() + "-1");
        assertThat(result.channel()).isEqualTo(channel);
        assertThat(result.detail()).contains(expectedId).contains(result.position())
                .doesNotContain(RecordDecoder.defaultId(dispatcher.topic, letter.partition(), letter.offset()));

        // what the dispatcher wrote for clients: that position, that id
        dispatcher.awaitCaughtUp();
        StreamMessage<String, String> entry = dispatcher.log(channel).stream()
                .filter(m -> m.getId().equals(result.position())).findFirst().orElseThrow();
        assertThat(JSON.readTree(entry.getBody().get(RedisKeys.FIELD_ENVELOPE)).path("id").asString()).isEqualTo(expectedId);
    }

    private RestoreReport restore(boolean dryRun) throws InterruptedException {
        CommandDecoder decoder = new CommandDecoder(new RecordDecoder(new EnvelopeCodec(EnvelopeLimits.DEFAULTS)),
                new RetentionPolicy(new RetentionSettings(new RetentionDefaults(1000, Duration.ofHours(24),
                        Retention.DEFAULT_META_TTL), Map.of())));
        return new RestoreEngine(kafka, redis, decoder).run(new RestoreRequest(new Bound.Offset(0), null, null, dryRun, 0,
                dispatcher.groupId), Progress.NONE);
    }

    /** A channel whose key hashes to that partition. */
    private static String channelOnPartition(int partition, String prefix) {
        for (int i = 0; ; i++) {
            String channel = "user:" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
            if (ChannelPartitioner.partitionOf(ChannelName.parse(channel), RunningDispatcher.PARTITIONS) == partition) {
                return channel;
            }
        }
    }

    /** A record of the channel produced onto another partition than its key's, as a producer naming it would. */
    private RecordMetadata sendMisplaced(String channel, int partition, String value) {
        assertThat(ChannelPartitioner.partitionOf(ChannelName.parse(channel), RunningDispatcher.PARTITIONS)).isNotEqualTo(partition);
        return dispatcher.sendAll(List.of(new ProducerRecord<>(dispatcher.topic, partition,
                channel.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)))).get(0);
    }

    private DeadLetterView awaitDeadLetter(RecordMetadata original, String reason) {
        DeadLetters letters = new DeadLetters(kafka, redis, new RecordDecoder(new EnvelopeCodec(EnvelopeLimits.DEFAULTS)),
                Clock.systemUTC());
        DeadLetterView[] found = new DeadLetterView[1];
        await().atMost(WAIT).until(() -> {
            for (DeadLetterView view : letters.list(1000, null)) {
                if (Long.valueOf(original.offset()).equals(view.originalOffset())
                        && Integer.valueOf(original.partition()).equals(view.originalPartition())) {
                    found[0] = view;
                    return true;
                }
            }
            return false;
        });
        assertThat(found[0].reason()).isEqualTo(reason);
        assertThat(found[0].headers()).containsKey(Topics.DLT_REASON);
        return found[0];
    }
}
