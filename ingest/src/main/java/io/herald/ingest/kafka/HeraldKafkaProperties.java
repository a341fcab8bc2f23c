package io.herald.ingest.kafka;

import io.herald.core.kafka.TopicReplication;
import io.herald.core.kafka.Topics;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The notifications topic, shared by every Herald service ({@code herald.kafka.*}). The connection itself is
 * Spring Boot's {@code spring.kafka.*} ({@code spring.kafka.bootstrap-servers}). Partitions and replication apply
 * only when ingest creates the topics on a cluster that lacks them (the dispatcher declares the same settings);
 * an existing topic is left as it is.
 *
 * @param topic             the notifications topic (default {@code herald.notifications}); its dead letters go to
 *                          {@code <topic>.DLT}
 * @param partitions        partitions of the topics when created (default 6); an existing topic grows only with
 *                          {@code heraldctl topic grow} (docs/operations.md), which keeps every channel's order
 * @param replicationFactor replicas per partition (default 0: {@code min(3, brokers in the cluster)})
 * @param minInsyncReplicas the topics' {@code min.insync.replicas} (default 0: 2 with 3 replicas or more, else 1).
 *                          The producer writes with {@code acks=all}, so a 202 means the notification is on at least
 *                          this many brokers
 * @param layoutRefresh     how often ingest reads the topic's layout ({@code <topic>.layout}, written by
 *                          {@code heraldctl topic grow}) again (default 5 s): the positions it answers with in the
 *                          partitions a growth created carry their base. A partition the last read did not know is
 *                          read at once anyway, so this only bounds how stale the view may be
 */
@ConfigurationProperties("herald.kafka")
public record HeraldKafkaProperties(
        @DefaultValue(Topics.DEFAULT_NOTIFICATIONS) String topic,
        @DefaultValue("6") int partitions,
        @DefaultValue("0") int replicationFactor,
        @DefaultValue("0") int minInsyncReplicas,
        @DefaultValue("5s") Duration layoutRefresh) {

    public TopicReplication replication() {
        return new TopicReplication(replicationFactor, minInsyncReplicas);
    }
}
