package io.herald.dispatcher;

import static io.herald.dispatcher.support.RunningDispatcher.envelope;
import static io.herald.dispatcher.support.RunningDispatcher.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.dispatcher.support.RunningDispatcher;
import io.herald.redis.RedisKeys;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.StreamMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The group changes while a batch cannot be applied (Redis is frozen): a dispatcher joins, or one stops. The batch's
 * partition changes hands, or the consumer leaves the group, in the middle of the batch's retries. Nothing may be
 * committed for it until Redis holds it: the consumer's position is already past the batch, and a commit of that
 * position would make whoever consumes the partition next start after records Redis never got.
 */
@WithKafka
class GroupChangeDuringOutageTest {

    private RedisServer redis;
    private RunningDispatcher dispatcher;
    private ConfigurableApplicationContext peer;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
    }

    @AfterEach
    void stop() {
        redis.resume();
        if (peer != null) {
            peer.close();
        }
        if (dispatcher != null) {
            dispatcher.close();
        }
        redis.close();
    }

    @Test
    void aDispatcherJoiningWhileABatchFailsCommitsNothingForIt(KafkaBroker kafka) {
        dispatcher = RunningDispatcher.start("join-during-outage", kafka, redis);
        String channel = "user:join-" + System.nanoTime();
        List<RecordMetadata> sent = send(channel, 0, 5);
        Map<TopicPartition, Long> committedBefore = failABatch(channel, sent);
        peer = dispatcher.startPeer();
        await("the group rebalances to both instances' consumers").atMost(Duration.ofSeconds(30))
                .until(() -> dispatcher.members().size() == 2 * RunningDispatcher.PARTITIONS);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> dispatcher.committed().equals(committedBefore));

        redis.resume();
        dispatcher.awaitCaughtUp(Duration.ofSeconds(30));
        assertWholeLog(channel, sent);
    }

    @Test
    void aDispatcherStoppedWhileABatchFailsCommitsNothingForIt(KafkaBroker kafka) {
        dispatcher = RunningDispatcher.start("stop-during-outage", kafka, redis);
        String channel = "user:stop-" + System.nanoTime();
        List<RecordMetadata> sent = send(channel, 0, 5);
        Map<TopicPartition, Long> committedBefore = failABatch(channel, sent);
        dispatcher.stopApplication();
        assertThat(dispatcher.committed()).isEqualTo(committedBefore);

        redis.resume();
        dispatcher.startApplication();
        dispatcher.awaitCaughtUp(Duration.ofSeconds(30));
        assertWholeLog(channel, sent);
    }

    /**
     * Once what was sent is applied and committed, freezes Redis and sends five more, and waits until their batch
     * fails; returns the group's commits from before, which must not move until Redis holds the five.
     */
    private Map<TopicPartition, Long> failABatch(String channel, List<RecordMetadata> sent) {
        dispatcher.awaitCaughtUp();
        Map<TopicPartition, Long> committedBefore = dispatcher.committed();
        redis.pause();
        sent.addAll(send(channel, 5, 10));
        await("the batch fails").atMost(Duration.ofSeconds(20)).until(() -> dispatcher.redisAvailableGauge() == 0);
        return committedBefore;
    }

    private List<RecordMetadata> send(String channel, int from, int to) {
        return new ArrayList<>(dispatcher.sendAll(IntStream.range(from, to)
                .mapToObj(i -> record(dispatcher.topic, channel, envelope("n-" + i, channel, i))).toList()));
    }

    /** Every record once, in Kafka order, each entry's prev the one before it. */
    private void assertWholeLog(String channel, List<RecordMetadata> sent) {
        List<StreamMessage<String, String>> log = dispatcher.log(channel);
        List<String> ids = sent.stream().map(m -> m.offset() + "-1").toList();
        assertThat(log).extracting(StreamMessage::getId).containsExactlyElementsOf(ids);
        assertThat(log).extracting(m -> m.getBody().get(RedisKeys.FIELD_PREV)).containsExactlyElementsOf(
                IntStream.range(0, ids.size()).mapToObj(i -> i == 0 ? "0-0" : ids.get(i - 1)).toList());
    }
}
