package io.herald.ingest.notification;

import static io.herald.ingest.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.ingest.support.Http;
import io.herald.ingest.support.IngestTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Every rejection is problem+json with a stable type and the offending field, and nothing reaches the topic:
 * no test of this class produces, so the topic must stay empty.
 */
@TestPropertySource(properties = {"herald.kafka.topic=" + NotificationRejectedTest.TOPIC, "herald.kafka.partitions=2",
        "herald.ingest.max-body-size=100KB"})
class NotificationRejectedTest extends IngestTest {

    static final String TOPIC = "rejected-test.notifications";

    static Stream<Arguments> invalidEnvelopes() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"channel\":\"user:1\",", "malformed-json", ""),
                Arguments.of("duplicate key", "{\"channel\":\"user:1\",\"channel\":\"user:2\",\"type\":\"t\",\"data\":{}}",
                        "malformed-json", ""),
                Arguments.of("not an object", "[1,2]", "not-an-object", ""),
                Arguments.of("unknown field", "{\"channel\":\"user:1\",\"type\":\"t\",\"data\":{},\"colour\":\"red\"}",
                        "unknown-field", "/colour"),
                Arguments.of("bad channel", "{\"channel\":\"User 1\",\"type\":\"t\",\"data\":{}}",
                        "invalid-channel", "/channel"),
                Arguments.of("missing type", "{\"channel\":\"user:1\",\"data\":{}}", "missing-field", "/type"),
                Arguments.of("data too large", "{\"channel\":\"user:1\",\"type\":\"t\",\"data\":{\"text\":\""
                        + "x".repeat(64 * 1024) + "\"}}", "too-large", "/data"),
                Arguments.of("wrong type of data", "{\"channel\":\"user:1\",\"type\":\"t\",\"data\":\"text\"}",
                        "wrong-type", "/data"),
                Arguments.of("wrong type of createdAt",
                        "{\"channel\":\"user:1\",\"type\":\"t\",\"data\":{},\"createdAt\":\"yesterday\"}",
                        "wrong-type", "/createdAt"),
                Arguments.of("invalid id", "{\"id\":\"has space\",\"channel\":\"user:1\",\"type\":\"t\",\"data\":{}}",
                        "invalid-value", "/id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidEnvelopes")
    void refusesAnInvalidEnvelope(String name, String body, String type, String field) {
        HttpResponse<String> response = http().postJson("/v1/notifications", body);

        JsonNode problem = assertProblem(response, 400, type);
        assertThat(problem.get("field").stringValue()).isEqualTo(field);
        assertThat(problem.get("detail").stringValue()).isNotBlank();
        assertThat(problem.get("instance").stringValue()).isEqualTo("/v1/notifications");
        assertNothingProduced();
    }

    @Test
    void refusesANonJsonContentType() {
        Http http = http();
        byte[] valid = "{\"channel\":\"user:1\",\"type\":\"t\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);

        assertProblem(http.post("/v1/notifications", "text/plain", valid), 415, "unsupported-media-type");
        assertProblem(http.send(http.request("/v1/notifications")
                .POST(HttpRequest.BodyPublishers.ofByteArray(valid)).build()), 415, "unsupported-media-type");
        assertNothingProduced();
    }

    @Test
    void refusesABodyOverTheLimitByContentLengthAndByBytesRead() {
        Http http = http();
        byte[] big = ("{\"channel\":\"user:1\",\"type\":\"t\",\"data\":{\"text\":\"" + "x".repeat(110 * 1024) + "\"}}")
                .getBytes(StandardCharsets.UTF_8);

        JsonNode declared = assertProblem(http.post("/v1/notifications", "application/json", big), 413, "payload-too-large");
        assertThat(declared.get("detail").stringValue()).contains(Integer.toString(big.length));
        assertProblem(http.postChunked("/v1/notifications", "application/json", big), 413, "payload-too-large");
        assertNothingProduced();
    }

    @Test
    void answersUnknownPathsAndMethodsWithProblems() {
        Http http = http();

        HttpResponse<String> wrongMethod = http.send("GET", "/v1/notifications");
        assertProblem(wrongMethod, 405, "method-not-allowed");
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
        assertProblem(http.postJson("/v1/nowhere", "{}"), 404, "not-found");
        assertNothingProduced();
    }

    private static void assertNothingProduced() {
        assertThat(records(TOPIC)).isEmpty();
    }
}
