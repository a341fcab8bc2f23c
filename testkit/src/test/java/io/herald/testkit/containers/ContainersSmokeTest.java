package io.herald.testkit.containers;

import io.herald.testkit.RoundTrips;
import io.herald.testkit.kafka.KafkaBroker;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same smoke checks against containers, for machines with a Docker engine; skipped without one. The
 * containers are reached the way tests reach external services (HERALD_TEST_* variables).
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainersSmokeTest {

    @Container
    static final KafkaContainer kafka = new KafkaContainer("apache/kafka-native:4.1.1");

    @Container
    static final GenericContainer<?> redis = new GenericContainer<>("redis:7.0-alpine").withExposedPorts(6379);

    @Test
    void kafkaRoundTrip() throws Exception {
        try (KafkaBroker broker = KafkaBroker.external(kafka.getBootstrapServers())) {
            RoundTrips.kafka(broker.bootstrapServers(), () -> broker.createTopic("testkit.containers", 1),
                    "testkit.containers");
        }
    }

    @Test
    void redisRoundTrip() {
        RoundTrips.redis("redis://" + redis.getHost() + ":" + redis.getMappedPort(6379));
    }
}
