package io.herald.dispatcher.redis;

import io.herald.redis.RedisEndpoint;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where Redis is, read from Spring Boot's own {@code spring.data.redis.*} keys so that every Herald service is
 * configured the same way, without pulling Spring Data Redis in; core's {@link RedisEndpoint} makes the URI.
 *
 * @param url      a Redis URI (default {@code redis://127.0.0.1:6379}); {@code rediss://} for TLS, user, password
 *                 and database in the URI as usual
 * @param password the data nodes' password when Sentinel is used
 * @param sentinel {@code master} and {@code nodes} ({@code host:port}, ...): find the primary through Sentinel
 *                 (takes precedence over the URL); {@code password} is the sentinels' own
 * @param cluster  {@code nodes} ({@code host:port}, ...): seeds of a Redis Cluster, which batches are then applied to
 *                 per primary (takes precedence over Sentinel and the URL); the admin engines use it too
 */
@ConfigurationProperties("spring.data.redis")
public record RedisEndpointProperties(@DefaultValue("redis://127.0.0.1:6379") String url, String password,
        Sentinel sentinel, Cluster cluster) {

    public record Sentinel(String master, List<String> nodes, String password) {
    }

    public record Cluster(List<String> nodes) {
    }

    public RedisEndpoint endpoint() {
        return new RedisEndpoint(url, sentinel == null ? null : sentinel.master(),
                sentinel == null ? null : sentinel.nodes(), sentinel == null ? null : sentinel.password(), password,
                cluster == null ? null : cluster.nodes());
    }
}
