package io.herald.ingest.auth;

import static io.herald.ingest.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.ingest.IngestApplication;
import io.herald.ingest.support.Http;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Ingest as {@code main} starts it, with nothing about API keys said: keys are required. Without any configured it
 * does not start; with one configured, a request that does not carry it is refused.
 */
@WithKafka
@WithRedis
class DefaultAuthTest {

    private static final String TOPIC = "default-auth-test.notifications";
    // printf %s orders-secret | sha256sum
    private static final String ORDERS_HASH = "363838865d67245f6045a510d660614ae477cd64df9f55f5c068b20a1536949a";
    private static final String BODY = "{\"channel\":\"user:7\",\"type\":\"t\",\"data\":{}}";

    @Test
    void withoutKeysIngestRefusesToStart(KafkaBroker kafka, RedisServer redis) {
        assertThatThrownBy(() -> start(kafka, redis).close())
                .hasStackTraceContaining("herald.ingest.auth.keys is empty")
                .hasStackTraceContaining("herald.ingest.auth.enabled=false");
    }

    @Test
    void withAKeyConfiguredARequestWithoutItIsRefused(KafkaBroker kafka, RedisServer redis) {
        try (ConfigurableApplicationContext ingest = start(kafka, redis,
                "--herald.ingest.auth.keys[0].name=orders",
                "--herald.ingest.auth.keys[0].sha256=" + ORDERS_HASH,
                "--herald.ingest.auth.keys[0].namespaces=user")) {
            Http http = new Http(((WebServerApplicationContext) ingest).getWebServer().getPort());

            assertProblem(http.postJson("/v1/notifications", BODY), 401, "unauthorized");
            assertProblem(http.postJson("/v1/notifications/batch", "{\"notifications\":[" + BODY + "]}"), 401, "unauthorized");
            HttpResponse<String> withKey = http.postJson("/v1/notifications", BODY, "Authorization", "Bearer orders-secret");
            assertThat(withKey.statusCode()).as(withKey.body()).isEqualTo(202);
        }
    }

    private static ConfigurableApplicationContext start(KafkaBroker kafka, RedisServer redis, String... args) {
        List<String> all = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(), "--spring.data.redis.url=" + redis.url(),
                "--herald.kafka.topic=" + TOPIC));
        all.addAll(List.of(args));
        return IngestApplication.application().run(all.toArray(String[]::new));
    }
}
