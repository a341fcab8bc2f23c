package io.herald.edge.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Frames;
import io.herald.edge.support.SseTestClient;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code spring.kafka.properties.*} reach the edge's own Kafka clients, as they reach ingest's and the
 * dispatcher's through Spring Boot: that is where a deployment puts {@code security.protocol}, {@code sasl.*}
 * and {@code ssl.*}. Seen here through a setting the test broker (plaintext) cannot satisfy: TLS.
 */
@WithKafka
@WithRedis
class KafkaClientPropertiesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theEdgesKafkaClientsTakeSpringKafkaProperties(KafkaBroker kafka, RedisServer redis) {
        String topic = "edge-kafka-properties-" + UUID.randomUUID();
        kafka.createTopic(topic, 1);
        try (EdgeNode plain = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic)) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(kafkaHealth(plain).path("status").asString()).isEqualTo("UP"));
        }
        try (EdgeNode tls = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic,
                "spring.kafka.properties[security.protocol]=SSL")) {
            JsonNode health = kafkaHealth(tls);
            assertThat(health.path("status").asString()).as(health.toString()).isEqualTo("DOWN");
        }
    }

    private static JsonNode kafkaHealth(EdgeNode edge) {
        return Frames.parse(SseTestClient.get(edge.management("/actuator/health"), Map.of()).body()).at("/components/kafka");
    }
}
