package io.herald.ingest.notification;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.ingest.support.Http;
import io.herald.ingest.support.IngestTest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** The happy path over a real socket and a real broker: 202 only with what Kafka holds. */
@TestPropertySource(properties = {"herald.kafka.topic=" + NotificationAcceptedTest.TOPIC, "herald.kafka.partitions=3"})
class NotificationAcceptedTest extends IngestTest {

    static final String TOPIC = "accepted-test.notifications";

    @Test
    void acceptsAnEnvelopeOnceKafkaHoldsItsCanonicalRecord() {
        // field order and whitespace differ from the canonical form the record must carry
        String body = """
                { "type": "order.shipped", "data": {"order": "A-1", "items": [1, 2]},
                  "channel": "user:42", "createdAt": 1764300000000, "id": "accepted-1" }""";

        HttpResponse<String> response = http().postJson("/v1/notifications", body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(Http.contentType(response)).startsWith("application/json");
        assertThat(response.headers().firstValue("Idempotent-Replayed")).isEmpty();
        JsonNode answer = Http.json(response);
        assertThat(answer.get("id").stringValue()).isEqualTo("accepted-1");
        assertThat(answer.get("channel").stringValue()).isEqualTo("user:42");

        List<ConsumerRecord<byte[], byte[]>> records = records(TOPIC, "user:42");
        assertThat(records).hasSize(1);
        ConsumerRecord<byte[], byte[]> record = records.get(0);
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"id\":\"accepted-1\",\"channel\":\"user:42\",\"type\":\"order.shipped\","
                        + "\"data\":{\"order\":\"A-1\",\"items\":[1,2]},\"createdAt\":1764300000000,\"expiresAt\":null}");
        assertThat(answer.get("position").stringValue()).isEqualTo(record.offset() + "-1");
        assertThat(answer.get("partition").intValue()).isEqualTo(record.partition());
    }

    @Test
    void generatesIdAndCreatedAtWhenAbsent() {
        long before = System.currentTimeMillis();

        HttpResponse<String> response = http().postJson("/v1/notifications",
                "{\"channel\":\"topic:generated\",\"type\":\"t\",\"data\":{},\"expiresAt\":4102444800000}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String id = Http.json(response).get("id").stringValue();
        List<ConsumerRecord<byte[], byte[]>> records = records(TOPIC, "topic:generated");
        assertThat(records).hasSize(1);
        JsonNode value = Http.json(records.get(0).value());
        assertThat(value.get("id").stringValue()).isEqualTo(id);
        assertThat(value.get("createdAt").longValue()).isBetween(before, System.currentTimeMillis());
        assertThat(value.get("expiresAt").longValue()).isEqualTo(4102444800000L);
    }

    @Test
    void declaresTheTopicAndItsDeadLetterTopicWithTheConfiguredPartitions() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(TOPIC, TOPIC + ".DLT"))
                    .allTopicNames().get();
            assertThat(topics.get(TOPIC).partitions()).hasSize(3);
            assertThat(topics.get(TOPIC + ".DLT").partitions()).hasSize(3);
        }
    }

    /** Replication from the cluster's size by default: one broker here, so 1 replica and min ISR 1, set on the topic. */
    @Test
    void declaresTheTopicsWithTheReplicationOfTheClustersSize() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            for (String topic : List.of(TOPIC, TOPIC + ".DLT")) {
                assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions())
                        .allSatisfy(partition -> assertThat(partition.replicas()).hasSize(1));
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                ConfigEntry minIsr = admin.describeConfigs(List.of(resource)).all().get().get(resource)
                        .get("min.insync.replicas");
                assertThat(minIsr.value()).isEqualTo("1");
                assertThat(minIsr.source()).as("set on the topic by ingest").isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            }
        }
    }
}
