package io.herald.ingest.problem;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.ingest.support.IngestTest;
import io.herald.testkit.http.RawHttp;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refusals the web server makes before Spring sees the request (a request line or header it cannot parse, a URL or
 * headers past its limits) and {@code /error} asked for directly are problem documents like every other refusal,
 * for any client. Sent over a bare socket, since no HTTP client library sends such requests.
 */
@TestPropertySource(properties = "herald.kafka.topic=" + ContainerRefusalsTest.TOPIC)
class ContainerRefusalsTest extends IngestTest {

    static final String TOPIC = "container-refusals-test.notifications";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aUrlPastTheLimitIsAProblem() throws IOException {
        RawHttp.Response response = send("GET /v1/notifications?x=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertProblem(response, response.status() == 414 ? 414 : 400);
    }

    @Test
    void headersPastTheLimitAreAProblem() throws IOException {
        RawHttp.Response response = send("GET /v1/notifications HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000)
                + "\r\n\r\n");
        assertProblem(response, response.status() == 431 ? 431 : 400);
    }

    @Test
    void aBrokenRequestLineIsA400Problem() throws IOException {
        assertProblem(send("THIS IS NOT HTTP\r\n\r\n"), 400);
        assertProblem(send("GET /v1/not{ifications HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
    }

    @Test
    void aBrokenHeaderIsA400Problem() throws IOException {
        assertProblem(send("GET /v1/notifications HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n"), 400);
    }

    @Test
    void errorAskedForDirectlyIsA404Problem() throws IOException {
        assertProblem(send("GET /error HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 404);
        assertProblem(send("GET /error HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nConnection: close\r\n\r\n"), 404);
    }

    @Test
    void anUnknownPathIsA404ProblemEvenForABrowser() throws IOException {
        assertProblem(send("GET /nothing-here HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nConnection: close\r\n\r\n"), 404);
    }

    private RawHttp.Response send(String request) throws IOException {
        return RawHttp.exchange(port, request, WAIT);
    }

    private static void assertProblem(RawHttp.Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.contentType()).as(response.toString()).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("type").asString()).startsWith("https://herald.io/problems/");
        assertThat(problem.path("title").asString()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("Tomcat");
    }
}
