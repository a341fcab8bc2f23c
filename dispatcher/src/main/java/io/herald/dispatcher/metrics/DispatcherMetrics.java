package io.herald.dispatcher.metrics;

import io.herald.core.metrics.LatencyBuckets;
import io.herald.dispatcher.redis.RedisAvailability;
import io.herald.dispatcher.dataset.DatasetVerification;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The dispatcher's own meters (Prometheus names in brackets):
 * <ul>
 * <li>{@value #RECORDS}{@code {outcome}} [{@code herald_dispatcher_records_total}]: records of committed batches,
 *     exactly one outcome each: {@code applied} (written to the channel's log and published),
 *     {@code duplicate} (already applied: a redelivery after a restart or rebalance, nothing written),
 *     {@code dead_lettered} (invalid, or skipped by Redis, and sent to the DLT) and {@code partition_mismatch}
 *     (the channel's meta names another partition; also sent to the DLT, counted only here) and {@code moved}
 *     (on another partition than its channel's home partition, produced there to be applied when consumed there;
 *     counted again by the outcome of that). A non-zero partition_mismatch rate means the topic's partition count
 *     was changed, or a channel's history was written from another partition: alert on it. A non-zero moved rate
 *     means a producer does not use Kafka's default partitioner (docs/producers.md).</li>
 * <li>{@value #BATCH_SIZE} [{@code herald_dispatcher_batch_size_records}]: records per committed batch.</li>
 * <li>{@value #BATCH_APPLY} [{@code herald_dispatcher_batch_apply_seconds}]: time to decode, apply and
 *     dead-letter a batch, for the attempt that succeeded (time spent waiting out a Redis outage is not in it).</li>
 * <li>{@value #APPLY_LATENCY} [{@code herald_dispatcher_apply_latency_seconds}]: per record applied (not
 *     duplicates), from the Kafka record's timestamp (the producer's create time, unless the topic uses log-append
 *     time) to Redis acknowledging the apply: the producer, broker and dispatcher share of the end-to-end latency
 *     the edge measures as {@code herald.edge.delivery.latency}, with the same buckets ({@link LatencyBuckets}) for
 *     {@code histogram_quantile} and a stage-by-stage comparison. Recorded when the batch's apply
 *     succeeded, so a record held back by a Redis outage counts the whole wait.</li>
 * <li>{@value #REDIS_AVAILABLE} [{@code herald_dispatcher_redis_available}]: 1 while batches reach Redis,
 *     0 from the first failed attempt (or a failed script load at startup) until a batch succeeds; with no
 *     traffic it keeps its last value, the {@code redis} health component probes Redis itself.</li>
 * </ul>
 * Counted once per committed batch, so a batch retried during an outage is not counted twice.
 */
public final class DispatcherMetrics {

    public static final String RECORDS = "herald.dispatcher.records";
    public static final String BATCH_SIZE = "herald.dispatcher.batch.size";
    public static final String BATCH_APPLY = "herald.dispatcher.batch.apply";
    public static final String REDIS_AVAILABLE = "herald.dispatcher.redis.available";
    public static final String APPLY_LATENCY = "herald.dispatcher.apply.latency";
    public static final String DATASET_CHANGES = "herald.dispatcher.redis.dataset.changes";
    public static final String DATASET_REAPPLIED = "herald.dispatcher.redis.dataset.reapplied";

    private final Counter applied;
    private final Counter duplicate;
    private final Counter deadLettered;
    private final Counter partitionMismatch;
    private final Counter moved;
    private final DistributionSummary batchSize;
    private final Timer batchApply;
    private final Timer applyLatency;
    private final MeterRegistry registry;
    private final Counter reapplied;

    public DispatcherMetrics(MeterRegistry registry, RedisAvailability redis) {
        this.registry = registry;
        datasetChanges(DatasetVerification.Kind.REPLACED);
        datasetChanges(DatasetVerification.Kind.EMPTIED);
        this.reapplied = Counter.builder(DATASET_REAPPLIED)
                .description("Records a replaced Redis dataset lacked, applied again from Kafka before anything newer")
                .baseUnit("records")
                .register(registry);
        this.applied = records(registry, "applied");
        this.duplicate = records(registry, "duplicate");
        this.deadLettered = records(registry, "dead_lettered");
        this.partitionMismatch = records(registry, "partition_mismatch");
        this.moved = records(registry, "moved");
        this.batchSize = DistributionSummary.builder(BATCH_SIZE)
                .description("Records per committed batch")
                .baseUnit("records")
                .register(registry);
        this.batchApply = Timer.builder(BATCH_APPLY)
                .description("Time to apply a batch to Redis, for the attempt that succeeded")
                .register(registry);
        this.applyLatency = Timer.builder(APPLY_LATENCY)
                .description("Applied records, from the Kafka record timestamp to Redis acknowledging the apply")
                .serviceLevelObjectives(LatencyBuckets.slos())
                .register(registry);
        Gauge.builder(REDIS_AVAILABLE, redis, r -> r.isAvailable() ? 1 : 0)
                .description("1 while batches reach Redis, 0 during an outage")
                .register(registry);
    }

    private static Counter records(MeterRegistry registry, String outcome) {
        return Counter.builder(RECORDS)
                .description("Records of committed batches, by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    /** Counts a committed batch. */
    public void batch(BatchCounts counts, Duration elapsed) {
        applied.increment(counts.applied());
        duplicate.increment(counts.duplicates());
        deadLettered.increment(counts.deadLettered());
        partitionMismatch.increment(counts.partitionMismatches());
        moved.increment(counts.moved());
        batchSize.record(counts.total());
        batchApply.record(elapsed);
    }

    /**
     * One record applied to Redis.
     *
     * @param recordTimestamp the Kafka record's timestamp in epoch millis; negative (no timestamp) is skipped
     * @param appliedAt       epoch millis when Redis acknowledged the apply
     */
    public void applied(long recordTimestamp, long appliedAt) {
        if (recordTimestamp >= 0) {
            // a producer clock ahead of ours would give a negative latency, which a Timer drops silently
            applyLatency.record(Math.max(0, appliedAt - recordTimestamp), TimeUnit.MILLISECONDS);
        }
    }

    private Counter datasetChanges(DatasetVerification.Kind kind) {
        return Counter.builder(DATASET_CHANGES)
                .description("Redis datasets found replaced (failover, restart with data) or emptied (data lost)")
                .tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                .register(registry);
    }

    /** A dataset was verified before the dispatcher wrote to it. */
    public void datasetVerified(DatasetVerification verification) {
        if (verification.isChange()) {
            datasetChanges(verification.kind()).increment();
        }
        reapplied.increment(verification.recordsMissing());
    }

    /** How the records of one batch ended. */
    public record BatchCounts(int applied, int duplicates, int deadLettered, int partitionMismatches, int moved) {
        public int total() {
            return applied + duplicates + deadLettered + partitionMismatches + moved;
        }
    }
}
