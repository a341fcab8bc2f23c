package io.herald.engine;

import io.herald.core.kafka.PartitionReader;
import io.herald.core.kafka.TopicLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads windows of a topic by assignment (no consumer group, nothing committed): resolves an operator's
 * since/until into offsets per partition, then hands every record of a range to a handler, in order.
 */
public final class PartitionScan {

    /** Receives the records of a range in offset order. */
    @FunctionalInterface
    public interface RecordHandler {
        void accept(ConsumerRecord<byte[], byte[]> record) throws InterruptedException;
    }

    private final KafkaAccess kafka;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Duration stallTimeout;

    /**
     * @param kafka        offsets are resolved with its admin client
     * @param consumer     records are read with it, by assignment
     * @param stallTimeout how long a read may make no progress before it fails (Kafka unreachable)
     */
    public PartitionScan(KafkaAccess kafka, KafkaConsumer<byte[], byte[]> consumer, String topic, Duration stallTimeout) {
        this.kafka = kafka;
        this.consumer = consumer;
        this.topic = topic;
        this.stallTimeout = stallTimeout;
    }

    /**
     * The offsets {@code [since, until)} of each partition, within what the partition holds now. A time resolves
     * to the first record whose timestamp is at or after it; no {@code until} means the partition's current end.
     */
    public List<OffsetRange> resolve(Collection<Integer> partitions, Bound since, Bound until) {
        Map<Integer, Long> begin = kafka.beginningOffsets(topic, partitions);
        Map<Integer, Long> end = kafka.endOffsets(topic, partitions);
        Map<Integer, Long> from = offsets(partitions, since, end);
        Map<Integer, Long> to = until == null ? end : offsets(partitions, until, end);
        List<OffsetRange> ranges = new ArrayList<>();
        for (int p : partitions) {
            long first = Math.min(Math.max(from.get(p), begin.get(p)), end.get(p));
            long last = Math.min(to.get(p), end.get(p));
            String note = from.get(p) < begin.get(p) ? "kafka no longer holds offsets below " + begin.get(p) : null;
            ranges.add(new OffsetRange(p, first, last, note));
        }
        return ranges;
    }

    /**
     * The offsets of one channel's history within {@code [since, until)}: one range per partition it lived in
     * ({@link TopicLayout#segments}), oldest first, each but the last ending at the cut where a growth of the topic
     * moved the channel on. An offset bound is a position of the channel: in a partition a growth created, its
     * offset counts from the partition's base ({@link TopicLayout#base}), as clients see it.
     */
    public List<OffsetRange> resolveHistory(List<TopicLayout.Segment> segments, Bound since, Bound until) {
        List<OffsetRange> ranges = new ArrayList<>();
        for (TopicLayout.Segment segment : segments) {
            OffsetRange range = resolve(List.of(segment.partition()), within(since, segment),
                    until == null ? null : within(until, segment)).get(0);
            ranges.add(segment.isOpen() ? range : range.capAt(segment.until(),
                    "the channel's records in this partition end at offset " + segment.until() + ", where the topic grew"));
        }
        return ranges;
    }

    /** An offset bound in the segment's partition: 0 for a position before the segment, past its end for one after. */
    private static Bound within(Bound bound, TopicLayout.Segment segment) {
        return bound instanceof Bound.Offset position
                ? new Bound.Offset(Math.max(0, position.offset() - segment.base()))
                : bound;
    }

    private Map<Integer, Long> offsets(Collection<Integer> partitions, Bound bound, Map<Integer, Long> end) {
        Map<Integer, Long> offsets = new HashMap<>();
        if (bound instanceof Bound.Offset offset) {
            partitions.forEach(p -> offsets.put(p, offset.offset()));
            return offsets;
        }
        Map<Integer, Long> found = kafka.offsetsForTime(topic, partitions, Math.max(0, ((Bound.At) bound).time().toEpochMilli()));
        for (int p : partitions) {
            long at = found.getOrDefault(p, -1L);
            // no record at or after that time: the window starts (or ends) at the partition's end
            offsets.put(p, at < 0 ? end.get(p) : at);
        }
        return offsets;
    }

    /**
     * Hands every record of the range to the handler, in order, and reports progress in offsets (transaction
     * markers and compacted offsets count too, so the total matches {@link OffsetRange#size()}).
     *
     * @return records handed over
     */
    public long read(OffsetRange range, Progress progress, RecordHandler handler) throws InterruptedException {
        if (range.size() == 0) {
            return 0;
        }
        TopicPartition tp = new TopicPartition(topic, range.partition());
        Tracker tracker = new Tracker(tp, range.from(), progress);
        try {
            long reached = PartitionReader.read(consumer, tp, range.from(), range.to(), record -> {
                handler.accept(record);
                tracker.handed++;
            }, tracker::proceed);
            tracker.advanceTo(reached);
            return tracker.handed;
        } catch (KafkaException e) {
            throw new EngineException("kafka: could not read " + tp, e);
        }
    }

    /** Reports progress and fails a read that makes none for {@code stallTimeout} (Kafka unreachable). */
    private final class Tracker {

        private final TopicPartition tp;
        private final Progress progress;
        private long position;
        private long lastProgressNanos = System.nanoTime();
        private long handed;

        Tracker(TopicPartition tp, long from, Progress progress) {
            this.tp = tp;
            this.position = from;
            this.progress = progress;
        }

        boolean proceed(long reached) throws InterruptedException {
            if (reached > position) {
                advanceTo(reached);
                lastProgressNanos = System.nanoTime();
            } else if (System.nanoTime() - lastProgressNanos > stallTimeout.toNanos()) {
                throw new EngineException("kafka: no records from " + tp + " at offset " + position + " for "
                        + stallTimeout.toMillis() + " ms");
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("scan of " + tp + " interrupted at offset " + position);
            }
            return true;
        }

        void advanceTo(long reached) {
            if (reached > position) {
                progress.advance(reached - position);
                position = reached;
            }
        }
    }
}
