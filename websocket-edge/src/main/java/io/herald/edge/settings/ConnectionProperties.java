package io.herald.edge.settings;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The connection settings the edge shares with the other services, under Spring Boot's own names. The edge
 * uses Lettuce and kafka-clients directly (no Spring Data, no Spring Kafka), so it reads just these; Redis's
 * ({@code spring.data.redis.*}) are herald-redis-boot's {@code RedisEndpointProperties}, which the dispatcher reads
 * too.
 */
public final class ConnectionProperties {

    private ConnectionProperties() {
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
