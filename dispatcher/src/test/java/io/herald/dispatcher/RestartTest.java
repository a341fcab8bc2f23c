package io.herald.dispatcher;

import static io.herald.dispatcher.support.RunningDispatcher.envelope;
import static io.herald.dispatcher.support.RunningDispatcher.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.redis.RedisKeys;
import io.herald.dispatcher.support.RunningDispatcher;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.StreamMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Offsets are committed asynchronously (the next poll does not wait for the broker), so a restart may find
 * them behind what was applied: the records in between come again, and Redis takes them as duplicates.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestartTest {

    private RunningDispatcher dispatcher;

    @BeforeAll
    void start(KafkaBroker kafka, RedisServer redis) {
        dispatcher = RunningDispatcher.start("restart-test", kafka, redis);
    }

    @AfterAll
    void stop() {
        dispatcher.close();
    }

    @Test
    void aRestartBehindItsLastCommitsLosesNothingAndAppliesNothingTwice() {
        List<String> channels = List.of("user:r1", "user:r2", "user:r3", "user:r4", "user:r5", "user:r6");
        Map<String, List<RecordMetadata>> sent = new HashMap<>();
        send(channels, "before", sent);
        dispatcher.awaitCaughtUp();
        assertThat(dispatcher.committed().values().stream().mapToLong(Long::longValue).sum())
                .as("asynchronous commits reach the broker").isEqualTo(60);

        // as if none of those commits had landed before a crash
        dispatcher.stopApplication();
        dispatcher.commit(dispatcher.committed().keySet().stream().collect(Collectors.toMap(p -> p, p -> 0L)));
        send(channels, "while-down", sent);
        dispatcher.startApplication();
        dispatcher.awaitCaughtUp();

        for (String channel : channels) {
            List<StreamMessage<String, String>> log = dispatcher.log(channel);
            List<String> ids = sent.get(channel).stream().map(m -> m.offset() + "-1").toList();
            assertThat(log).extracting(StreamMessage::getId).containsExactlyElementsOf(ids);
            assertThat(log).extracting(m -> m.getBody().get(RedisKeys.FIELD_PREV)).containsExactlyElementsOf(
                    IntStream.range(0, ids.size()).mapToObj(i -> i == 0 ? "0-0" : ids.get(i - 1)).toList());
        }
        long whileDown = sent.values().stream().mapToLong(List::size).sum() / 2;
        await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.records("duplicate") >= whileDown);
        assertThat(dispatcher.records("applied")).as("applied by the restarted dispatcher").isEqualTo(whileDown);
        assertThat(dispatcher.records("duplicate")).as("redelivered after the lost commits").isEqualTo(whileDown);
    }

    private void send(List<String> channels, String label, Map<String, List<RecordMetadata>> sent) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String channel = channels.get(i % channels.size());
            records.add(record(dispatcher.topic, channel, envelope(label + "-" + i, channel, i)));
            keys.add(channel);
        }
        List<RecordMetadata> metadata = dispatcher.sendAll(records);
        for (int i = 0; i < keys.size(); i++) {
            sent.computeIfAbsent(keys.get(i), c -> new ArrayList<>()).add(metadata.get(i));
        }
    }
}
