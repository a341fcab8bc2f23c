package io.herald.ingest.idempotency;

import static io.herald.ingest.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.ingest.IngestApplication;
import io.herald.ingest.support.Http;
import io.herald.testkit.kafka.TopicRecords;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.kafka.KafkaBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Redis unreachable: a keyed request is refused (a retry could not be recognised, so producing could duplicate),
 * an unkeyed one still goes through.
 */
@WithKafka
@SpringBootTest(classes = IngestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=ingest", "herald.ingest.auth.enabled=false",
                "herald.kafka.topic=" + IdempotencyUnavailableTest.TOPIC})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class IdempotencyUnavailableTest {

    static final String TOPIC = "idempotency-unavailable-test.notifications";

    static KafkaBroker kafka;

    @LocalServerPort
    int port;

    @BeforeAll
    static void kafka(KafkaBroker broker) {
        kafka = broker;
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        registry.add("spring.kafka.bootstrap-servers", () -> kafka.bootstrapServers());
        registry.add("spring.data.redis.url", () -> "redis://127.0.0.1:" + closedPort);
    }

    @Test
    void refusesKeyedRequestsAndAcceptsUnkeyedOnes() {
        Http http = new Http(port);

        HttpResponse<String> keyed = http.postJson("/v1/notifications",
                "{\"id\":\"no-redis\",\"channel\":\"user:keyed\",\"type\":\"t\",\"data\":{}}");
        HttpResponse<String> unkeyed = http.postJson("/v1/notifications",
                "{\"channel\":\"user:unkeyed\",\"type\":\"t\",\"data\":{}}");

        assertProblem(keyed, 503, "idempotency-unavailable");
        assertThat(keyed.headers().firstValue("Retry-After")).isPresent();
        assertThat(unkeyed.statusCode()).as(unkeyed.body()).isEqualTo(202);
        assertThat(TopicRecords.readAll(kafka.bootstrapServers(), TOPIC))
                .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("user:unkeyed");
    }
}
