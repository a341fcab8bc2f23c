package io.herald.redis.boot;

import io.herald.redis.RedisEndpoint;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where Redis is, read from Spring Boot's own {@code spring.data.redis.*} keys so that every Herald service is
 * configured the same way; the one binding of them for the services that use Lettuce directly, without Spring Data
 * Redis (the dispatcher, the edge, ingest, and heraldctl reading the dispatcher's configuration file).
 * {@link RedisEndpoint} makes the URIs. Each
 * service enables it with {@code @EnableConfigurationProperties(RedisEndpointProperties.class)}.
 *
 * @param url      a Redis URI (default {@code redis://127.0.0.1:6379}); {@code rediss://} for TLS, user, password
 *                 and database in the URI as usual
 * @param password the data nodes' password when Sentinel or a Redis Cluster is used
 * @param sentinel {@code master} and {@code nodes} ({@code host:port}, ...): find the primary through Sentinel
 *                 (takes precedence over the URL); {@code password} is the sentinels' own
 * @param cluster  {@code nodes} ({@code host:port}, ...): seeds of a Redis Cluster (takes precedence over Sentinel
 *                 and the URL); the dispatcher applies batches to it per primary, the edge reads and subscribes per
 *                 slot, the admin engines (and heraldctl) send each channel's commands to its slot's primary
 * @param lettuce  {@code lettuce.cluster.refresh.*}, read by the edge and ingest
 * @param timeout        {@code spring.data.redis.timeout}, read by ingest only (default 1s): the longest a request
 *                       waits for Redis, connecting included (the dispatcher and the edge have timeouts of their own)
 * @param connectTimeout {@code spring.data.redis.connect-timeout}, read by ingest only (default 1s): the longest
 *                       opening a connection may take
 */
@ConfigurationProperties("spring.data.redis")
public record RedisEndpointProperties(@DefaultValue("redis://127.0.0.1:6379") String url, String password,
        Sentinel sentinel, Cluster cluster, @DefaultValue Lettuce lettuce, @DefaultValue("1s") Duration timeout,
        @DefaultValue("1s") Duration connectTimeout) {

    public record Sentinel(String master, List<String> nodes, String password) {
    }

    /**
     * @param nodes        seed nodes, {@code host:port} each
     * @param maxRedirects MOVED/ASK redirections an edge's command follows before it fails (default 5, Lettuce's)
     */
    public record Cluster(List<String> nodes, @DefaultValue("5") int maxRedirects) {
    }

    /** Spring Boot's {@code spring.data.redis.lettuce.*}; only {@code cluster.refresh} is read. */
    public record Lettuce(@DefaultValue LettuceCluster cluster) {
    }

    public record LettuceCluster(@DefaultValue Refresh refresh) {
    }

    /**
     * How the edge keeps its view of the cluster's slots current, which is where its pub/sub subscriptions go, and
     * ingest the view its idempotency records are routed by (the dispatcher re-reads its slot map every
     * {@code herald.dispatcher.cluster.topology-refresh} instead).
     *
     * @param period   {@code spring.data.redis.lettuce.cluster.refresh.period}, how often the whole topology is
     *                 read again (default 5s): the backstop for a change no event reveals (a slot moved between
     *                 two reachable primaries is otherwise seen only through the server's SUNSUBSCRIBE); a lost
     *                 connection or an error re-reads it at once
     * @param adaptive {@code spring.data.redis.lettuce.cluster.refresh.adaptive}, re-read it on MOVED/ASK and
     *                 persistent reconnects too (default true)
     */
    public record Refresh(@DefaultValue("5s") Duration period, @DefaultValue("true") boolean adaptive) {
    }

    public RedisEndpoint endpoint() {
        return new RedisEndpoint(url, sentinel == null ? null : sentinel.master(),
                sentinel == null ? null : sentinel.nodes(), sentinel == null ? null : sentinel.password(), password,
                cluster == null ? null : cluster.nodes());
    }
}
