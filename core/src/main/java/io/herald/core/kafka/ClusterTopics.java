package io.herald.core.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifications topic and its dead-letter topic as a service declares them for creation on a cluster that
 * lacks them (ingest and the dispatcher both do, so either may start first): the same partition count, and the
 * replication of {@link TopicReplication} resolved against the cluster's size.
 */
public final class ClusterTopics {

    private static final Logger log = LoggerFactory.getLogger(ClusterTopics.class);

    private ClusterTopics() {
    }

    /**
     * Both topics. The cluster is asked for its size only when {@code replication} needs it (a setting left at 0);
     * when it does not answer within {@code timeout} the topics are declared with the brokers'
     * {@code default.replication.factor} and {@code min.insync.replicas}, and a WARN says so. (A cluster that does
     * not answer will not get the topics created by this start anyway.)
     *
     * @param adminConfig the admin client's settings (bootstrap servers, security)
     * @throws IllegalStateException when the settings cannot work on this cluster (see {@link TopicReplication#resolve})
     */
    public static List<NewTopic> declare(String topic, int partitions, TopicReplication replication,
            Map<String, Object> adminConfig, Duration timeout) {
        Optional<TopicReplication.Resolved> resolved = resolve(replication, adminConfig, timeout);
        return List.of(newTopic(topic, partitions, resolved), newTopic(Topics.deadLetters(topic), partitions, resolved));
    }

    private static Optional<TopicReplication.Resolved> resolve(TopicReplication replication,
            Map<String, Object> adminConfig, Duration timeout) {
        if (replication.replicationFactor() > 0 && replication.minInsyncReplicas() > 0) {
            return Optional.of(logged(replication.resolve(replication.replicationFactor()), "-"));
        }
        Map<String, Object> config = new HashMap<>(adminConfig);
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "herald-cluster-size");
        Admin admin = Admin.create(config);
        try {
            int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            return Optional.of(logged(replication.resolve(brokers), String.valueOf(brokers)));
        } catch (ExecutionException | TimeoutException e) {
            log.warn("kafka cluster size unknown, topics declared with the brokers' default replication error={}",
                    e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            // the unanswered question would otherwise hold close() until its own API timeout
            admin.close(Duration.ZERO);
        }
    }

    private static TopicReplication.Resolved logged(TopicReplication.Resolved resolved, String brokers) {
        log.info("kafka topics declared brokers={} replicationFactor={} minInsyncReplicas={}", brokers,
                resolved.replicationFactor(), resolved.minInsyncReplicas());
        return resolved;
    }

    private static NewTopic newTopic(String name, int partitions, Optional<TopicReplication.Resolved> replication) {
        NewTopic topic = new NewTopic(name, Optional.of(partitions), replication.map(TopicReplication.Resolved::replicationFactor));
        replication.ifPresent(r -> topic.configs(r.topicConfigs()));
        return topic;
    }
}
