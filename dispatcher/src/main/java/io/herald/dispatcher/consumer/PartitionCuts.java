package io.herald.dispatcher.consumer;

import io.herald.core.kafka.LayoutTopic;
import io.herald.core.kafka.LayoutWatch;
import io.herald.core.kafka.TopicLayout;
import io.herald.dispatcher.move.RecordMover;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.kafka.event.ListenerContainerIdleEvent;

/**
 * Cuts this consumer's partitions when a growth of the topic's grace period is over ({@link TopicLayout#due}): each
 * at the offset up to which it was applied in place, written to the layout topic in the transaction that commits
 * that offset ({@link RecordMover#cut}). Runs on the consumer's thread, before a batch is applied (then the batch's
 * records of the partition are at or past the cut) or when the consumer is idle.
 */
final class PartitionCuts implements ApplicationListener<ListenerContainerIdleEvent> {

    private static final Logger log = LoggerFactory.getLogger(PartitionCuts.class);

    private final LayoutWatch layouts;
    private final RecordMover mover;
    private final Clock clock;

    PartitionCuts(LayoutWatch layouts, RecordMover mover, Clock clock) {
        this.layouts = layouts;
        this.mover = mover;
        this.clock = clock;
    }

    /**
     * Cuts what is due among the consumer's partitions; returns the layout with those cuts.
     *
     * @param batch the records about to be applied (empty when idle): a partition's first one is its cut
     */
    TopicLayout cutDue(Consumer<?, ?> consumer, List<ConsumerRecord<byte[], byte[]>> batch) {
        TopicLayout layout = layouts.current();
        if (dueHere(layout, consumer).isEmpty()) {
            return layout;
        }
        // read again first: the partition may have been cut by the consumer that held it before this one (its cut
        // stands then, and this one would only add a second, later, record)
        layout = layouts.refresh();
        List<Integer> due = dueHere(layout, consumer);
        if (due.isEmpty()) {
            return layout;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (int partition : due) {
            TopicPartition tp = new TopicPartition(layout.topic(), partition);
            offsets.put(tp, new OffsetAndMetadata(firstOf(batch, tp, consumer)));
        }
        int generation = layout.newest().number();
        List<ProducerRecord<byte[], byte[]>> cuts = new ArrayList<>();
        TopicLayout cut = layout;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : offsets.entrySet()) {
            int partition = entry.getKey().partition();
            cuts.add(LayoutTopic.cutRecord(layout.topic(), generation, partition, entry.getValue().offset()));
            cut = cut.cut(partition, entry.getValue().offset());
        }
        mover.cut(cuts, offsets, consumer.groupMetadata());
        log.info("partitions cut for the topic's growth: records of moved channels from here on go to their new "
                + "partitions generation={} cuts={}", generation, offsets.entrySet().stream()
                .map(e -> e.getKey().partition() + "@" + e.getValue().offset()).sorted().toList());
        return layouts.learned(cut);
    }

    /** An idle consumer's partitions are cut too: a growth must not wait for their next record. */
    @Override
    public void onApplicationEvent(ListenerContainerIdleEvent event) {
        Consumer<?, ?> consumer = event.getConsumer();
        if (consumer == null) {
            return;
        }
        try {
            cutDue(consumer, List.of());
        } catch (RuntimeException e) {
            log.warn("idle partitions not cut, trying again at the next batch or idle event error=\"{}\"", e.toString());
        }
    }

    private List<Integer> dueHere(TopicLayout layout, Consumer<?, ?> consumer) {
        List<Integer> due = layout.due(clock.millis());
        return due.isEmpty() ? due : consumer.assignment().stream()
                .filter(p -> p.topic().equals(layout.topic()) && due.contains(p.partition()))
                .map(TopicPartition::partition).toList();
    }

    /** The partition's first record in the batch, else where the consumer will read it next (all before handled). */
    private static long firstOf(List<ConsumerRecord<byte[], byte[]>> batch, TopicPartition partition,
            Consumer<?, ?> consumer) {
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            if (record.partition() == partition.partition() && record.topic().equals(partition.topic())) {
                return record.offset();
            }
        }
        return consumer.position(partition);
    }
}
