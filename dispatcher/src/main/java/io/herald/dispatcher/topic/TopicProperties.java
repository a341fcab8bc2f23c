package io.herald.dispatcher.topic;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code herald.kafka}, shared with the other Herald services.
 *
 * @param topic             the notifications topic (default {@code herald.notifications}); its dead letters go
 *                          to {@code <topic>.DLT}
 * @param partitions        partitions of a topic created on a fresh broker (default 6). Fixed once streams exist:
 *                          a channel's records must stay on one partition to keep their order
 * @param replicationFactor replicas of a topic created on a fresh broker (default 1, for development; use 3 in
 *                          production)
 */
@ConfigurationProperties("herald.kafka")
public record TopicProperties(
        @DefaultValue("herald.notifications") String topic,
        @DefaultValue("6") int partitions,
        @DefaultValue("1") short replicationFactor) {
}
