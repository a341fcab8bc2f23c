package io.herald.ingest.notification;

import static io.herald.ingest.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.ingest.support.Http;
import io.herald.ingest.support.IngestTest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** The recipients shorthand: one request, one record per user channel, same id and content. */
@TestPropertySource(properties = {"herald.kafka.topic=" + RecipientsTest.TOPIC, "herald.ingest.max-recipients=3"})
class RecipientsTest extends IngestTest {

    static final String TOPIC = "recipients-test.notifications";

    @Test
    void fansOutToAUserChannelPerRecipient() {
        HttpResponse<String> response = http().postJson("/v1/notifications",
                "{\"recipients\":[\"alice\",\"bob\",\"carol@example.com\"],\"type\":\"maintenance\",\"data\":{\"at\":\"02:00\"}}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode notifications = Http.json(response).get("notifications");
        assertThat(notifications).hasSize(3);
        List<String> channels = List.of("user:alice", "user:bob", "user:carol@example.com");
        String id = notifications.get(0).get("id").stringValue();
        for (int i = 0; i < 3; i++) {
            List<ConsumerRecord<byte[], byte[]>> records = records(TOPIC, channels.get(i));
            assertThat(records).hasSize(1);
            JsonNode value = Http.json(records.get(0).value());
            assertThat(notifications.get(i).get("channel").stringValue()).isEqualTo(channels.get(i));
            assertThat(notifications.get(i).get("id").stringValue()).isEqualTo(id);
            assertThat(notifications.get(i).get("position").stringValue()).isEqualTo(records.get(0).offset() + "-1");
            assertThat(value.get("id").stringValue()).isEqualTo(id);
            assertThat(value.get("channel").stringValue()).isEqualTo(channels.get(i));
            assertThat(value.get("data").get("at").stringValue()).isEqualTo("02:00");
            assertThat(value.get("createdAt").longValue()).isEqualTo(Http.json(records(TOPIC, channels.get(0)).get(0).value())
                    .get("createdAt").longValue());
        }
    }

    @Test
    void refusesBadRecipientListsWithTheOffendingField() {
        assertField(http().postJson("/v1/notifications", "{\"recipients\":[\"ok\",\"not ok\"],\"type\":\"t\",\"data\":{}}"),
                "invalid-channel", "/recipients/1");
        assertField(http().postJson("/v1/notifications", "{\"recipients\":[\"a\",\"a\"],\"type\":\"t\",\"data\":{}}"),
                "invalid-value", "/recipients/1");
        assertField(http().postJson("/v1/notifications", "{\"recipients\":[\"a\",\"b\",\"c\",\"d\"],\"type\":\"t\",\"data\":{}}"),
                "invalid-value", "/recipients");
        assertField(http().postJson("/v1/notifications", "{\"recipients\":[],\"type\":\"t\",\"data\":{}}"),
                "invalid-value", "/recipients");
        assertField(http().postJson("/v1/notifications", "{\"recipients\":\"a\",\"type\":\"t\",\"data\":{}}"),
                "wrong-type", "/recipients");
        assertField(http().postJson("/v1/notifications", "{\"recipients\":[7],\"type\":\"t\",\"data\":{}}"),
                "wrong-type", "/recipients/0");
        assertField(http().postJson("/v1/notifications", "{\"recipients\":[\"a\"],\"channel\":\"user:a\",\"type\":\"t\",\"data\":{}}"),
                "invalid-value", "/channel");
        assertField(http().postJson("/v1/notifications", "{\"recipients\":[\"a\"],\"data\":{}}"),
                "missing-field", "/type");
        assertField(http().postJson("/v1/notifications", "{\"recipients\":[\"a\"],\"type\":\"t\",\"data\":{},\"extra\":1}"),
                "unknown-field", "/extra");
        assertThat(records(TOPIC)).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .doesNotContain("user:a", "user:ok", "user:b");
    }

    @Test
    void aBatchItemMayNotUseTheShorthand() {
        JsonNode result = Http.json(http().postJson("/v1/notifications/batch",
                "{\"notifications\":[{\"recipients\":[\"x\"],\"type\":\"t\",\"data\":{}}]}")).get("results").get(0);

        assertThat(result.get("status").intValue()).isEqualTo(400);
        assertThat(result.get("problem").get("field").stringValue()).isEqualTo("/notifications/0/recipients");
    }

    private static void assertField(HttpResponse<String> response, String type, String field) {
        assertThat(assertProblem(response, 400, type).get("field").stringValue()).isEqualTo(field);
    }
}
