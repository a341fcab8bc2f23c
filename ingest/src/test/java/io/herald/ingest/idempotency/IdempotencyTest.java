package io.herald.ingest.idempotency;

import static io.herald.ingest.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.ingest.support.Http;
import io.herald.ingest.support.IngestTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** A retried request returns the first result and produces nothing new, on any node, even when concurrent. */
@TestPropertySource(properties = "herald.kafka.topic=" + IdempotencyTest.TOPIC)
class IdempotencyTest extends IngestTest {

    static final String TOPIC = "idempotency-test.notifications";

    @Test
    void theSameRequestSentThreeTimesConcurrentlyYieldsOneRecord() {
        Http http = http();
        HttpRequest request = http.request("/v1/notifications", "Idempotency-Key", "concurrent-1",
                        "Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"user:concurrent\",\"type\":\"t\",\"data\":{\"n\":1}}"))
                .build();

        // all three on the wire before any answer: each on its own connection
        List<CompletableFuture<HttpResponse<String>>> sent = IntStream.range(0, 3).mapToObj(i -> http.sendAsync(request)).toList();
        List<HttpResponse<String>> responses = sent.stream().map(CompletableFuture::join).toList();

        assertThat(responses).extracting(HttpResponse::statusCode).containsAnyOf(202).allMatch(s -> s == 202 || s == 409);
        List<String> positions = responses.stream().filter(r -> r.statusCode() == 202)
                .map(r -> Http.json(r).get("position").stringValue()).distinct().toList();
        assertThat(positions).hasSize(1);
        responses.stream().filter(r -> r.statusCode() == 409)
                .forEach(r -> {
                    assertProblem(r, 409, "idempotency-in-progress");
                    assertThat(r.headers().firstValue("Retry-After")).isPresent();
                });
        assertThat(records(TOPIC, "user:concurrent")).hasSize(1)
                .allSatisfy(r -> assertThat(r.offset() + "-1").isEqualTo(positions.get(0)));
    }

    @Test
    void aRetryWithTheSameEnvelopeIdReturnsTheFirstResult() {
        String body = "{\"id\":\"retry-1\",\"channel\":\"user:retry\",\"type\":\"t\",\"data\":{}}";

        HttpResponse<String> first = http().postJson("/v1/notifications", body);
        HttpResponse<String> second = http().postJson("/v1/notifications", body);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(202);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(records(TOPIC, "user:retry")).hasSize(1);
    }

    @Test
    void theSameKeyForADifferentRequestIsRefused() {
        HttpResponse<String> first = http().postJson("/v1/notifications",
                "{\"channel\":\"user:reuse\",\"type\":\"t\",\"data\":{\"v\":1}}", "Idempotency-Key", "reuse-1");
        HttpResponse<String> different = http().postJson("/v1/notifications",
                "{\"channel\":\"user:reuse\",\"type\":\"t\",\"data\":{\"v\":2}}", "Idempotency-Key", "reuse-1");

        assertThat(first.statusCode()).isEqualTo(202);
        assertProblem(different, 422, "idempotency-key-reused");
        assertThat(records(TOPIC, "user:reuse")).hasSize(1);
    }

    @Test
    void keysAreScopedToTheChannelAndOtherRequestsAreUnaffected() {
        HttpResponse<String> one = http().postJson("/v1/notifications",
                "{\"id\":\"scoped\",\"channel\":\"user:scope-a\",\"type\":\"t\",\"data\":{}}");
        HttpResponse<String> other = http().postJson("/v1/notifications",
                "{\"id\":\"scoped\",\"channel\":\"user:scope-b\",\"type\":\"t\",\"data\":{}}");
        HttpResponse<String> unkeyed1 = http().postJson("/v1/notifications", "{\"channel\":\"user:scope-c\",\"type\":\"t\",\"data\":{}}");
        HttpResponse<String> unkeyed2 = http().postJson("/v1/notifications", "{\"channel\":\"user:scope-c\",\"type\":\"t\",\"data\":{}}");

        assertThat(List.of(one, other, unkeyed1, unkeyed2)).extracting(HttpResponse::statusCode).containsOnly(202);
        assertThat(records(TOPIC, "user:scope-a")).hasSize(1);
        assertThat(records(TOPIC, "user:scope-b")).hasSize(1);
        assertThat(records(TOPIC, "user:scope-c")).as("no key, no deduplication").hasSize(2);
    }

    @Test
    void aRetriedBatchProducesOnlyWhatWasNotAccepted() {
        String batch = "{\"notifications\":["
                + "{\"id\":\"b-1\",\"channel\":\"user:batch-retry\",\"type\":\"t\",\"data\":{}},"
                + "{\"channel\":\"Bad Channel\",\"type\":\"t\",\"data\":{}},"
                + "{\"id\":\"b-3\",\"channel\":\"user:batch-retry\",\"type\":\"t\",\"data\":{}}]}";

        JsonNode first = Http.json(http().postJson("/v1/notifications/batch", batch));
        JsonNode second = Http.json(http().postJson("/v1/notifications/batch", batch));

        assertThat(first.get("accepted").intValue()).isEqualTo(2);
        assertThat(second.get("accepted").intValue()).isEqualTo(2);
        assertThat(second.get("results").get(0).get("replayed").booleanValue()).isTrue();
        assertThat(second.get("results").get(0).get("position")).isEqualTo(first.get("results").get(0).get("position"));
        assertThat(second.get("results").get(2).get("position")).isEqualTo(first.get("results").get(2).get("position"));
        assertThat(records(TOPIC, "user:batch-retry")).hasSize(2);
    }

    @Test
    void aBatchIdempotencyKeyCoversEachItemByIndex() {
        String batch = "{\"notifications\":[{\"channel\":\"user:batch-key\",\"type\":\"t\",\"data\":{\"i\":0}},"
                + "{\"channel\":\"user:batch-key\",\"type\":\"t\",\"data\":{\"i\":1}}]}";

        HttpResponse<String> first = http().postJson("/v1/notifications/batch", batch, "Idempotency-Key", "batch-key-1");
        HttpResponse<String> second = http().postJson("/v1/notifications/batch", batch, "Idempotency-Key", "batch-key-1");

        assertThat(Http.json(first).get("accepted").intValue()).isEqualTo(2);
        assertThat(Http.json(second).get("results")).allSatisfy(item -> assertThat(item.get("replayed").booleanValue()).isTrue());
        assertThat(records(TOPIC, "user:batch-key")).hasSize(2);
    }

    @Test
    void aRetriedFanOutProducesNothingNew() {
        String body = "{\"id\":\"fan-retry\",\"recipients\":[\"fr-1\",\"fr-2\"],\"type\":\"t\",\"data\":{}}";

        HttpResponse<String> first = http().postJson("/v1/notifications", body);
        HttpResponse<String> second = http().postJson("/v1/notifications", body);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(records(TOPIC, "user:fr-1")).hasSize(1);
        assertThat(records(TOPIC, "user:fr-2")).hasSize(1);
    }

    @Test
    void refusesAnInvalidIdempotencyKey() {
        HttpResponse<String> response = http().postJson("/v1/notifications",
                "{\"channel\":\"user:bad-key\",\"type\":\"t\",\"data\":{}}", "Idempotency-Key", "x".repeat(256));

        assertProblem(response, 400, "invalid-idempotency-key");
        assertThat(records(TOPIC, "user:bad-key")).isEmpty();
    }
}
