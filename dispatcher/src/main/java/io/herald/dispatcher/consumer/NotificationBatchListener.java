package io.herald.dispatcher.consumer;

import io.herald.core.kafka.LayoutWatch;
import io.herald.core.kafka.TopicLayout;
import io.herald.redis.ApplyResult;
import io.herald.engine.apply.ApplyCommand;
import io.herald.dispatcher.apply.Applier;
import io.herald.dispatcher.apply.BatchOutcome;
import io.herald.engine.apply.CommandDecoder;
import io.herald.engine.apply.CommandDecoder.Accepted;
import io.herald.engine.apply.CommandDecoder.Decoded;
import io.herald.engine.apply.CommandDecoder.Rejected;
import io.herald.engine.deadletter.DeadLetter;
import io.herald.dispatcher.metrics.DispatcherMetrics;
import io.herald.dispatcher.metrics.DispatcherMetrics.BatchCounts;
import io.herald.dispatcher.move.RecordMover;
import io.herald.dispatcher.move.RecordMover.Move;
import io.herald.dispatcher.redis.RedisAvailability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchConsumerAwareMessageListener;

/**
 * Applies each polled batch: decode every record, apply the valid ones to Redis in one pipeline, dead-letter
 * the rest, and return only when all of that is acknowledged, so that the container commits the batch's
 * offsets (AckMode.BATCH) exactly when Redis and the dead-letter topic hold every record. Any failure throws:
 * nothing is committed, and the error handler retries the same batch with backoff.
 *
 * <p>Partitions a growth of the topic created reach the listener only once the {@link PartitionGate} released them.
 * A valid record on another partition than its channel's home partition ({@link TopicLayout#homeAt}: a producer
 * with another partitioner, or one that wrote to the channel's old partition after a growth's cut) is not applied
 * but moved there
 * ({@link RecordMover}), and applied when it is consumed on the home partition. Such a batch's offsets are
 * committed by the move's transaction, after everything else of the batch was applied and dead-lettered: the
 * moved copies exist exactly when the batch counts as consumed. (The container's own commit that follows names
 * the same offsets.)
 */
public final class NotificationBatchListener implements BatchConsumerAwareMessageListener<byte[], byte[]> {

    private static final Logger log = LoggerFactory.getLogger(NotificationBatchListener.class);

    private final CommandDecoder decoder;
    private final Applier applier;
    private final DeadLetterPublisher deadLetters;
    private final RedisAvailability redis;
    private final DispatcherMetrics metrics;
    private final RecordMover mover;
    private final HandledOffsets handled;
    private final LayoutWatch layouts;
    private final PartitionGate gate;
    private final PartitionCuts cuts;

    /**
     * Records Redis skipped for good (see {@link io.herald.dispatcher.apply.ApplyGaps}). The evidence exists
     * only in the attempt that saw it, so it is kept across retries of the batch until the records are
     * dead-lettered; a retry would otherwise see them as mere duplicates.
     */
    private final Set<RecordId> skipped = ConcurrentHashMap.newKeySet();

    /**
     * @param applier the Redis side: {@link GuardedApplier} on one primary, a
     *                {@link io.herald.dispatcher.apply.ClusterBatchApplier} on a Redis Cluster
     */
    NotificationBatchListener(CommandDecoder decoder, Applier applier, DeadLetterPublisher deadLetters,
            RedisAvailability redis, DispatcherMetrics metrics, RecordMover mover, HandledOffsets handled,
            LayoutWatch layouts, PartitionGate gate, PartitionCuts cuts) {
        this.decoder = decoder;
        this.cuts = cuts;
        this.layouts = layouts;
        this.gate = gate;
        this.handled = handled;
        this.mover = mover;
        this.applier = applier;
        this.deadLetters = deadLetters;
        this.redis = redis;
        this.metrics = metrics;
    }

    private record RecordId(String topic, int partition, long offset) {
        static RecordId of(ConsumerRecord<?, ?> record) {
            return new RecordId(record.topic(), record.partition(), record.offset());
        }
    }

    @Override
    public void onMessage(List<ConsumerRecord<byte[], byte[]>> records, Consumer<?, ?> consumer) {
        long start = System.nanoTime();
        gate.resumeReleased(consumer);
        TopicLayout layout = layout(records, cuts.cutDue(consumer, records));
        List<ConsumerRecord<byte[], byte[]>> sources = new ArrayList<>(records.size());
        List<ApplyCommand> commands = new ArrayList<>(records.size());
        List<DeadLetter> letters = new ArrayList<>();
        List<Move> moves = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Decoded decoded = decoder.decode(record, layout);
            if (decoded instanceof Accepted accepted) {
                // misplaced by another partitioner, or written to a channel's old partition after a growth's cut
                if (layout.homeAt(accepted.command().channel(), record.partition(), record.offset()) != record.partition()) {
                    moves.add(new Move(record, accepted.command().envelopeJson(), layout.home(accepted.command().channel())));
                    continue;
                }
                sources.add(record);
                commands.add(accepted.command());
            } else if (decoded instanceof Rejected rejected) {
                letters.add(DeadLetter.invalid(record, rejected.error()));
            }
        }

        BatchOutcome outcome = applier.apply(commands);
        outcome.skipped().stream().forEach(i -> skipped.add(RecordId.of(sources.get(i))));
        if (!outcome.succeeded()) {
            redis.unavailable(outcome.failure(), "partitions=" + partitions(records) + " records=" + records.size());
            throw new RedisApplyException("redis did not apply the whole batch; it will be retried", outcome.failure());
        }
        if (!commands.isEmpty()) {
            redis.available();
            recordApplyLatency(sources, outcome.results());
        }

        int rejected = letters.size();
        Sorted sorted = sort(sources, commands, outcome.results(),
                record -> !skipped.isEmpty() && skipped.contains(RecordId.of(record)));
        letters.addAll(sorted.letters());
        deadLetters.publish(letters);
        if (!moves.isEmpty()) {
            mover.move(moves, nextOffsets(records), consumer.groupMetadata());
        }
        if (!skipped.isEmpty()) {
            records.forEach(record -> skipped.remove(RecordId.of(record)));
        }
        handled.handled(records);
        BatchCounts counts = sorted.counts();
        metrics.batch(new BatchCounts(counts.applied(), counts.duplicates(), rejected + counts.deadLettered(),
                counts.partitionMismatches(), moves.size()), Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * The layout that knows every partition of the batch. Each must be released by the gate: a record of a held
     * partition here would be a bug, and is refused rather than applied out of order.
     */
    private TopicLayout layout(List<ConsumerRecord<byte[], byte[]>> records, TopicLayout current) {
        int highest = -1;
        for (int partition : partitions(records)) { // one topic: the container's
            if (!gate.isReady(new TopicPartition(records.get(0).topic(), partition))) {
                throw new IllegalStateException("records of a partition held back by the topic's growth: partition="
                        + partition);
            }
            highest = Math.max(highest, partition);
        }
        return highest < current.partitions() ? current : layouts.knowing(highest);
    }

    /** The offset after the batch's last record, per partition: what the container would commit. */
    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            offsets.merge(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    /** Kafka timestamp to Redis acknowledgement, per record this attempt (or an earlier one) applied. */
    private void recordApplyLatency(List<ConsumerRecord<byte[], byte[]>> sources, List<ApplyResult> results) {
        long now = System.currentTimeMillis();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).outcome() == ApplyResult.Outcome.APPLIED) {
                metrics.applied(sources.get(i).timestamp(), now);
            }
        }
    }

    /** The Redis results of a batch's valid records, sorted into counts and dead letters. */
    record Sorted(BatchCounts counts, List<DeadLetter> letters) {
    }

    /**
     * A duplicate is a dead letter when Redis skipped the record (it is absent from the log for good), and a
     * partition mismatch always is; {@code counts.deadLettered()} counts the skipped ones.
     */
    static Sorted sort(List<ConsumerRecord<byte[], byte[]>> sources, List<ApplyCommand> commands,
            List<ApplyResult> results, Predicate<ConsumerRecord<byte[], byte[]>> skipped) {
        int applied = 0;
        int duplicates = 0;
        int gaps = 0;
        int mismatches = 0;
        List<DeadLetter> letters = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            ApplyResult result = results.get(i);
            ConsumerRecord<byte[], byte[]> record = sources.get(i);
            switch (result.outcome()) {
                case APPLIED -> applied++;
                case DUPLICATE -> {
                    if (skipped.test(record)) {
                        gaps++;
                        letters.add(gap(record, commands.get(i), result));
                    } else {
                        duplicates++;
                    }
                }
                case PARTITION_MISMATCH -> {
                    mismatches++;
                    letters.add(mismatch(record, commands.get(i), result));
                }
            }
        }
        return new Sorted(new BatchCounts(applied, duplicates, gaps, mismatches, 0), letters);
    }

    /**
     * The record is on its channel's home partition (others were moved there), but the channel's meta names
     * another: its history was applied from there, because the topic's partition count changed since, or because
     * records a producer put on a non-home partition were applied there before the dispatcher moved such records.
     */
    private static DeadLetter mismatch(ConsumerRecord<byte[], byte[]> record, ApplyCommand command, ApplyResult result) {
        log.error("partition mismatch: the channel's history in redis was applied from another partition than its "
                        + "home partition, dead-lettering (partition count changed, or history written by a producer "
                        + "with another partitioner; docs/operations.md) channel={} partition={} offset={} "
                        + "metaPartition={} last={}",
                command.channel(), record.partition(), record.offset(), result.metaPartition(), result.previous());
        return new DeadLetter(record, DeadLetter.PARTITION_MISMATCH, null,
                "channel '" + command.channel() + "' has its history in redis from partition " + result.metaPartition()
                        + " (meta 'part', last " + result.previous() + "), but its home partition (Kafka's default "
                        + "partitioner on the key) is partition " + record.partition() + ", where this record is: the topic's "
                        + "partition count changed since that history was written, or it was written from records a "
                        + "producer put on partition " + result.metaPartition() + " by another partitioner; "
                        + "see docs/operations.md, 'partition-mismatch'");
    }

    private static DeadLetter gap(ConsumerRecord<byte[], byte[]> record, ApplyCommand command, ApplyResult result) {
        log.error("record skipped by redis: a later record of its channel was applied while it failed, dead-lettering "
                + "channel={} partition={} offset={} last={}", command.channel(), record.partition(), record.offset(),
                result.previous());
        return new DeadLetter(record, DeadLetter.APPLY_GAP, null,
                "channel '" + command.channel() + "' moved on to " + result.previous()
                        + " while this record failed to apply; redrive it to deliver it as a new notification");
    }

    private static Set<Integer> partitions(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<Integer> partitions = new TreeSet<>();
        records.forEach(record -> partitions.add(record.partition()));
        return partitions;
    }
}
