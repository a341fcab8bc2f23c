package io.herald.edge.config;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One Lettuce client per node: a shared command connection for log reads, and (in PubSubHub) one pub/sub connection. */
@Configuration(proxyBeanMethods = false)
public class RedisConfiguration {

    @Bean(destroyMethod = "shutdown")
    RedisClient redisClient(ConnectionProperties.Redis redis) {
        RedisClient client = RedisClient.create(RedisURI.create(redis.url()));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // fail fast while Redis is away instead of queueing commands without bound
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(5)))
                .build());
        return client;
    }

    @Bean(destroyMethod = "close")
    StatefulRedisConnection<String, String> redisCommands(RedisClient client) {
        return client.connect();
    }
}
