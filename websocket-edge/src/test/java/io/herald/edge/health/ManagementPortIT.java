package io.herald.edge.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Frames;
import io.herald.edge.support.SseTestClient;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import tools.jackson.databind.JsonNode;

/**
 * The client port (what the load balancer forwards) serves nothing of the actuator but a bare status for
 * probes; health with its details, metrics and Prometheus are on the management port.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementPortIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final String topic = "edge-management-" + UUID.randomUUID();
    private final KafkaBroker kafka;
    private final RedisServer redis;
    private EdgeNode edge;

    ManagementPortIT(KafkaBroker kafka, RedisServer redis) {
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
    void edgeYmlPutsManagementOnAPortOfItsOwn() throws Exception {
        // the nodes here run on random ports; this is the default a deployment gets
        PropertySource<?> yml = new YamlPropertySourceLoader().load("edge.yml", new ClassPathResource("edge.yml")).get(0);
        assertThat(yml.getProperty("management.server.port")).isEqualTo(9081);
        assertThat(yml.getProperty("server.port")).isEqualTo(8081);
    }

    @Test
    void theClientPortAnswersNotFoundForEveryActuatorPath() {
        assertThat(edge.managementPort()).isNotEqualTo(edge.port());
        for (String path : List.of("/actuator", "/actuator/health", "/actuator/health/live", "/actuator/prometheus",
                "/actuator/metrics", "/actuator/metrics/herald.edge.sessions", "/actuator/env", "/actuator/info")) {
            HttpResponse<String> answer = SseTestClient.get(edge.http(path), Map.of());
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            assertThat(answer.headers().firstValue("Content-Type")).as(path).hasValue("application/problem+json");
            assertThat(answer.body()).as(path).doesNotContain("redis").doesNotContain("kafka");
        }
    }

    @Test
    void theClientPortsProbeShowsTheStatusAlone() {
        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> probe = SseTestClient.get(edge.http("/livez"), Map.of());
            assertThat(probe.statusCode()).as(probe.body()).isEqualTo(200);
            JsonNode body = Frames.parse(probe.body());
            assertThat(body.propertyNames()).as(probe.body()).containsExactly("status");
            assertThat(body.path("status").asString()).isEqualTo("UP");
        });
    }

    @Test
    void theManagementPortServesHealthWithDetailsAndPrometheus() {
        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> health = SseTestClient.get(edge.management("/actuator/health"), Map.of());
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(Frames.parse(health.body()).at("/components/redis/status").asString()).isEqualTo("UP");
        });
        assertThat(SseTestClient.get(edge.management("/actuator/health/live"), Map.of()).statusCode()).isEqualTo(200);
        HttpResponse<String> prometheus = SseTestClient.get(edge.management("/actuator/prometheus"), Map.of());
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("herald_edge_sessions");
        assertThat(SseTestClient.get(edge.management("/actuator/metrics/herald.edge.sessions"), Map.of()).statusCode())
                .isEqualTo(200);
    }
}
