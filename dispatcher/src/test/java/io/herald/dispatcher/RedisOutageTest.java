package io.herald.dispatcher;

import static io.herald.dispatcher.support.RunningDispatcher.envelope;
import static io.herald.dispatcher.support.RunningDispatcher.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.herald.redis.RedisKeys;
import io.herald.dispatcher.redis.RedisAvailability;
import io.herald.dispatcher.support.RunningDispatcher;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.StreamMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/** Redis dies while records keep coming: nothing is committed or skipped, and the dispatcher recovers by itself. */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisOutageTest {

    private RedisServer redis;
    private RunningDispatcher dispatcher;
    private final ListAppender<ILoggingEvent> availabilityLog = new ListAppender<>();

    @BeforeAll
    void start(KafkaBroker kafka, RedisServer redis) {
        this.redis = redis;
        dispatcher = RunningDispatcher.start("outage-test", kafka, redis);
        availabilityLog.start();
        ((Logger) LoggerFactory.getLogger(RedisAvailability.class)).addAppender(availabilityLog);
    }

    @AfterAll
    void stop() {
        ((Logger) LoggerFactory.getLogger(RedisAvailability.class)).detachAppender(availabilityLog);
        dispatcher.close();
    }

    @Test
    void holdsItsOffsetsWhileRedisIsDownAndAppliesEverythingOnceRedisIsBack() throws Exception {
        String channel = "user:outage";
        dispatcher.sendAll(IntStream.range(0, 5).mapToObj(i -> record(dispatcher.topic, channel, envelope("before-" + i, channel, i))).toList());
        dispatcher.awaitCaughtUp();
        Map<TopicPartition, Long> committedBefore = dispatcher.committed();

        redis.kill();
        List<RecordMetadata> during = dispatcher.sendAll(IntStream.range(0, 10)
                .mapToObj(i -> record(dispatcher.topic, channel, envelope("during-" + i, channel, i))).toList());

        await().atMost(Duration.ofSeconds(10)).until(() -> dispatcher.redisAvailableGauge() == 0);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> dispatcher.committed().equals(committedBefore));
        assertThat(dispatcher.members()).as("the consumers (one per partition) stay in their group while they wait")
                .hasSize(RunningDispatcher.PARTITIONS);
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + dispatcher.managementPort() + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(503);

        redis.restart();

        dispatcher.awaitCaughtUp();
        List<StreamMessage<String, String>> log = dispatcher.log(channel);
        // Redis came back empty: the records from before the outage are Kafka's to restore; the ones during it are all here
        assertThat(log).extracting(StreamMessage::getId)
                .containsExactlyElementsOf(during.stream().map(m -> m.offset() + "-1").toList());
        // the first of them does not claim to be the channel's first (0-0): its prev is the position just below the
        // offset from which the emptied dataset holds everything again (the group's commit when it was found empty)
        assertThat(log.get(0).getBody().get(RedisKeys.FIELD_PREV)).isNotEqualTo("0-0");
        assertThat(dispatcher.redisAvailableGauge()).isEqualTo(1);

        List<ILoggingEvent> events = List.copyOf(availabilityLog.list);
        assertThat(events).as("one line when Redis went away, one when it came back, none per retry")
                .extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.INFO);
        assertThat(events.get(0).getFormattedMessage()).contains("redis unavailable").contains("error=");
        assertThat(events.get(1).getFormattedMessage()).contains("redis available again").contains("downtimeMs=");
    }
}
