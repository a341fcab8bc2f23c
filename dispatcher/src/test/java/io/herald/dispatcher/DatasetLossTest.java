package io.herald.dispatcher;

import static io.herald.dispatcher.support.RunningDispatcher.envelope;
import static io.herald.dispatcher.support.RunningDispatcher.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.herald.core.position.Position;
import io.herald.redis.RedisKeys;
import io.herald.dispatcher.consumer.DatasetRepair;
import io.herald.dispatcher.dataset.DatasetGuard;
import io.herald.dispatcher.dataset.DatasetIdentity;
import io.herald.dispatcher.dataset.DatasetVerification;
import io.herald.dispatcher.metrics.DispatcherMetrics;
import io.herald.dispatcher.support.RunningDispatcher;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.StreamMessage;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Redis loses its data (FLUSHALL here; a restart without persistence is the same) while the dispatcher is idle:
 * it notices without waiting for traffic, says so once (log, metric, health), and the first record of a channel
 * written afterwards does not claim to be the channel's first ({@code prev 0-0}), which would let an edge tell a
 * client that asks for everything that nothing came before.
 */
@WithKafka
@WithRedis
class DatasetLossTest {

    private static final String CHANNEL = "user:dataset-loss";

    private RunningDispatcher dispatcher;
    private final ListAppender<ILoggingEvent> repairLog = new ListAppender<>();

    @BeforeEach
    void start(KafkaBroker kafka, RedisServer redis) {
        redis.restart();
        dispatcher = RunningDispatcher.start("dataset-loss", kafka, redis);
        repairLog.start();
        ((Logger) LoggerFactory.getLogger(DatasetRepair.class)).addAppender(repairLog);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(DatasetRepair.class)).detachAppender(repairLog);
        dispatcher.close();
    }

    @Test
    void aFlushIsNoticedWhileIdleAndTheNextRecordDoesNotClaimToBeTheChannelsFirst() {
        List<RecordMetadata> before = dispatcher.sendAll(IntStream.range(0, 20)
                .mapToObj(i -> record(dispatcher.topic, CHANNEL, envelope("before-" + i, CHANNEL, i))).toList());
        dispatcher.awaitCaughtUp();
        int partition = before.get(0).partition();
        assertThat(warnings()).isEmpty();

        dispatcher.redis.sync().flushall();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                dispatcher.counter(DispatcherMetrics.DATASET_CHANGES, "kind", "emptied")).isEqualTo(1));
        DatasetGuard.Change change = dispatcher.bean(DatasetGuard.class).lastChange();
        assertThat(change.verification().kind()).isEqualTo(DatasetVerification.Kind.EMPTIED);
        assertThat(warnings()).hasSize(1).first().asString().contains("redis lost its data");

        long committed = dispatcher.committed().get(new TopicPartition(dispatcher.topic, partition));
        RecordMetadata after = dispatcher.send(CHANNEL, envelope("after", CHANNEL, 20));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(dispatcher.log(CHANNEL)).isNotEmpty());

        List<StreamMessage<String, String>> log = dispatcher.log(CHANNEL);
        assertThat(log).hasSize(1);
        assertThat(log.get(0).getId()).isEqualTo(Position.ofOffset(after.offset()).toString());
        Position prev = Position.parse(log.get(0).getBody().get(RedisKeys.FIELD_PREV));
        assertThat(prev).as("the channel had records before the flush").isNotEqualTo(Position.NONE);
        assertThat(prev).as("no record of the channel lies between prev and the entry")
                .isGreaterThanOrEqualTo(Position.ofOffset(before.get(before.size() - 1).offset()))
                .isEqualTo(Position.ofOffset(committed - 1));
        assertThat(warnings()).as("said once").hasSize(1);
    }

    /**
     * At start the dataset watch gives a new dataset its epoch while the first batch, which saw the dataset without
     * one, waits to verify it too. That batch's view is only older, not another dataset: nothing was replaced. (A CI
     * run counted this as a replacement, which health and the runbook would have shown an operator.)
     */
    @Test
    void aBatchThatSawTheDatasetBeforeItGotItsEpochDoesNotReportAReplacement() throws InterruptedException {
        DatasetGuard guard = dispatcher.bean(DatasetGuard.class);
        await().atMost(Duration.ofSeconds(15)).until(() -> guard.verified() != null);
        DatasetIdentity verified = guard.verified();
        assertThat(verified.hasEpoch()).isTrue();

        dispatcher.bean(DatasetRepair.class).repair(new DatasetIdentity(verified.runId(), null));

        assertThat(dispatcher.counter(DispatcherMetrics.DATASET_CHANGES, "kind", "replaced")).isZero();
        assertThat(dispatcher.counter(DispatcherMetrics.DATASET_CHANGES, "kind", "emptied")).isZero();
        assertThat(guard.lastChange()).isNull();
        assertThat(guard.verified()).isEqualTo(verified);
        assertThat(warnings()).isEmpty();
    }

    private List<ILoggingEvent> warnings() {
        return repairLog.list.stream().filter(event -> event.getLevel() == Level.WARN).toList();
    }
}
