package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.edge.support.EdgeNode;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 7: after Redis came back empty, every subscription of a node catches up from Kafka at once, and the
 * first catch-up since the node started used to build its Kafka readers first (1-2.5 s under load, live messages
 * waiting). A node now builds them, and has them find the brokers, when it starts.
 */
@WithKafka
@WithRedis
class KafkaReadersWarmUpIT {

    @Test
    void aNodeBuildsItsKafkaReadersAtStartBeforeAnyRead(KafkaBroker kafka, RedisServer redis) {
        String topic = "warm-up-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(topic, 3);
        try (EdgeNode edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic)) {
            MeterRegistry meters = edge.bean(MeterRegistry.class);
            // one per catch-up thread, 4 by default
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> meters.counter("herald.edge.history.kafka.readers.created").count() == 4);
            assertThat(meters.counter("herald.edge.history.kafka.scans").count()).as("no read asked for them").isZero();
        }
    }
}
