package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Smoke checks shared by the process-based and the Testcontainers-based tests. */
public final class RoundTrips {

    private RoundTrips() {
    }

    /** Sends {@code key -> value} with Herald's producer settings and waits for the acknowledgement. */
    public static void produce(String bootstrap, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** Reads the topic from the start in a new consumer group until {@code count} records arrived. */
    public static List<ConsumerRecord<String, String>> consume(String bootstrap, String topic, int count) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "testkit-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return records.size() >= count;
            });
        }
        return records;
    }

    /** Creates a topic, sends one record and reads it back through a consumer group. */
    public static void kafka(String bootstrap, Runnable createTopic, String topic) throws Exception {
        createTopic.run();
        String value = "{\"id\":\"" + UUID.randomUUID() + "\"}";
        produce(bootstrap, topic, "user:42", value);

        List<ConsumerRecord<String, String>> records = consume(bootstrap, topic, 1);

        assertThat(records).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("user:42");
            assertThat(record.value()).isEqualTo(value);
        });
    }

    /** Writes a key through Lettuce and reads it back. */
    public static void redis(String url) {
        RedisClient client = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            String key = "testkit:" + UUID.randomUUID();
            connection.sync().set(key, "v\u00e9");

            assertThat(connection.sync().ping()).isEqualTo("PONG");
            assertThat(connection.sync().get(key)).isEqualTo("v\u00e9");
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
