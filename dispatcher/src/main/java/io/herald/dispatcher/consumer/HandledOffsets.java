package io.herald.dispatcher.consumer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Per partition, the offset after the last record of a batch the listener returned for: the offset the container
 * commits for it. Shared by the listener threads (each partition has one at a time) and read by
 * {@link IdlePositionCommit} on the same threads.
 */
final class HandledOffsets {

    private final Map<TopicPartition, Long> next = new ConcurrentHashMap<>();

    /** The listener returned for the whole batch. */
    void handled(List<? extends ConsumerRecord<?, ?>> records) {
        for (ConsumerRecord<?, ?> record : records) {
            next.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
        }
    }

    /**
     * Whether a consumer's position is past what was handled on the partition (so only offsets that are never
     * delivered lie in between); if so, the position counts as handled from now on.
     */
    boolean passedBy(TopicPartition partition, long position) {
        Long handled = next.get(partition);
        if (handled == null || position <= handled) {
            return false;
        }
        next.put(partition, position);
        return true;
    }
}
