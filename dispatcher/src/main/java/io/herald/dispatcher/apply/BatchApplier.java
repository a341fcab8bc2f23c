package io.herald.dispatcher.apply;

import io.herald.engine.apply.ApplyCommand;
import io.herald.redis.ApplyResult;
import io.herald.redis.ApplyScript;
import io.herald.redis.RedisKeys;
import io.herald.dispatcher.dataset.DatasetChangedException;
import io.herald.dispatcher.dataset.DatasetGuard;
import io.herald.dispatcher.dataset.DatasetIdentity;
import io.herald.dispatcher.redis.RedisConnections;
import io.lettuce.core.api.StatefulRedisConnection;
import io.herald.dispatcher.apply.Replies.Reply;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch to Redis: the batch's records as EVALSHA calls of up to 100 records each, a channel's records
 * together ({@link ApplyCalls}), sent back to back on one connection and flushed in one write, then all replies
 * awaited. Never throws for Redis trouble: the {@link BatchOutcome} says which
 * commands got no answer, and the caller retries the whole batch (the script is idempotent per position).
 *
 * <p>Each send starts with SCRIPT LOAD on the same connection. It costs one cheap command per batch and means
 * that the EVALSHA calls after it find the script even on a Redis that restarted empty since the last batch,
 * instead of failing with NOSCRIPT until some client reloads it — possibly in the middle of this pipeline,
 * which would apply a channel's later records but not its earlier ones. A NOSCRIPT can then only come from a
 * SCRIPT FLUSH during the send; the batch is sent once more at once, and {@link ApplyGaps} catches whatever
 * that interleaving skipped.
 *
 * <p>Why not load once per connection, and again after NOSCRIPT: it saves next to nothing and weakens the above.
 * A SCRIPT LOAD of a cached script costs Redis a SHA1 of the 3 KB source and a lookup, pipelined with the
 * batch (no extra round trip): about a fifth of a one-record call of the apply script, well under 1% of a
 * 500-record batch. Without it, the script cache can empty without
 * the connection noticing (SCRIPT FLUSH, a failover behind a proxy; a restart too, unless reconnects were
 * tracked), and then the first batch of every listener thread and dispatcher instance fails whole with NOSCRIPT
 * and is sent again, and one that fails while another's reload lands is cut in two: records skipped for good.
 *
 * <p>Before that, one round trip asks the connection which dataset it writes to ({@link DatasetGuard}); a batch
 * applies only to the dataset the dispatcher verified, so nothing newer lands on a replica that took over before
 * what it lacks has been applied again. The batch's pipeline ends with the dataset's checkpoints (the highest
 * offsets acknowledged by earlier batches on this same dataset).
 */
public final class BatchApplier {

    private static final Logger log = LoggerFactory.getLogger(BatchApplier.class);

    private final RedisConnections connections;
    private final ApplyScript script;
    private final DatasetGuard dataset;
    private final Duration timeout;

    /**
     * @param timeout how long one send may wait for all of its replies before the missing ones count as failed
     */
    public BatchApplier(RedisConnections connections, ApplyScript script, DatasetGuard dataset, Duration timeout) {
        this.connections = connections;
        this.script = script;
        this.dataset = dataset;
        this.timeout = timeout;
    }

    /** Loads the script, for a first contact at startup; a failure is returned, not thrown. */
    public Throwable loadScript() {
        try {
            StatefulRedisConnection<String, String> connection = connections.borrow();
            try {
                Future<String> load = ApplyScript.load(connection.async()).toCompletableFuture();
                connection.flushCommands();
                load.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return null;
            } finally {
                connections.release(connection);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException | RuntimeException e) {
            return e;
        }
    }

    /**
     * Takes the dataset Redis answers with now as verified, without reading anything back from Kafka: for a
     * benchmark or a test that owns the Redis it applies to. The dispatcher verifies through its repair instead.
     */
    public DatasetIdentity trustCurrentDataset() {
        DatasetIdentity seen = observe();
        dataset.verified(new DatasetGuard.Verified(seen, Map.of()), Map.of());
        return seen;
    }

    /**
     * Asks Redis which dataset it answers with now; when that is the verified one, also writes the checkpoints of
     * the batches acknowledged on it. Throws when Redis does not answer.
     */
    public DatasetIdentity observe() {
        StatefulRedisConnection<String, String> connection = connections.borrow();
        try {
            Reply<DatasetIdentity> seen = identify(connection);
            if (seen.error() != null) {
                throw new IllegalStateException("cannot identify the redis dataset", seen.error());
            }
            Map<String, String> checkpoints = dataset.takeCheckpointFields(seen.value());
            if (!checkpoints.isEmpty()) {
                connection.async().hset(RedisKeys.dataset(), checkpoints);
                connection.flushCommands();
            }
            return seen.value();
        } finally {
            connections.release(connection);
        }
    }

    /** Applies to the verified dataset; a {@link DatasetChangedException} failure means nothing was sent. */
    public BatchOutcome apply(List<ApplyCommand> commands) {
        return applyTo(dataset.dataset(), commands);
    }

    /**
     * Applies to the dataset {@code expected}, for the repair that verifies a dataset; a connection that shows
     * another identity gets nothing but the probe, and the outcome fails with {@link DatasetChangedException}.
     */
    public BatchOutcome applyTo(DatasetGuard.Verified expected, List<ApplyCommand> commands) {
        int n = commands.size();
        ApplyResult[] results = new ApplyResult[n];
        long[] appliedPrev = new long[n];
        Arrays.fill(appliedPrev, ApplyGaps.NOT_APPLIED);
        if (n == 0) {
            return new BatchOutcome(List.of(), ApplyGaps.find(commands, appliedPrev), null);
        }
        StatefulRedisConnection<String, String> connection;
        try {
            connection = connections.borrow();
        } catch (RuntimeException e) {
            return outcome(commands, results, appliedPrev, e);
        }
        try {
            Reply<DatasetIdentity> seen = identify(connection);
            if (seen.error() != null) {
                return outcome(commands, results, appliedPrev, seen.error());
            }
            if (!seen.value().equals(expected.identity())) {
                return outcome(commands, results, appliedPrev, new DatasetChangedException(expected.identity(), seen.value()));
            }
            Map<String, String> checkpoints = dataset.takeCheckpointFields(seen.value());
            SendErrors errors = send(connection, commands, expected, checkpoints, results, appliedPrev);
            if (errors.onlyNoScript()) {
                log.info("redis lost the apply script during a batch (SCRIPT FLUSH?), resending the batch records={}", n);
                errors = send(connection, commands, expected, checkpoints, results, appliedPrev);
            }
            if (!errors.any()) {
                dataset.acknowledged(seen.value(), highestOffsets(commands));
            }
            return outcome(commands, results, appliedPrev, errors.first());
        } finally {
            connections.release(connection);
        }
    }

    private static Map<Integer, Long> highestOffsets(List<ApplyCommand> commands) {
        Map<Integer, Long> highest = new HashMap<>();
        commands.forEach(c -> highest.merge(c.partition(), c.kafkaOffset(), Math::max));
        return highest;
    }

    /** One round trip: which dataset this connection writes to. */
    private Reply<DatasetIdentity> identify(StatefulRedisConnection<String, String> connection) {
        DatasetGuard.Probe probe = dataset.probe(connection.async());
        connection.flushCommands();
        long deadline = System.nanoTime() + timeout.toNanos();
        Reply<String> info = await(probe.info(), deadline);
        Reply<String> epoch = await(probe.epoch(), deadline);
        Throwable error = info.error() != null ? info.error() : epoch.error();
        return error != null ? new Reply<>(null, error) : new Reply<>(probe.identity(info.value(), epoch.value()), null);
    }

    private static BatchOutcome outcome(List<ApplyCommand> commands, ApplyResult[] results, long[] appliedPrev,
            Throwable failure) {
        return new BatchOutcome(Arrays.asList(results), ApplyGaps.find(commands, appliedPrev), failure);
    }

    /**
     * One pipelined send: SCRIPT LOAD, the batch as {@link ApplyCalls}, the checkpoints. Fills in a result for every
     * command that got one (an APPLIED result from an earlier send is kept: a resend of it only says "duplicate") and
     * the applied {@code prev} evidence.
     */
    private SendErrors send(StatefulRedisConnection<String, String> connection, List<ApplyCommand> commands,
            DatasetGuard.Verified target, Map<String, String> checkpoints, ApplyResult[] results, long[] appliedPrev) {
        RedisAsyncCommands<String, String> redis = connection.async();
        CompletableFuture<String> load = ApplyScript.load(redis).toCompletableFuture();
        List<ApplyCalls.Sent> calls = ApplyCalls.queue(redis, script, commands,
                IntStream.range(0, commands.size()).boxed().toList(), false, target::ifNew);
        // earlier batches' checkpoints, on the dataset they were acknowledged on; a failure here costs nothing but
        // a longer repair later, so its reply is not awaited
        if (!checkpoints.isEmpty()) {
            redis.hset(RedisKeys.dataset(), checkpoints);
        }
        connection.flushCommands();

        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable loadError = await(load, deadline).error();
        SendErrors errors = new SendErrors();
        ApplyCalls.await(calls, deadline, timeout, loadError, results, appliedPrev, errors);
        return errors;
    }

    private <T> Reply<T> await(Future<T> future, long deadline) {
        return Replies.await(future, deadline, timeout);
    }
}
