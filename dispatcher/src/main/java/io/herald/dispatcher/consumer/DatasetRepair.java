package io.herald.dispatcher.consumer;

import io.herald.core.kafka.LayoutWatch;
import io.herald.core.kafka.TopicLayout;
import io.herald.redis.ApplyResult;
import io.herald.redis.RedisKeys;
import io.herald.engine.apply.ApplyCommand;
import io.herald.dispatcher.apply.BatchApplier;
import io.herald.dispatcher.apply.BatchOutcome;
import io.herald.engine.apply.CommandDecoder;
import io.herald.dispatcher.dataset.DatasetGuard;
import io.herald.dispatcher.dataset.DatasetIdentity;
import io.herald.dispatcher.dataset.DatasetVerification;
import io.herald.dispatcher.dataset.DatasetVerification.Kind;
import io.herald.engine.KafkaAccess;
import io.herald.engine.OffsetRange;
import io.herald.engine.PartitionScan;
import io.herald.engine.Progress;
import io.herald.dispatcher.redis.RedisConnections;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a Redis dataset that the dispatcher has not verified up to date before any batch writes to it, so that
 * no record is written above a hole (its {@code prev} would then tell edges that nothing is missing).
 *
 * <p>The dataset's checkpoints ({@code herald:dataset}) say, per partition, up to which offset it holds
 * everything. They are written after the records they cover on the same primary, and a replica applies its
 * primary's writes in order, so a replica that took over holds at least what its checkpoints say. Every record
 * after them, up to the furthest this dispatcher group got (its committed offsets, or what this process saw
 * acknowledged), is read back from Kafka and applied again, in order: what the dataset already holds is a
 * duplicate by position, what it lacks is written with the right {@code prev}. Only then are batches applied.
 *
 * <p>A dataset without an epoch is new, or lost its data (restart without persistence, flush): there is nothing
 * to compare it with. It gets an epoch and, if the group had committed records, a base per partition (see
 * {@link #mark}); edges read older history from Kafka, and {@code heraldctl restore} refills it.
 */
public final class DatasetRepair {

    private static final Logger log = LoggerFactory.getLogger(DatasetRepair.class);
    private static final int CHUNK = 500;
    /** Sets the given fields only if the dataset still has no epoch (two dispatchers may find it empty at once). */
    private static final String MARK = "if redis.call('HEXISTS', KEYS[1], 'epoch') == 1 then return 0 end "
            + "redis.call('HSET', KEYS[1], unpack(ARGV)) return 1";

    private final DatasetGuard guard;
    private final BatchApplier applier;
    private final CommandDecoder decoder;
    private final RedisConnections connections;
    private final KafkaAccess kafka;
    private final String groupId;
    private final Duration timeout;
    private final Consumer<DatasetVerification> listener;
    private final LayoutWatch layouts;

    public DatasetRepair(DatasetGuard guard, BatchApplier applier, CommandDecoder decoder, RedisConnections connections,
            KafkaAccess kafka, String groupId, Duration timeout, Consumer<DatasetVerification> listener,
            LayoutWatch layouts) {
        this.guard = guard;
        this.layouts = layouts;
        this.applier = applier;
        this.decoder = decoder;
        this.connections = connections;
        this.kafka = kafka;
        this.groupId = groupId;
        this.timeout = timeout;
        this.listener = listener;
    }

    /**
     * Verifies the dataset Redis answers with now (the caller saw {@code seen}); returns at once if another thread
     * already did. Throws when Redis or Kafka fails: the caller's batch fails and is retried, and so is this.
     */
    public synchronized void repair(DatasetIdentity seen) throws InterruptedException {
        DatasetIdentity before = guard.verified();
        if (seen.equals(before)) {
            return;
        }
        String topic = guard.topic();
        List<Integer> partitions = IntStream.range(0, kafka.partitionCount(topic)).boxed().toList();
        Map<Integer, Long> committed = kafka.committed(groupId);
        State state = read();
        if (state.identity().equals(before)) {
            // the caller's view predates a verification another thread just made (the first batch saw a new dataset
            // before the watch gave it its epoch): Redis still answers with the verified dataset, nothing to repair
            return;
        }
        Kind kind = before == null ? Kind.FIRST_CONTACT : Kind.REPLACED;
        if (!state.identity().hasEpoch()) {
            kind = committed.values().stream().anyMatch(offset -> offset > 0) ? Kind.EMPTIED : Kind.NEW;
            mark(partitions, committed);
            state = read();
        }
        DatasetVerification report = reapply(kind, before, state, partitions, committed);
        guard.record(report, Instant.now());
        listener.accept(report);
    }

    /**
     * Gives a dataset without an epoch one, unless another dispatcher just did. One that lost its data also gets,
     * per partition, a base (the group's committed offset): it holds every record from there on, and a channel it
     * has no trace of gets a {@code prev} just below the base instead of {@code 0-0}, which would tell an edge that
     * nothing came before. Its checkpoints start just below the bases, so the repair that follows re-applies what
     * this process applied after its last commit, and nothing older.
     */
    private void mark(List<Integer> partitions, Map<Integer, Long> committed) {
        List<String> fields = new ArrayList<>(List.of(RedisKeys.DATASET_EPOCH, UUID.randomUUID().toString()));
        for (int p : partitions) {
            long base = committed.getOrDefault(p, 0L);
            if (base > 0) {
                fields.addAll(List.of(RedisKeys.datasetBase(guard.topic(), p), Long.toString(base),
                        RedisKeys.datasetCheckpoint(guard.topic(), p), Long.toString(base - 1)));
            }
        }
        withConnection(redis -> {
            RedisFuture<Long> marked = redis.eval(MARK, ScriptOutputType.INTEGER, new String[] {RedisKeys.dataset()},
                    fields.toArray(String[]::new));
            return () -> await(marked);
        });
    }

    private DatasetVerification reapply(Kind kind, DatasetIdentity before, State state, List<Integer> partitions,
            Map<Integer, Long> committed) throws InterruptedException {
        String topic = guard.topic();
        Map<Integer, Long> begin = kafka.beginningOffsets(topic, partitions);
        Map<Integer, Long> end = kafka.endOffsets(topic, partitions);
        Map<Integer, Long> checkpoints = new HashMap<>();
        Map<Integer, Long> bases = new HashMap<>();
        List<OffsetRange> ranges = new ArrayList<>();
        for (int p : partitions) {
            String base = state.fields().get(RedisKeys.datasetBase(topic, p));
            if (base != null) {
                bases.put(p, Long.parseLong(base));
            }
            String held = state.fields().get(RedisKeys.datasetCheckpoint(topic, p));
            long from = Math.max(held == null ? 0 : Long.parseLong(held) + 1, begin.get(p));
            long reached = Math.max(committed.getOrDefault(p, 0L), guard.highestAcknowledged(p) + 1);
            long to = Math.min(reached, end.get(p));
            ranges.add(new OffsetRange(p, from, to, null));
            if (Math.max(to, from) > 0) {
                checkpoints.put(p, Math.max(to, from) - 1);
            }
        }
        DatasetGuard.Verified dataset = new DatasetGuard.Verified(state.identity(), bases);
        long[] counts = new long[2];
        TopicLayout layout = layouts.knowing(partitions.size() - 1);
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer("herald-dispatcher-dataset-repair")) {
            PartitionScan scan = new PartitionScan(kafka, consumer, topic, timeout);
            for (OffsetRange range : ranges) {
                List<ApplyCommand> chunk = new ArrayList<>(CHUNK);
                scan.read(range, Progress.NONE, record -> {
                    // a record on another partition than its channel's home was moved there, not applied
                    if (decoder.decode(record, layout) instanceof CommandDecoder.Accepted accepted
                            && layout.homeAt(accepted.command().channel(), record.partition(), record.offset())
                                    == record.partition()) {
                        chunk.add(accepted.command());
                        if (chunk.size() == CHUNK) {
                            apply(dataset, chunk, counts);
                        }
                    }
                });
                apply(dataset, chunk, counts);
            }
        }
        guard.verified(dataset, checkpoints);
        DatasetIdentity identity = state.identity();
        String previousRunId = before == null ? null : before.runId();
        List<String> read = ranges.stream().filter(r -> r.size() > 0)
                .map(r -> r.partition() + ":" + r.from() + ".." + r.to()).toList();
        switch (kind) {
            case EMPTIED -> log.warn("redis dataset has no epoch although the group has committed records: redis lost "
                            + "its data (restart without persistence, flush, or a replica that never synced); edges read "
                            + "older history from kafka, 'heraldctl restore' refills it (docs/operations.md, 'Redis lost its "
                            + "data') runId={} epoch={} previousRunId={} recordsMissingAndApplied={} bases={}",
                    identity.runId(), identity.epoch(), previousRunId, counts[1], bases);
            case REPLACED -> log.warn("redis dataset changed (failover, restart with data, restored backup): re-applied "
                            + "from kafka what it may lack before anything newer runId={} epoch={} previousRunId={} "
                            + "recordsRead={} recordsMissingAndApplied={} ranges={}",
                    identity.runId(), identity.epoch(), previousRunId, counts[0], counts[1], read);
            default -> log.info("redis dataset verified kind={} runId={} epoch={} recordsRead={} recordsMissingAndApplied={}",
                    kind.name().toLowerCase(Locale.ROOT), identity.runId(), identity.epoch(), counts[0], counts[1]);
        }
        return new DatasetVerification(kind, identity, counts[0], counts[1]);
    }

    private void apply(DatasetGuard.Verified dataset, List<ApplyCommand> chunk, long[] counts) {
        if (chunk.isEmpty()) {
            return;
        }
        BatchOutcome outcome = applier.applyTo(dataset, chunk);
        if (!outcome.succeeded()) {
            throw new RedisApplyException("redis did not take the dataset repair; it will be retried", outcome.failure());
        }
        counts[0] += chunk.size();
        counts[1] += outcome.results().stream().filter(result -> result.outcome() == ApplyResult.Outcome.APPLIED).count();
        chunk.clear();
    }

    /** The dataset as Redis answers now: its identity and every field of {@code herald:dataset}. */
    private record State(DatasetIdentity identity, Map<String, String> fields) {
    }

    private State read() {
        return withConnection(redis -> {
            RedisFuture<String> info = redis.info("server");
            RedisFuture<Map<String, String>> fields = redis.hgetall(RedisKeys.dataset());
            return () -> {
                Map<String, String> dataset = await(fields);
                return new State(new DatasetIdentity(DatasetIdentity.runIdOf(await(info)),
                        dataset.get(RedisKeys.DATASET_EPOCH)), dataset);
            };
        });
    }

    private interface Pipelined<T> {
        Reader<T> queue(RedisAsyncCommands<String, String> redis);
    }

    private interface Reader<T> {
        T read();
    }

    private <T> T withConnection(Pipelined<T> commands) {
        StatefulRedisConnection<String, String> connection = connections.borrow();
        try {
            Reader<T> reader = commands.queue(connection.async());
            connection.flushCommands();
            return reader.read();
        } finally {
            connections.release(connection);
        }
    }

    private <T> T await(RedisFuture<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisApplyException("interrupted while reading the redis dataset", e);
        } catch (ExecutionException e) {
            throw new RedisApplyException("could not read the redis dataset", e.getCause());
        } catch (TimeoutException e) {
            throw new RedisApplyException("no reply from redis within " + timeout.toMillis() + "ms", e);
        }
    }
}
