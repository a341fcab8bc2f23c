package io.herald.edge.redis;

import io.herald.redis.CommandConnection;
import io.herald.redis.RedisClientFactory;
import io.herald.redis.RedisClientFactory.ClusterOptions;
import io.herald.redis.RedisClientFactory.Timeouts;
import io.herald.redis.boot.RedisEndpointProperties;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One Lettuce client per node, chosen by the topology {@code spring.data.redis.*} describes: a {@link RedisClient}
 * for one server or Sentinel, a {@link RedisClusterClient} for a Redis Cluster. On either, a shared command
 * connection ({@link CommandConnection}) reads the logs, and a {@link PubSubTransport} receives live messages.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RedisEndpointProperties.class)
public class RedisConfiguration {

    /** Commands fail after this long instead of waiting on a Redis that does not answer. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    /** A node that is gone refuses or times out quickly, so that re-homing moves on to its successor. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    @Bean(destroyMethod = "shutdown")
    ClientResources redisClientResources() {
        return RedisClientFactory.resources(RedisClientFactory.reconnectDelay());
    }

    @Bean
    RedisClientFactory redisClientFactory(ClientResources resources, RedisEndpointProperties redis) {
        return new RedisClientFactory(redis.endpoint(), resources);
    }

    /**
     * The node's shared command connection; opened at start, so that a node without Redis fails to start rather than
     * serve nothing. Its client also makes the pub/sub connections ({@link PubSubTransport}).
     */
    @Bean(destroyMethod = "close")
    CommandConnection redisCommands(RedisClientFactory clients, RedisEndpointProperties redis) {
        Timeouts timeouts = new Timeouts(COMMAND_TIMEOUT, Timeouts.LETTUCE_CONNECT_TIMEOUT);
        ClusterOptions cluster = null;
        if (clients.endpoint().isCluster()) {
            timeouts = new Timeouts(COMMAND_TIMEOUT, CONNECT_TIMEOUT);
            RedisEndpointProperties.Refresh refresh = redis.lettuce().cluster().refresh();
            // Lettuce's default adaptive rate limit (30 s) would leave a failed-over slot unserved that long
            cluster = new ClusterOptions(refresh.period(), refresh.adaptive(), Duration.ofSeconds(1),
                    redis.cluster().maxRedirects(), ClusterOptions.LETTUCE_SEED_TIMEOUT);
        }
        CommandConnection connection = CommandConnection.create(clients, timeouts, cluster);
        try {
            connection.sync();
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /** Closed by the context after the hub that uses it (the hub depends on it). */
    @Bean(destroyMethod = "close")
    PubSubTransport pubSubTransport(CommandConnection commands, RedisClientFactory clients, MeterRegistry meters) {
        if (commands.client() instanceof RedisClusterClient cluster) {
            return new ClusterPubSub(cluster, clients, commands, meters);
        }
        return new SinglePubSub((RedisClient) commands.client(), commands);
    }
}
