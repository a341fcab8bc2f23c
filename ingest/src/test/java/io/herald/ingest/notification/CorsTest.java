package io.herald.ingest.notification;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.ingest.support.IngestTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** A configured page origin may post from a browser; any other origin is refused. */
@TestPropertySource(properties = {"herald.kafka.topic=ingest-cors",
        "herald.ingest.cors.allowed-origins=http://127.0.0.1:8081,http://localhost:8081"})
class CorsTest extends IngestTest {

    @Test
    void aConfiguredOriginPassesThePreflightAndItsPostIsAccepted() {
        HttpResponse<String> preflight = http().send("OPTIONS", "/v1/notifications",
                "Origin", "http://localhost:8081",
                "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "content-type,idempotency-key");
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:8081");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
                .contains("idempotency-key");

        HttpResponse<String> post = http().postJson("/v1/notifications",
                "{\"channel\":\"user:cors\",\"type\":\"t\",\"data\":{}}", "Origin", "http://localhost:8081");
        assertThat(post.statusCode()).isEqualTo(202);
        assertThat(post.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:8081");
    }

    @Test
    void anyOtherOriginIsRefusedAndNothingIsProduced() {
        HttpResponse<String> preflight = http().send("OPTIONS", "/v1/notifications",
                "Origin", "http://evil.example",
                "Access-Control-Request-Method", "POST");
        assertThat(preflight.statusCode()).isEqualTo(403);

        HttpResponse<String> post = http().postJson("/v1/notifications",
                "{\"channel\":\"user:cors-evil\",\"type\":\"t\",\"data\":{}}", "Origin", "http://evil.example");
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(records("ingest-cors", "user:cors-evil")).isEmpty();
    }
}
