package io.herald.dispatcher.redis;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where Redis is, read from Spring Boot's own {@code spring.data.redis.url} so that every Herald service is
 * configured the same way, without pulling Spring Data Redis in for one property.
 *
 * @param url a Lettuce/Redis URI (default {@code redis://127.0.0.1:6379}); {@code rediss://} for TLS, user,
 *            password and database in the URI as usual
 */
@ConfigurationProperties("spring.data.redis")
public record RedisUrlProperties(@DefaultValue("redis://127.0.0.1:6379") String url) {
}
