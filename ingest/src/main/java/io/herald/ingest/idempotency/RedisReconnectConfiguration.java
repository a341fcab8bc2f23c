package io.herald.ingest.idempotency;

import io.herald.redis.RedisClientFactory;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Data Redis's Lettuce connections reconnect like every Herald service's: within a quarter of a second of Redis
 * returning. Only the delay is shared with {@link RedisClientFactory}: Spring Data Redis makes its clients itself
 * (timeouts, Sentinel, Cluster from {@code spring.data.redis.*}) and takes no client made elsewhere.
 */
@Configuration(proxyBeanMethods = false)
class RedisReconnectConfiguration {

    @Bean
    ClientResourcesBuilderCustomizer heraldReconnectDelay() {
        return builder -> builder.reconnectDelay(RedisClientFactory.reconnectDelay());
    }
}
