package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Frames;
import io.herald.edge.support.SseTestClient;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsTestClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** How a node is told to check tokens: refusing to start without a way, explicit opt-out, dev tokens. */
@WithKafka
@WithRedis
class AuthModesIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final String topic = "edge-auth-modes-" + UUID.randomUUID();

    AuthModesIT(KafkaBroker kafka) {
        kafka.createTopic(topic, 1);
    }

    @Test
    void aNodeWithNeitherSecretNorKeySetRefusesToStart(KafkaBroker kafka, RedisServer redis) {
        assertThatThrownBy(() -> EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic,
                "herald.edge.auth.hs256-secret="))
                .hasStackTraceContaining("no way to check tokens: set herald.edge.auth.hs256-secret or herald.edge.auth.jwks-uri");
        assertThatThrownBy(() -> EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic,
                "herald.edge.auth.hs256-secret=too-short"))
                .hasStackTraceContaining("at least 32 bytes");
    }

    @Test
    void withAuthenticationDisabledAnyoneConnectsAndSeesAnything(KafkaBroker kafka, RedisServer redis) {
        try (EdgeNode edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic,
                "herald.edge.auth.enabled=false", "herald.edge.auth.hs256-secret=")) {
            try (WsTestClient client = WsTestClient.connect(URI.create(edge.ws() + "?user=dev"))) {
                client.send(SubscriptionIT.subscribe("user:someone", null));
                client.send(SubscriptionIT.subscribe("topic:anything", null));
                client.awaitFrame(f -> Frames.is(f, "subscribed", "user:someone"), WAIT);
                client.awaitFrame(f -> Frames.is(f, "subscribed", "topic:anything"), WAIT);
                client.send("{\"op\":\"refresh\",\"token\":\"whatever\"}");
                JsonNode refreshed = Frames.parse(client.awaitFrame(f -> Frames.is(f, "refreshed"), WAIT));
                assertThat(refreshed.path("expiresAt").isNull()).isTrue();
            }
            // no dev tokens unless asked for
            assertThat(SseTestClient.get(edge.http("/dev/token?user=alice"), Map.of()).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void devTokensAreForTheirUserAndThePublicChannelsForAnHour(KafkaBroker kafka, RedisServer redis) {
        try (EdgeNode edge = EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic,
                "herald.edge.auth.dev-tokens=true")) {
            HttpResponse<String> answer = SseTestClient.get(edge.http("/dev/token?user=alice"), Map.of());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            String token = Frames.parse(answer.body()).path("token").asString();
            long exp = Frames.parse(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1])))
                    .path("exp").asLong();
            assertThat(exp).isBetween(Instant.now().plusSeconds(3500).getEpochSecond(), Instant.now().plusSeconds(3700).getEpochSecond());

            try (WsTestClient alice = WsTestClient.connect(edge.ws(token))) {
                alice.send(SubscriptionIT.subscribe("user:alice", null));
                alice.send(SubscriptionIT.subscribe("broadcast:all", null));
                alice.send(SubscriptionIT.subscribe("user:bob", null));
                alice.awaitFrame(f -> Frames.is(f, "subscribed", "user:alice"), WAIT);
                alice.awaitFrame(f -> Frames.is(f, "subscribed", "broadcast:all"), WAIT);
                assertThat(Frames.parse(alice.awaitFrame(f -> Frames.is(f, "error", "user:bob"), WAIT))
                        .path("code").asString()).isEqualTo("forbidden");
            }

            HttpResponse<String> noUser = SseTestClient.get(edge.http("/dev/token"), Map.of());
            assertThat(noUser.statusCode()).isEqualTo(400);
            assertThat(noUser.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(SseTestClient.get(edge.http("/dev/token?user=a%20b"), Map.of()).statusCode()).isEqualTo(400);
        }
    }
}
