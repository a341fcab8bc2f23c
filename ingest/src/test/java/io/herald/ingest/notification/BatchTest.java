package io.herald.ingest.notification;

import static io.herald.ingest.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.ingest.support.Http;
import io.herald.ingest.support.IngestTest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** POST /v1/notifications/batch: per-item results; whole-request limits refuse everything at once. */
@TestPropertySource(properties = {"herald.kafka.topic=" + BatchTest.TOPIC, "herald.ingest.batch.max-items=10",
        "herald.ingest.batch.max-body-size=8KB", "herald.ingest.max-in-flight=5"})
class BatchTest extends IngestTest {

    static final String TOPIC = "batch-test.notifications";

    @Test
    void acceptsValidItemsAndReportsEachInvalidOneWithItsField() {
        String batch = "{\"notifications\":["
                + "{\"channel\":\"user:batch\",\"type\":\"first\",\"data\":{}},"
                + "{\"channel\":\"user:batch\",\"type\":\"t\",\"data\":{},\"colour\":\"red\"},"
                + "{\"channel\":\"user:batch\",\"type\":\"third\",\"data\":{}},"
                + "{\"channel\":\"user batch\",\"type\":\"t\",\"data\":{}}]}";

        HttpResponse<String> response = http().postJson("/v1/notifications/batch", batch);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = Http.json(response);
        assertThat(answer.get("accepted").intValue()).isEqualTo(2);
        assertThat(answer.get("rejected").intValue()).isEqualTo(2);
        JsonNode results = answer.get("results");
        assertThat(results).hasSize(4);
        assertThat(results.get(1).get("status").intValue()).isEqualTo(400);
        assertThat(results.get(1).get("problem").get("type").stringValue()).isEqualTo("https://herald.io/problems/unknown-field");
        assertThat(results.get(1).get("problem").get("field").stringValue()).isEqualTo("/notifications/1/colour");
        assertThat(results.get(3).get("problem").get("field").stringValue()).isEqualTo("/notifications/3/channel");

        List<ConsumerRecord<byte[], byte[]>> records = records(TOPIC, "user:batch");
        assertThat(records).hasSize(2);
        assertThat(records).extracting(r -> Http.json(r.value()).get("type").stringValue()).containsExactly("first", "third");
        for (int i : new int[] {0, 2}) {
            ConsumerRecord<byte[], byte[]> record = records.get(i / 2);
            assertThat(results.get(i).get("status").intValue()).isEqualTo(202);
            assertThat(results.get(i).get("position").stringValue()).isEqualTo(record.offset() + "-1");
            assertThat(results.get(i).get("partition").intValue()).isEqualTo(record.partition());
            assertThat(results.get(i).get("id").stringValue()).isEqualTo(Http.json(record.value()).get("id").stringValue());
        }
    }

    @Test
    void refusesABrokenWrapperOrTooManyItemsAsAWhole() {
        String item = "{\"channel\":\"user:whole\",\"type\":\"t\",\"data\":{}}";
        String eleven = IntStream.range(0, 11).mapToObj(i -> item).collect(Collectors.joining(",", "{\"notifications\":[", "]}"));

        assertThat(assertProblem(http().postJson("/v1/notifications/batch", eleven), 400, "too-many-items")
                .get("field").stringValue()).isEqualTo("/notifications");
        assertProblem(http().postJson("/v1/notifications/batch", "[" + item + "]"), 400, "not-an-object");
        assertProblem(http().postJson("/v1/notifications/batch", "{}"), 400, "missing-field");
        assertProblem(http().postJson("/v1/notifications/batch", "{\"notifications\":[]}"), 400, "invalid-value");
        assertProblem(http().postJson("/v1/notifications/batch", "{\"notifications\":{}}"), 400, "wrong-type");
        assertProblem(http().postJson("/v1/notifications/batch", "{\"notifications\":[" + item + "],\"x\":1}"), 400, "unknown-field");
        assertProblem(http().postJson("/v1/notifications/batch", "{\"notifications\":[" + item + "]"), 400, "malformed-json");
        assertProblem(http().post("/v1/notifications/batch", "application/json",
                ("{\"notifications\":[{\"channel\":\"user:whole\",\"type\":\"t\",\"data\":{\"x\":\"" + "x".repeat(9000) + "\"}}]}")
                        .getBytes(StandardCharsets.UTF_8)), 413, "payload-too-large");
        assertThat(records(TOPIC, "user:whole")).isEmpty();
    }

    @Test
    void refusesWhatDoesNotFitTheInFlightLimitBeforeProducingAnything() {
        String item = "{\"channel\":\"user:overload\",\"type\":\"t\",\"data\":{}}";
        String six = IntStream.range(0, 6).mapToObj(i -> item).collect(Collectors.joining(",", "{\"notifications\":[", "]}"));

        HttpResponse<String> response = http().postJson("/v1/notifications/batch", six);

        assertProblem(response, 503, "overloaded");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(records(TOPIC, "user:overload")).isEmpty();
        // the permits of a refused request are not lost
        assertThat(http().postJson("/v1/notifications/batch", six.replace(item + ",", "")).statusCode()).isEqualTo(200);
    }
}
