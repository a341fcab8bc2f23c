package io.herald.dispatcher.topic;

import io.herald.core.kafka.TopicReplication;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code herald.kafka}, shared with the other Herald services. Partitions and replication apply
 * only when a service creates the topics on a cluster that lacks them (ingest declares the same settings); an
 * existing topic is left as it is.
 *
 * @param topic             the notifications topic (default {@code herald.notifications}); its dead letters go
 *                          to {@code <topic>.DLT}
 * @param partitions        partitions of the topics when created (default 6); an existing topic grows only with
 *                          {@code heraldctl topic grow} (docs/operations.md), which keeps every channel's order
 * @param replicationFactor replicas per partition (default 0: {@code min(3, brokers in the cluster)}, so 1 on a
 *                          development broker and 3 in production)
 * @param minInsyncReplicas the topics' {@code min.insync.replicas} (default 0: 2 with 3 replicas or more, else 1).
 *                          With ingest's {@code acks=all}, an accepted notification is on at least this many brokers
 * @param layoutRefresh     how often the topic's layout (its growths, {@code heraldctl topic grow}) is read again
 *                          (default 5s): a growth's partitions are applied at most this long after it is sealed
 */
@ConfigurationProperties("herald.kafka")
public record TopicProperties(
        @DefaultValue("herald.notifications") String topic,
        @DefaultValue("6") int partitions,
        @DefaultValue("0") int replicationFactor,
        @DefaultValue("0") int minInsyncReplicas,
        @DefaultValue("5s") Duration layoutRefresh) {

    public TopicReplication replication() {
        return new TopicReplication(replicationFactor, minInsyncReplicas);
    }
}
