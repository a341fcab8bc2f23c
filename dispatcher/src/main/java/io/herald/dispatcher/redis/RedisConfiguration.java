package io.herald.dispatcher.redis;

import io.herald.dispatcher.DispatcherProperties;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The dispatcher's Lettuce client, its connections and the {@code redis} health component. */
@Configuration(proxyBeanMethods = false)
class RedisConfiguration {

    @Bean(destroyMethod = "shutdown")
    ClientResources redisClientResources(DispatcherProperties dispatcher) {
        return RedisClients.resources(dispatcher.backoff().initial(), dispatcher.backoff().max());
    }

    @Bean(destroyMethod = "shutdown")
    RedisClient redisClient(ClientResources resources, DispatcherProperties dispatcher) {
        return RedisClients.create(resources, dispatcher.redisTimeout());
    }

    @Bean(destroyMethod = "close")
    RedisConnections redisConnections(RedisClient client, RedisUrlProperties redis) {
        return new RedisConnections(client, RedisURI.create(redis.url()));
    }

    @Bean
    RedisAvailability redisAvailability() {
        return new RedisAvailability();
    }

    @Bean
    RedisHealthIndicator redisHealthIndicator(RedisConnections connections, DispatcherProperties dispatcher) {
        return new RedisHealthIndicator(connections, dispatcher.redisTimeout());
    }
}
