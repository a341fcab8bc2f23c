package io.herald.ingest.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.ingest.support.Http;
import io.herald.ingest.support.IngestTest;
import io.herald.testkit.redis.RedisSentinelGroup;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Ingest's idempotency records through Sentinel ({@code spring.data.redis.sentinel.*}, which wins over the class's
 * standalone URL): a retry is answered from the primary, and after the primary is killed keyed requests are accepted
 * again once the Sentinels promoted the replica, with {@code redis} health UP on the new primary.
 */
@TestPropertySource(properties = "herald.kafka.topic=" + IdempotencyOnSentinelTest.TOPIC)
class IdempotencyOnSentinelTest extends IngestTest {

    static final String TOPIC = "idempotency-sentinel-test.notifications";
    private static RedisSentinelGroup group;

    @BeforeAll
    static void startGroup() {
        group = RedisSentinelGroup.start();
    }

    @AfterAll
    static void stopGroup() {
        group.close();
    }

    @DynamicPropertySource
    static void sentinels(DynamicPropertyRegistry registry) {
        for (String arg : group.springArgs()) {
            String[] setting = arg.substring(2).split("=", 2);
            registry.add(setting[0], () -> setting[1]);
        }
    }

    @Test
    void retriesAreAnsweredThroughSentinelBeforeAndAfterAFailover() {
        assertReplayed(0);
        assertThat(group.primary().port()).isNotEqualTo(redis.port());

        group.failover();
        assertReplayed(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(management().send("GET", "/actuator/health").statusCode()).isEqualTo(200));
    }

    private void assertReplayed(int i) {
        String body = "{\"id\":\"sentinel-" + i + "\",\"channel\":\"user:sentinel-" + i + "\",\"type\":\"t\",\"data\":{}}";
        AtomicReference<HttpResponse<String>> answered = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            answered.set(http().postJson("/v1/notifications", body));
            return answered.get().statusCode() != 503;
        });
        HttpResponse<String> first = answered.get();
        HttpResponse<String> retry = http().postJson("/v1/notifications", body);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(Http.json(retry).get("position")).isEqualTo(Http.json(first).get("position"));
        assertThat(records(TOPIC, "user:sentinel-" + i)).hasSize(1);
    }
}
