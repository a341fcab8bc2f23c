package io.herald.redis.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.redis.RedisEndpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The dispatcher and the edge read Redis's place from this one binding: its defaults and keys are theirs. */
class RedisEndpointPropertiesTest {

    @Test
    void defaultsToOneLocalServer() {
        RedisEndpointProperties redis = bind(Map.of());

        assertThat(redis.endpoint()).isEqualTo(RedisEndpoint.ofUrl("redis://127.0.0.1:6379"));
        assertThat(redis.lettuce().cluster().refresh().period()).isEqualTo(Duration.ofSeconds(5));
        assertThat(redis.lettuce().cluster().refresh().adaptive()).isTrue();
    }

    @Test
    void readsSentinelAndClusterUnderSpringBootsKeys() {
        RedisEndpointProperties redis = bind(Map.of(
                "spring.data.redis.password", "data",
                "spring.data.redis.sentinel.master", "main",
                "spring.data.redis.sentinel.nodes", "s1:26379,s2:26379",
                "spring.data.redis.sentinel.password", "sentinels",
                "spring.data.redis.cluster.nodes", "n1:6379,n2:6379",
                "spring.data.redis.lettuce.cluster.refresh.period", "2s",
                "spring.data.redis.lettuce.cluster.refresh.adaptive", "false"));

        assertThat(redis.endpoint()).isEqualTo(new RedisEndpoint("redis://127.0.0.1:6379", "main",
                List.of("s1:26379", "s2:26379"), "sentinels", "data", List.of("n1:6379", "n2:6379")));
        assertThat(redis.cluster().maxRedirects()).isEqualTo(5);
        assertThat(redis.lettuce().cluster().refresh().period()).isEqualTo(Duration.ofSeconds(2));
        assertThat(redis.lettuce().cluster().refresh().adaptive()).isFalse();
    }

    private static RedisEndpointProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("spring.data.redis", RedisEndpointProperties.class);
    }
}
