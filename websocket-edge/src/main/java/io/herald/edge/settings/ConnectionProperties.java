package io.herald.edge.settings;

import io.herald.redis.RedisEndpoint;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The connection settings the edge shares with the other services, under Spring Boot's own names. The edge
 * uses Lettuce and kafka-clients directly (no Spring Data, no Spring Kafka), so it reads just these.
 */
public final class ConnectionProperties {

    private ConnectionProperties() {
    }

    /**
     * Spring Boot's {@code spring.data.redis.*}: {@code url} (default {@code redis://127.0.0.1:6379}), or
     * {@code sentinel.master} + {@code sentinel.nodes} (+ {@code sentinel.password}, and {@code password} for the data
     * nodes) to find the primary through Sentinel, or {@code cluster.nodes} (+ {@code password}) for a Redis
     * Cluster, which takes precedence; core's {@link RedisEndpoint} makes the URIs.
     */
    @ConfigurationProperties("spring.data.redis")
    public record Redis(@DefaultValue("redis://127.0.0.1:6379") String url, String password, Sentinel sentinel,
            Cluster cluster, @DefaultValue Lettuce lettuce) {

        public record Sentinel(String master, List<String> nodes, String password) {
        }

        /**
         * @param nodes        seed nodes, {@code host:port} each
         * @param maxRedirects MOVED/ASK redirections a command follows before it fails (default 5, Lettuce's)
         */
        public record Cluster(List<String> nodes, @DefaultValue("5") int maxRedirects) {
        }

        /** Spring Boot's {@code spring.data.redis.lettuce.*}; only {@code cluster.refresh} is read. */
        public record Lettuce(@DefaultValue LettuceCluster cluster) {
        }

        public record LettuceCluster(@DefaultValue Refresh refresh) {
        }

        /**
         * How the edge keeps its view of the cluster's slots current, which is where its pub/sub subscriptions go.
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

    /**
     * {@code spring.kafka.bootstrap-servers} (default {@code 127.0.0.1:9092}) and {@code herald.kafka.topic}
     * (default {@code herald.notifications}): the edge reads gaps from Kafka when Redis cannot prove continuity.
     *
     * @param properties {@code spring.kafka.properties.*}: settings every Kafka client of the edge gets, as ingest's
     *                   and the dispatcher's get them through Spring Boot; where {@code security.protocol},
     *                   {@code sasl.*} and {@code ssl.*} go (default none)
     */
    @ConfigurationProperties("spring.kafka")
    public record Kafka(@DefaultValue("127.0.0.1:9092") List<String> bootstrapServers,
            @DefaultValue Map<String, String> properties) {

        public Kafka {
            properties = Map.copyOf(properties);
        }

        /** {@code properties} and the bootstrap servers, for a client's configuration; the caller adds its own. */
        public Map<String, Object> clientConfig() {
            Map<String, Object> config = new HashMap<>(properties);
            config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers));
            return config;
        }
    }

    @ConfigurationProperties("herald.kafka")
    public record Topic(@DefaultValue("herald.notifications") String topic) {
    }

    /**
     * {@code herald.envelope.max-data-bytes} (default 65536), shared by every service: the edge decodes records it
     * reads from Kafka with the dispatcher's limit, so it skips exactly the records the dispatcher dead-letters.
     */
    @ConfigurationProperties("herald.envelope")
    public record Envelope(@DefaultValue("65536") int maxDataBytes) {
    }
}
