package io.herald.ops.topic;

import io.herald.core.kafka.LayoutTopic;
import io.herald.core.kafka.TopicLayout;
import io.herald.core.kafka.Topics;
import io.herald.engine.EngineException;
import io.herald.engine.KafkaAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.common.KafkaException;
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

    /** Creates {@code <topic>.layout} unless it exists ({@link LayoutTopic#create}); returns whether it was created now. */
    boolean createLayoutTopic() {
        try {
            return LayoutTopic.create(kafka.admin(), kafka.topic(), kafka.timeout());
        } catch (KafkaException e) {
            throw new EngineException("kafka: could not create " + LayoutTopic.of(kafka.topic()), e);
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
