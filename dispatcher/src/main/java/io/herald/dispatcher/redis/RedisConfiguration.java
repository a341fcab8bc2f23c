package io.herald.dispatcher.redis;

import io.herald.redis.RedisClientFactory;
import io.herald.redis.boot.RedisEndpointProperties;
import io.herald.dispatcher.DispatcherProperties;
import io.herald.dispatcher.dataset.DatasetGuard;
import io.lettuce.core.resource.ClientResources;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * The dispatcher's Lettuce clients, its connections and the {@code redis} health component, for the topology the
 * configuration names: one primary ({@code spring.data.redis.url} or Sentinel) or a Redis Cluster
 * ({@code spring.data.redis.cluster.nodes}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RedisEndpointProperties.class)
class RedisConfiguration {

    /**
     * On one primary, reconnects follow the batch backoff, so a restarted Redis is noticed by the time the next retry
     * is due; on a cluster, {@link RedisClientFactory#reconnectDelay()}, so that the slot map's own connection finds a
     * node that answers again within a second.
     */
    @Bean(destroyMethod = "shutdown")
    ClientResources redisClientResources(DispatcherProperties dispatcher, RedisEndpointProperties redis) {
        if (redis.endpoint().isCluster()) {
            return RedisClientFactory.resources(RedisClientFactory.reconnectDelay());
        }
        return RedisClientFactory.resources(
                RedisClientFactory.reconnectDelay(dispatcher.backoff().initial(), dispatcher.backoff().max()));
    }

    @Bean
    RedisClientFactory redisClientFactory(ClientResources resources, RedisEndpointProperties redis) {
        return new RedisClientFactory(redis.endpoint(), resources);
    }

    @Bean
    RedisAvailability redisAvailability() {
        return new RedisAvailability();
    }

    @Configuration(proxyBeanMethods = false)
    @Conditional(RedisTopology.SinglePrimary.class)
    static class SinglePrimary {

        @Bean(destroyMethod = "close")
        RedisConnections redisConnections(RedisClientFactory clients, DispatcherProperties dispatcher) {
            return RedisConnections.create(clients, dispatcher.redisTimeout());
        }

        @Bean
        RedisHealthIndicator redisHealthIndicator(RedisConnections connections, DatasetGuard dataset,
                DispatcherProperties dispatcher) {
            return new RedisHealthIndicator(connections, dataset, dispatcher.redisTimeout());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Conditional(RedisTopology.Cluster.class)
    static class Cluster {

        @Bean(destroyMethod = "close")
        ClusterNodes clusterNodes(RedisClientFactory clients, DispatcherProperties dispatcher) {
            return new ClusterNodes(clients, dispatcher.redisTimeout(),
                    dispatcher.cluster().topologyRefresh());
        }

        @Bean
        ClusterHealthIndicator redisHealthIndicator(ClusterNodes nodes, DispatcherProperties dispatcher) {
            return new ClusterHealthIndicator(nodes, dispatcher.redisTimeout(), dispatcher.cluster().waitReplicas());
        }
    }
}
