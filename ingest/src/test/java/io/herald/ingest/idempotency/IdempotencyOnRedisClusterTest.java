package io.herald.ingest.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.ingest.support.Http;
import io.herald.ingest.support.IngestTest;
import io.herald.testkit.redis.RedisCluster;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Ingest's idempotency records on a Redis Cluster, configured by Spring Boot's own
 * {@code spring.data.redis.cluster.nodes} (which wins over the class's standalone URL): a retry is answered from the
 * cluster, and the records are on its nodes, spread by key.
 */
@TestPropertySource(properties = "herald.kafka.topic=" + IdempotencyOnRedisClusterTest.TOPIC)
class IdempotencyOnRedisClusterTest extends IngestTest {

    static final String TOPIC = "idempotency-cluster-test.notifications";
    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @DynamicPropertySource
    static void clusterNodes(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.cluster.nodes", () -> String.join(",", cluster.clusterNodes()));
    }

    @Test
    void retriesAreAnsweredFromTheClusterWhateverNodeHoldsTheirKey() {
        for (int i = 0; i < 12; i++) {
            String body = "{\"id\":\"cluster-" + i + "\",\"channel\":\"user:cluster-" + i + "\",\"type\":\"t\",\"data\":{}}";
            // a 503 (the store not reached within the claim window, as on a first, slow cluster connection) is
            // retried as a producer is told to: same request, nothing written meanwhile
            AtomicReference<HttpResponse<String>> answered = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                answered.set(http().postJson("/v1/notifications", body));
                return answered.get().statusCode() != 503;
            });
            HttpResponse<String> first = answered.get();
            HttpResponse<String> retry = http().postJson("/v1/notifications", body);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
            assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(Http.json(retry).get("position")).isEqualTo(Http.json(first).get("position"));
            assertThat(records(TOPIC, "user:cluster-" + i)).hasSize(1);
        }
        List<Long> perPrimary = cluster.primaries().stream().map(IdempotencyOnRedisClusterTest::idempotencyKeys).toList();
        assertThat(perPrimary.stream().mapToLong(Long::longValue).sum()).isEqualTo(12);
        assertThat(perPrimary).as("keys spread over the primaries").filteredOn(n -> n > 0).hasSizeGreaterThan(1);
        assertThat(idempotencyKeys(redis)).as("nothing went to the standalone server").isZero();
    }

    private static long idempotencyKeys(RedisServer node) {
        RedisClient client = RedisClient.create(node.url());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().keys("herald:ingest:idem:*").size();
        } finally {
            client.shutdown();
        }
    }
}
