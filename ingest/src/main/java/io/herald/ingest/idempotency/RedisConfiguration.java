package io.herald.ingest.idempotency;

import io.herald.redis.RedisClientFactory;
import io.herald.redis.boot.RedisEndpointProperties;
import io.lettuce.core.resource.ClientResources;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Ingest's Redis client, made like every Herald service's by {@link RedisClientFactory} from
 * {@code spring.data.redis.*} ({@link RedisEndpointProperties}), and its {@code redis} health component.
 * Connections reconnect within a quarter of a second of Redis returning ({@link RedisClientFactory#reconnectDelay()}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RedisEndpointProperties.class)
class RedisConfiguration {

    @Bean(destroyMethod = "shutdown")
    ClientResources redisClientResources() {
        return RedisClientFactory.resources(RedisClientFactory.reconnectDelay());
    }

    @Bean(destroyMethod = "close")
    IdempotencyRedis idempotencyRedis(ClientResources resources, RedisEndpointProperties redis) {
        return IdempotencyRedis.create(new RedisClientFactory(redis.endpoint(), resources), redis);
    }

    @Bean
    RedisHealthIndicator redisHealthIndicator(IdempotencyRedis redis) {
        return new RedisHealthIndicator(redis);
    }
}
