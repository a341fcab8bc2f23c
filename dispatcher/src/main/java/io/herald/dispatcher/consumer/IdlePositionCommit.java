package io.herald.dispatcher.consumer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.kafka.event.ListenerContainerIdleEvent;

/**
 * Commits an idle consumer's position where it is past the last batch handled: the offsets in between hold no record,
 * only the commit marker of a {@link io.herald.dispatcher.move.RecordMover} transaction, which takes an offset but is
 * never delivered. Without this the group's lag would stay at 1 after a move until the partition's next record.
 *
 * <p>Safe only because it runs when the consumer is idle: the container publishes the event on the consumer's own
 * thread between polls, so every record below the position was handed to the listener and the listener returned for
 * it (a failing batch is retried inside the error handler, and seeks back when it gives up, so no idle event is
 * published while one is pending). spring-kafka's own correction ({@code ContainerProperties.fixTxOffsets}) is off for
 * that reason: it also commits the position when partitions are revoked or the consumer closes, and then a batch
 * still failing (Redis down, its retries running) counts as consumed.
 */
final class IdlePositionCommit implements ApplicationListener<ListenerContainerIdleEvent> {

    private static final Logger log = LoggerFactory.getLogger(IdlePositionCommit.class);

    /** Bounds each broker call, so that an idle consumer thread is not held while a broker is away. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HandledOffsets handled;

    IdlePositionCommit(HandledOffsets handled) {
        this.handled = handled;
    }

    @Override
    public void onApplicationEvent(ListenerContainerIdleEvent event) {
        Consumer<?, ?> consumer = event.getConsumer();
        if (consumer == null || event.isPaused() || event.getTopicPartitions() == null
                || event.getTopicPartitions().isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> behind = new HashMap<>();
        try {
            for (TopicPartition partition : event.getTopicPartitions()) {
                long position = consumer.position(partition, TIMEOUT);
                if (handled.passedBy(partition, position)) {
                    behind.put(partition, new OffsetAndMetadata(position));
                }
            }
            if (!behind.isEmpty()) {
                consumer.commitSync(behind, TIMEOUT);
            }
        } catch (KafkaException e) {
            // a broker away or a rebalance under way: the partition's next record moves the commit on anyway
            log.debug("idle position commit skipped partitions={}", behind.keySet(), e);
        }
    }
}
