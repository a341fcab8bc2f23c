package io.herald.ingest.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.ingest.support.Http;
import io.herald.ingest.support.IngestTest;
import io.herald.redis.RedisKeys;
import io.herald.testkit.redis.RedisCluster;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.cluster.SlotHash;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Ingest follows a Redis Cluster failover with no setting beyond {@code spring.data.redis.cluster.nodes}: once a
 * shard's replica took over from its killed primary, keyed requests whose records live in that shard are accepted
 * again within seconds. (Through Spring Data Redis, whose slot map is never refreshed unless configured, they were
 * answered 503 until ingest restarted.)
 */
@TestPropertySource(properties = "herald.kafka.topic=" + IdempotencyClusterFailoverTest.TOPIC)
class IdempotencyClusterFailoverTest extends IngestTest {

    static final String TOPIC = "idempotency-cluster-failover-test.notifications";
    /** The producer's scope with API keys off. */
    private static final String SCOPE = "-";
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
        for (String arg : cluster.springArgs()) {
            String[] setting = arg.substring(2).split("=", 2);
            registry.add(setting[0], () -> setting[1]);
        }
    }

    @Test
    void keyedRequestsAreAcceptedAgainOnceAReplicaTookOverTheirShard() {
        assertThat(acceptedWithin(Duration.ofSeconds(60), 0).statusCode()).isEqualTo(202);
        int slot = SlotHash.getSlot(redisKey(0));
        RedisServer killed = cluster.failover(slot);
        RedisServer promoted = cluster.primaryForSlot(slot);
        int sameShard = IntStream.range(1, 1000).filter(i -> cluster.primaryFor(redisKey(i)) == promoted)
                .findFirst().orElseThrow();

        HttpResponse<String> first = acceptedWithin(Duration.ofSeconds(20), sameShard);
        assertThat(first.statusCode()).as("a keyed request in the failed-over shard: " + first.body()).isEqualTo(202);
        HttpResponse<String> retry = http().postJson("/v1/notifications", body(sameShard));
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(Http.json(retry).get("position")).isEqualTo(Http.json(first).get("position"));
        assertThat(records(TOPIC, channel(sameShard))).hasSize(1);
        assertThat(killed.port()).isNotEqualTo(promoted.port());
    }

    /** Posts request {@code i} until it is answered other than 503 or {@code atMost} passed; the last answer. */
    private HttpResponse<String> acceptedWithin(Duration atMost, int i) {
        AtomicReference<HttpResponse<String>> answered = new AtomicReference<>();
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            answered.set(http().postJson("/v1/notifications", body(i)));
            return answered.get().statusCode() != 503;
        });
        return answered.get();
    }

    private static String body(int i) {
        return "{\"id\":\"failover-" + i + "\",\"channel\":\"" + channel(i) + "\",\"type\":\"t\",\"data\":{}}";
    }

    private static String channel(int i) {
        return "user:failover-" + i;
    }

    private static String redisKey(int i) {
        return RedisKeys.idempotency(SCOPE, ChannelName.parse(channel(i)), "failover-" + i);
    }
}
