package io.herald.edge.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.edge.delivery.PubSubHub;
import io.herald.edge.support.EdgeNode;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The edge's health on a real redis-server and Kafka broker: redis, kafka and the pub/sub canary are UP; a
 * broken pub/sub connection that cannot come back turns {@code /actuator/health} (and the {@code live} group)
 * DOWN, and it is UP again once the connection and its subscription are back.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PubSubHealthIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final String topic = "edge-health-" + UUID.randomUUID();
    private final KafkaBroker kafka;
    private final RedisServer redis;
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private EdgeNode edge;
    private RedisClient admin;
    private StatefulRedisConnection<String, String> adminConnection;

    PubSubHealthIT(KafkaBroker kafka, RedisServer redis) {
        this.kafka = kafka;
        this.redis = redis;
    }

    @BeforeAll
    void start() {
        kafka.createTopic(topic, 2);
        edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic,
                "herald.edge.health.canary.interval=100ms", "herald.edge.health.canary.timeout=1s");
        admin = RedisClient.create(redis.url());
        adminConnection = admin.connect();
    }

    @AfterAll
    void stop() {
        adminConnection.sync().configSet("maxclients", "10000");
        adminConnection.close();
        admin.shutdown();
        edge.close();
    }

    @Test
    void aBrokenPubSubConnectionTurnsTheNodeDownUntilItIsBackAndTheCanaryFlowsAgain() throws Exception {
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode health = health("/actuator/health");
            assertThat(health.path("status").asString()).isEqualTo("UP");
            assertThat(health.at("/components/redis/status").asString()).isEqualTo("UP");
            assertThat(health.at("/components/kafka/status").asString()).isEqualTo("UP");
            assertThat(health.at("/components/kafka/details/partitions").asInt()).isEqualTo(2);
            assertThat(health.at("/components/pubsub/status").asString()).isEqualTo("UP");
            assertThat(health.at("/components/pubsub/details/lastRoundTripMs").isNumber()).isTrue();
        });
        double reconnects = edge.bean(PubSubHub.class).reconnects();
        assertThat(reconnects).isZero();

        // room for the connections open now but the pub/sub one, which is then killed: Lettuce cannot re-establish it
        long connected = adminConnection.sync().info("clients").lines().filter(l -> l.startsWith("connected_clients:"))
                .mapToLong(l -> Long.parseLong(l.substring(18).trim())).findFirst().orElseThrow();
        adminConnection.sync().configSet("maxclients", Long.toString(connected - 1));
        assertThat(adminConnection.sync().clientKill(KillArgs.Builder.typePubsub())).isEqualTo(1);

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(status("/actuator/health")).isEqualTo(503);
            JsonNode health = health("/actuator/health");
            assertThat(health.path("status").asString()).isEqualTo("DOWN");
            assertThat(health.at("/components/pubsub/status").asString()).isEqualTo("DOWN");
            assertThat(health.at("/components/pubsub/details/error").asString()).isNotBlank();
            assertThat(health.at("/components/redis/status").asString()).isEqualTo("UP");
            assertThat(status("/actuator/health/live")).isEqualTo(503);
            assertThat(http.send(HttpRequest.newBuilder(edge.http("/livez")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).as("the client port's probe").isEqualTo(503);
        });

        adminConnection.sync().configSet("maxclients", "10000");

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(status("/actuator/health")).isEqualTo(200);
            assertThat(health("/actuator/health").at("/components/pubsub/status").asString()).isEqualTo("UP");
            assertThat(status("/actuator/health/live")).isEqualTo(200);
        });
        assertThat(edge.bean(PubSubHub.class).reconnects()).isGreaterThanOrEqualTo(1);
        String prometheus = http.send(HttpRequest.newBuilder(edge.management("/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(prometheus).containsPattern("herald_edge_pubsub_reconnects_total [1-9]")
                .contains("herald_edge_pubsub_canary_age_seconds");
    }

    private int status(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(edge.management(path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private JsonNode health(String path) throws Exception {
        return json.readTree(http.send(HttpRequest.newBuilder(edge.management(path)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }
}
