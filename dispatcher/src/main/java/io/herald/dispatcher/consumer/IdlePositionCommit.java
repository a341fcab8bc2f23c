package io.herald.dispatcher.consumer;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.springframework.context.ApplicationListener;
import org.springframework.kafka.event.ListenerContainerIdleEvent;

/**
 * Commits an idle consumer's position where it is past the group's commit: the offsets in between hold no record,
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

    @Override
    public void onApplicationEvent(ListenerContainerIdleEvent event) {
        Consumer<?, ?> consumer = event.getConsumer();
        if (consumer == null || event.isPaused() || event.getTopicPartitions() == null
                || event.getTopicPartitions().isEmpty()) {
            return;
        }
        Set<TopicPartition> partitions = Set.copyOf(event.getTopicPartitions());
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
        Map<TopicPartition, OffsetAndMetadata> behind = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata last = committed.get(partition);
            long position = consumer.position(partition);
            if (last != null && position > last.offset()) {
                behind.put(partition, new OffsetAndMetadata(position));
            }
        }
        if (!behind.isEmpty()) {
            consumer.commitSync(behind);
        }
    }
}
