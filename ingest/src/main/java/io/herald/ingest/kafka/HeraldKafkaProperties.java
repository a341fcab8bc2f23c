package io.herald.ingest.kafka;

import io.herald.core.kafka.Topics;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The notifications topic, shared by every Herald service ({@code herald.kafka.*}). The connection itself is
 * Spring Boot's {@code spring.kafka.*} ({@code spring.kafka.bootstrap-servers}).
 *
 * @param topic      the notifications topic (default {@code herald.notifications}); its dead letters go to
 *                   {@code <topic>.DLT}
 * @param partitions partitions when ingest creates the topic on a fresh broker (default 6). Fixed once channels
 *                   have history: Kafka keeps a key's order only within its partition
 */
@ConfigurationProperties("herald.kafka")
public record HeraldKafkaProperties(
        @DefaultValue(Topics.DEFAULT_NOTIFICATIONS) String topic,
        @DefaultValue("6") int partitions) {
}
