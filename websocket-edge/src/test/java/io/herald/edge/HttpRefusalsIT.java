package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Frames;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.http.RawHttp;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Every refusal is {@code application/problem+json}, including the ones the container makes before any Herald code
 * runs (a URL or headers past its limits, a request line or header it cannot parse) and {@code /error} asked for
 * directly. Sent over a bare socket, since no HTTP client library sends such requests.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpRefusalsIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestTokens TOKENS = new TestTokens(TestTokens.SECRET);

    private final String topic = "edge-refusals-" + UUID.randomUUID();
    private final KafkaBroker kafka;
    private final RedisServer redis;
    private EdgeNode edge;

    HttpRefusalsIT(KafkaBroker kafka, RedisServer redis) {
        this.kafka = kafka;
        this.redis = redis;
    }

    @BeforeAll
    void start() {
        kafka.createTopic(topic, 1);
        edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic);
    }

    @AfterAll
    void stop() {
        edge.close();
    }

    @Test
    void aUrlPastTheLimitIs414ProblemJson() throws IOException {
        RawHttp.Response response = send("GET /sse?channel=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertProblem(response, 414);
    }

    @Test
    void headersPastTheLimitAre431ProblemJson() throws IOException {
        RawHttp.Response response = send("GET /sse HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n");
        assertProblem(response, 431);
    }

    @Test
    void aBrokenRequestLineIs400OrAnUnknownVersion505ProblemJson() throws IOException {
        assertProblem(send("THIS IS NOT HTTP\r\n\r\n"), 400);
        assertProblem(send("GET /sse HTTP/9.9\r\nHost: x\r\n\r\n"), 505);
    }

    @Test
    void aBrokenHeaderIs400ProblemJson() throws IOException {
        assertProblem(send("GET /sse HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n"), 400);
        assertProblem(send("GET /sse HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n"), 400);
    }

    @Test
    void errorAskedForDirectlyIs404ProblemJson() throws IOException {
        assertProblem(send("GET /error HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 404);
        assertProblem(send("GET /error HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nConnection: close\r\n\r\n"), 404);
    }

    @Test
    void anUnknownPathOrMethodIsProblemJsonEvenForABrowser() throws IOException {
        assertProblem(send("GET /nothing-here HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nConnection: close\r\n\r\n"), 404);
        RawHttp.Response post = send("POST /sse HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nContent-Length: 0\r\n"
                + "Connection: close\r\n\r\n");
        assertProblem(post, 405);
        assertThat(Frames.parse(post.body()).path("detail").asString()).isEqualTo("method not allowed on /sse");
    }

    @Test
    void aWebSocketHandshakeOfAnotherVersionIs426ProblemJsonNamingTheVersionSpoken() throws IOException {
        // RFC 6455 4.4: a version the server does not speak gets 426 and the versions it does
        RawHttp.Response response = send(handshake("Sec-WebSocket-Version: 8\r\n"));
        assertProblem(response, 426);
        assertThat(response.headers()).containsEntry("sec-websocket-version", "13");
        assertThat(Frames.parse(response.body()).path("code").asString()).isEqualTo("unsupported-websocket-version");
    }

    @Test
    void aRequestToTheSocketThatIsNoHandshakeIs400ProblemJson() throws IOException {
        RawHttp.Response response = send("GET /ws?access_token=" + TOKENS.token("plain") + " HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n");
        assertProblem(response, 400);
        assertThat(Frames.parse(response.body()).path("code").asString()).isEqualTo("not-a-websocket-handshake");
    }

    @Test
    void aHandshakeFromAPageOfAnotherOriginIs403ProblemJson() throws IOException {
        RawHttp.Response response = send(handshake("Sec-WebSocket-Version: 13\r\nOrigin: https://evil.example\r\n"));
        assertProblem(response, 403);
        assertThat(Frames.parse(response.body()).path("code").asString()).isEqualTo("origin-not-allowed");
    }

    private static String handshake(String headers) {
        return "GET /ws?access_token=" + TOKENS.token("versions") + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + headers + "\r\n";
    }

    private RawHttp.Response send(String request) throws IOException {
        return RawHttp.exchange(edge.port(), request, WAIT);
    }

    private static void assertProblem(RawHttp.Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.contentType()).as(response.toString()).startsWith("application/problem+json");
        JsonNode problem = Frames.parse(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("type").asString()).startsWith("https://herald.io/problems/");
        assertThat(problem.path("title").asString()).isNotBlank();
        assertThat(problem.path("code").asString()).isNotBlank();
    }
}
