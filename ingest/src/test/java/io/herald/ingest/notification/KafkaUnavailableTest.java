package io.herald.ingest.notification;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.ingest.IngestApplication;
import io.herald.ingest.support.Http;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Ingest pointed at a port where no broker listens: a bounded wait, then 503 with Retry-After. */
@WithRedis
@SpringBootTest(classes = IngestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=ingest", "herald.ingest.auth.enabled=false", "herald.ingest.ack-timeout=1s", "herald.ingest.retry-after=3s",
                // no broker to create topics on: skip KafkaAdmin's 30 s attempt at startup
                "spring.kafka.admin.auto-create=false"})
class KafkaUnavailableTest {

    static RedisServer redis;

    @LocalServerPort
    int port;

    @BeforeAll
    static void redis(RedisServer server) {
        redis = server;
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + closedPort);
        registry.add("spring.data.redis.url", () -> redis.url());
    }

    @Test
    void answers503WithRetryAfterWhenKafkaDoesNotAcknowledge() {
        Instant start = Instant.now();

        // with an id, so the idempotency claim is taken and must be given back for the retry
        HttpResponse<String> response = new Http(port).postJson("/v1/notifications",
                "{\"id\":\"unavailable-1\",\"channel\":\"user:1\",\"type\":\"t\",\"data\":{}}");

        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(Http.contentType(response)).isEqualTo("application/problem+json");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
        JsonNode problem = Http.json(response);
        assertThat(problem.get("type").stringValue()).isEqualTo("https://herald.io/problems/kafka-unavailable");
        assertThat(problem.get("status").intValue()).isEqualTo(503);
        assertThat(response.body()).doesNotContain("Exception");

        // the claim is given back once Kafka's failure is known, so that the producer's retry may produce
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> connection.sync().keys("herald:ingest:idem:*").isEmpty());
        } finally {
            client.shutdown();
        }
    }
}
