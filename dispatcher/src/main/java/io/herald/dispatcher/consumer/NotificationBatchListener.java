package io.herald.dispatcher.consumer;

import io.herald.core.redis.ApplyResult;
import io.herald.dispatcher.apply.ApplyCommand;
import io.herald.dispatcher.apply.BatchApplier;
import io.herald.dispatcher.apply.BatchOutcome;
import io.herald.dispatcher.apply.CommandDecoder;
import io.herald.dispatcher.apply.CommandDecoder.Accepted;
import io.herald.dispatcher.apply.CommandDecoder.Decoded;
import io.herald.dispatcher.apply.CommandDecoder.Rejected;
import io.herald.dispatcher.deadletter.DeadLetter;
import io.herald.dispatcher.deadletter.DeadLetterPublisher;
import io.herald.dispatcher.metrics.DispatcherMetrics;
import io.herald.dispatcher.metrics.DispatcherMetrics.BatchCounts;
import io.herald.dispatcher.redis.RedisAvailability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchMessageListener;

/**
 * Applies each polled batch: decode every record, apply the valid ones to Redis in one pipeline, dead-letter
 * the rest, and return only when all of that is acknowledged, so that the container commits the batch's
 * offsets (AckMode.BATCH) exactly when Redis and the dead-letter topic hold every record. Any failure throws:
 * nothing is committed, and the error handler retries the same batch with backoff.
 */
public final class NotificationBatchListener implements BatchMessageListener<byte[], byte[]> {

    private static final Logger log = LoggerFactory.getLogger(NotificationBatchListener.class);

    private final CommandDecoder decoder;
    private final BatchApplier applier;
    private final DeadLetterPublisher deadLetters;
    private final RedisAvailability redis;
    private final DispatcherMetrics metrics;

    /**
     * Records Redis skipped for good (see {@link io.herald.dispatcher.apply.ApplyGaps}). The evidence exists
     * only in the attempt that saw it, so it is kept across retries of the batch until the records are
     * dead-lettered; a retry would otherwise see them as mere duplicates.
     */
    private final Set<RecordId> skipped = ConcurrentHashMap.newKeySet();

    public NotificationBatchListener(CommandDecoder decoder, BatchApplier applier, DeadLetterPublisher deadLetters,
            RedisAvailability redis, DispatcherMetrics metrics) {
        this.decoder = decoder;
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
    public void onMessage(List<ConsumerRecord<byte[], byte[]>> records) {
        long start = System.nanoTime();
        List<ConsumerRecord<byte[], byte[]>> sources = new ArrayList<>(records.size());
        List<ApplyCommand> commands = new ArrayList<>(records.size());
        List<DeadLetter> letters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Decoded decoded = decoder.decode(record);
            if (decoded instanceof Accepted accepted) {
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
        if (!skipped.isEmpty()) {
            records.forEach(record -> skipped.remove(RecordId.of(record)));
        }
        BatchCounts counts = sorted.counts();
        metrics.batch(new BatchCounts(counts.applied(), counts.duplicates(), rejected + counts.deadLettered(),
                counts.partitionMismatches()), Duration.ofNanos(System.nanoTime() - start));
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
        return new Sorted(new BatchCounts(applied, duplicates, gaps, mismatches), letters);
    }

    private static DeadLetter mismatch(ConsumerRecord<byte[], byte[]> record, ApplyCommand command, ApplyResult result) {
        log.error("partition mismatch: channel belongs to another partition in redis, dead-lettering "
                        + "(was the topic's partition count changed?) channel={} partition={} offset={} metaPartition={} last={}",
                command.channel(), record.partition(), record.offset(), result.metaPartition(), result.previous());
        return new DeadLetter(record, DeadLetter.PARTITION_MISMATCH, null,
                "channel '" + command.channel() + "' is applied from partition " + result.metaPartition()
                        + " in redis, this record is on partition " + record.partition()
                        + "; the topic's partition count must not change once streams exist");
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
