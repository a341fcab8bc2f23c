package io.herald.dispatcher.dataset;

import io.herald.core.position.Position;
import io.herald.engine.apply.ApplyCommand;
import io.herald.redis.RedisKeys;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the dispatcher knows of the Redis dataset it writes to: the identity it last verified (and repaired, see
 * {@link DatasetRepair}), and per partition the highest offset acknowledged on that dataset, to be written back
 * as the dataset's checkpoints.
 *
 * <p>Every batch first asks its connection for the identity (one round trip: {@code INFO server} and the epoch)
 * and applies only if it is the verified one. Connections never reconnect by themselves (see
 * {@code RedisConnections}), so a connection that answered with the verified identity keeps talking to that
 * server until it fails: the records that follow in the same batch cannot land on a replica that took over.
 */
public final class DatasetGuard {

    private final String topic;
    private final AtomicReference<Checkpoints> current =
            new AtomicReference<>(new Checkpoints(new Verified(null, Map.of()), Map.of()));
    /** Highest offset acknowledged per partition by this process, on any dataset: where a repair must reach. */
    private final Map<Integer, Long> highestAcknowledged = new ConcurrentHashMap<>();
    private volatile Change lastChange;

    /** The last time Redis was found replaced or emptied, for health. */
    public record Change(DatasetVerification verification, Instant at) {
    }

    /** The verified dataset and what has been acknowledged on it since. */
    private record Checkpoints(Verified dataset, Map<Integer, Long> offsets) {
        DatasetIdentity identity() {
            return dataset.identity();
        }
    }

    /**
     * A verified dataset.
     *
     * @param identity the identity batches may apply to, or {@code null} before the first verification
     * @param bases    per partition, the offset from which a dataset that lost its data holds every record again
     *                 (absent: from the partition's start)
     */
    public record Verified(DatasetIdentity identity, Map<Integer, Long> bases) {

        public Verified {
            bases = Map.copyOf(bases);
        }

        /**
         * The {@code prev} of a channel this dataset has no trace of, for {@code command}: the position of the record
         * before the partition's base (bases are Kafka offsets; positions add the partition's base of the topic's
         * layout, which the command's own position carries).
         */
        public Position ifNew(ApplyCommand command) {
            long base = bases.getOrDefault(command.partition(), 0L);
            return base > 0 ? Position.ofOffset(command.offset() - command.kafkaOffset() + base - 1) : Position.NONE;
        }
    }

    public DatasetGuard(String topic) {
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    /** The identity that batches may apply to, or {@code null} before the first verification. */
    public DatasetIdentity verified() {
        return current.get().identity();
    }

    /** The verified dataset, identity and bases read together. */
    public Verified dataset() {
        return current.get().dataset();
    }

    /**
     * Marks a dataset as verified: everything of each partition up to {@code checkpoints} is known to be in it.
     * Acknowledgements for any other identity are ignored from now on.
     */
    public void verified(Verified dataset, Map<Integer, Long> checkpoints) {
        current.set(new Checkpoints(dataset, new ConcurrentHashMap<>(checkpoints)));
    }

    /** Remembers a verification that found the dataset replaced or emptied. */
    public void record(DatasetVerification verification, Instant at) {
        if (verification.isChange()) {
            lastChange = new Change(verification, at);
        }
    }

    /** The last change seen by this process, or {@code null}. */
    public Change lastChange() {
        return lastChange;
    }

    /** Queues the two commands that identify the dataset; nothing is flushed. */
    public Probe probe(RedisAsyncCommands<String, String> redis) {
        return new Probe(redis.info("server"), redis.hget(RedisKeys.dataset(), RedisKeys.DATASET_EPOCH));
    }

    /** The replies of {@link #probe}. */
    public record Probe(RedisFuture<String> info, RedisFuture<String> epoch) {

        public DatasetIdentity identity(String info, String epoch) {
            return new DatasetIdentity(DatasetIdentity.runIdOf(info), epoch);
        }
    }

    /**
     * A batch was applied, every record acknowledged, on a connection that showed {@code identity}.
     *
     * @param highest the batch's highest offset per partition
     */
    public void acknowledged(DatasetIdentity identity, Map<Integer, Long> highest) {
        highest.forEach((partition, offset) -> highestAcknowledged.merge(partition, offset, Math::max));
        Checkpoints checkpoints = current.get();
        if (identity.equals(checkpoints.identity())) {
            highest.forEach((partition, offset) -> checkpoints.offsets().merge(partition, offset, Math::max));
        }
    }

    /**
     * The {@code herald:dataset} fields that record what the verified dataset {@code identity} holds, to be
     * written on a connection that showed that identity (empty for any other), taken: each partition's checkpoint
     * is written once per acknowledgement, not again and again. With several dispatchers, one that no longer holds
     * a partition would otherwise keep writing its old offset over the checkpoint of the one that holds it now. A
     * write that fails only leaves the checkpoint lower, which costs a longer repair, never a wrong one.
     */
    public Map<String, String> takeCheckpointFields(DatasetIdentity identity) {
        Checkpoints checkpoints = current.get();
        if (!identity.equals(checkpoints.identity()) || checkpoints.offsets().isEmpty()) {
            return Map.of();
        }
        Map<String, String> fields = new HashMap<>();
        for (Map.Entry<Integer, Long> entry : Map.copyOf(checkpoints.offsets()).entrySet()) {
            if (checkpoints.offsets().remove(entry.getKey(), entry.getValue())) {
                fields.put(RedisKeys.datasetCheckpoint(topic, entry.getKey()), Long.toString(entry.getValue()));
            }
        }
        return fields;
    }

    /** The highest offset of the partition this process saw acknowledged, or -1. */
    public long highestAcknowledged(int partition) {
        return highestAcknowledged.getOrDefault(partition, -1L);
    }
}
