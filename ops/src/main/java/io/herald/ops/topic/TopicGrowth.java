package io.herald.ops.topic;

import io.herald.core.kafka.LayoutTopic;
import io.herald.core.kafka.TopicLayout;
import io.herald.core.kafka.Topics;
import io.herald.engine.EngineException;
import io.herald.engine.KafkaAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The Kafka side of {@code heraldctl topic grow} and {@code layout}: the layout topic ({@link LayoutTopic}) and the
 * partitions of the notifications topic and its dead letters. (The cuts are the dispatchers' to write.)
 */
final class TopicGrowth {

    private final KafkaAccess kafka;
    private final Map<String, Object> clientConfig;

    /** @param clientConfig the settings of {@code kafka}'s clients, for the layout topic's own reader and writer */
    TopicGrowth(KafkaAccess kafka, Map<String, Object> clientConfig) {
        this.kafka = kafka;
        this.clientConfig = Map.copyOf(clientConfig);
    }

    /** The layout as Kafka holds it: the topic's partition count alone when it never grew. */
    TopicLayout layout() {
        try {
            return LayoutTopic.read(clientConfig, kafka.topic(), kafka.timeout());
        } catch (KafkaException e) {
            throw new EngineException("kafka: could not read the layout of " + kafka.topic(), e);
        }
    }

    /** The notifications topic's partition count now. */
    int partitions() {
        return kafka.partitionCount(kafka.topic());
    }

    /**
     * Creates {@code <topic>.layout} unless it exists: one partition, compacted (a growth's record is kept at its
     * latest, every cut record is kept), as durable as the notifications topic (its replica count and
     * {@code min.insync.replicas}): every service depends on it as much as on the notifications.
     *
     * @return whether it was created now
     */
    boolean createLayoutTopic() {
        Admin admin = kafka.admin();
        String name = LayoutTopic.of(kafka.topic());
        if (kafka.get(admin.listTopics().names(), "list topics").contains(name)) {
            return false;
        }
        TopicDescription topic = kafka.get(admin.describeTopics(List.of(kafka.topic())).topicNameValues()
                .get(kafka.topic()), "describe topic " + kafka.topic());
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, kafka.topic());
        String minInsyncReplicas = kafka.get(admin.describeConfigs(List.of(resource)).values().get(resource),
                "read the configuration of " + kafka.topic()).get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value();
        NewTopic layout = new NewTopic(name, Optional.of(1),
                Optional.of((short) topic.partitions().get(0).replicas().size()))
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInsyncReplicas));
        try {
            kafka.get(admin.createTopics(List.of(layout)).all(), "create topic " + name);
            return true;
        } catch (EngineException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false; // created between the listing and now: another grow running, which wrote it the same way
            }
            throw e;
        }
    }

    /** Writes the layout's newest generation. */
    void write(TopicLayout layout) {
        try {
            LayoutTopic.write(clientConfig, layout, kafka.timeout());
        } catch (KafkaException e) {
            throw new EngineException("kafka: could not write the layout of " + kafka.topic(), e);
        }
    }

    /**
     * Raises the notifications topic and its dead-letter topic to {@code count} partitions, each that has fewer. A
     * dead-letter topic that does not exist yet is left to the services, which create it at start-up.
     *
     * @return what changed, e.g. {@code herald.notifications 3 -> 6}
     */
    List<String> addPartitions(int count) {
        List<String> changed = new ArrayList<>();
        for (String name : List.of(kafka.topic(), Topics.deadLetters(kafka.topic()))) {
            int before;
            try {
                before = kafka.partitionCount(name);
            } catch (EngineException e) {
                if (name.equals(kafka.topic()) || !(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                continue;
            }
            if (before < count) {
                kafka.get(kafka.admin().createPartitions(Map.of(name, NewPartitions.increaseTo(count))).all(),
                        "add partitions to " + name);
                changed.add(name + " " + before + " -> " + count);
            }
        }
        return changed;
    }
}
