package io.herald.edge.config;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The connection settings the edge shares with the other services, under Spring Boot's own names. The edge
 * uses Lettuce and kafka-clients directly (no Spring Data, no Spring Kafka), so it reads just these.
 */
public final class ConnectionProperties {

    private ConnectionProperties() {
    }

    /** {@code spring.data.redis.url} (default {@code redis://127.0.0.1:6379}). */
    @ConfigurationProperties("spring.data.redis")
    public record Redis(@DefaultValue("redis://127.0.0.1:6379") String url) {
    }

    /**
     * {@code spring.kafka.bootstrap-servers} (default {@code 127.0.0.1:9092}) and {@code herald.kafka.topic}
     * (default {@code herald.notifications}): the edge reads gaps from Kafka when Redis cannot prove continuity.
     */
    @ConfigurationProperties("spring.kafka")
    public record Kafka(@DefaultValue("127.0.0.1:9092") List<String> bootstrapServers) {
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
