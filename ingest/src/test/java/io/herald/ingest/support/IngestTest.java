package io.herald.ingest.support;

import io.herald.ingest.IngestApplication;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.kafka.TopicRecords;
import io.herald.testkit.redis.RedisServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A running ingest on a random port, connected to the JVM's real Kafka broker and to a redis-server of the test
 * class. Subclasses name their own topic ({@code @TestPropertySource(properties = "herald.kafka.topic=...")}),
 * which also keeps Spring from sharing a context between classes whose Redis differs. API keys are off (by name,
 * as the dev mode turns them off) unless a subclass configures them: these tests are about everything else.
 */
@WithKafka
@WithRedis
@SpringBootTest(classes = IngestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=ingest", "herald.ingest.auth.enabled=false"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class IngestTest {

    protected static KafkaBroker kafka;
    protected static RedisServer redis;

    @LocalServerPort
    protected int port;

    /** Health and metrics: {@code management.server.port}, random here as the service port is. */
    @LocalManagementPort
    protected int managementPort;

    @BeforeAll
    static void realParts(KafkaBroker broker, RedisServer server) {
        kafka = broker;
        redis = server;
    }

    @DynamicPropertySource
    static void connections(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> kafka.bootstrapServers());
        registry.add("spring.data.redis.url", () -> redis.url());
    }

    protected Http http() {
        return new Http(port);
    }

    protected Http management() {
        return new Http(managementPort);
    }

    protected static List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        return TopicRecords.readAll(kafka.bootstrapServers(), topic);
    }

    protected static List<ConsumerRecord<byte[], byte[]>> records(String topic, String channel) {
        return records(topic).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(channel))
                .toList();
    }
}
